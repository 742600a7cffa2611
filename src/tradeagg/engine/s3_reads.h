// S3Reads: lets a DuckDB database read s3:// locations in place, through DuckDB's httpfs
// extension, so that the aggregation reads the lake's Parquet files on S3 with ranged GETs
// instead of downloading them first (lake/local_copy_cache.h is the other way).
//
// The extension is loaded by path with auto-install off (scripts/duckdb.sh puts the signed
// binary from the PyPI wheel duckdb-ext-httpfs next to libduckdb), and the credentials become a
// DuckDB S3 secret of this database, in memory only. The secret's statement is never shown: a
// failure says which setting to look at, not the SQL.
// Thread safety: as Connection's (one thread at a time).
#pragma once

#include <filesystem>
#include <string>

#include "tradeagg/core/status.h"
#include "tradeagg/engine/connection.h"

namespace tradeagg::engine {

struct S3Reads {
  std::filesystem::path httpfs_extension;  // .../httpfs.duckdb_extension
  std::string endpoint;                    // "http://127.0.0.1:8333"; empty: AWS for the region
  std::string region = "us-east-1";
  bool path_style = false;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

// The directory scripts/duckdb.sh fills, as the build knows it; TRADEAGG_DUCKDB_EXTENSIONS
// overrides it (an installed binary, the Docker image).
std::filesystem::path DefaultExtensionDirectory();

// Loads httpfs into the connection's database and creates its S3 secret.
Status EnableS3Reads(Connection& connection, const S3Reads& reads);

}  // namespace tradeagg::engine
