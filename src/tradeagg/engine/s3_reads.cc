#include "tradeagg/engine/s3_reads.h"

#include <cstdlib>

namespace tradeagg::engine {

namespace {

// A SQL string literal.
std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// httpfs wants the endpoint without its scheme, and the scheme as USE_SSL.
std::pair<std::string, bool> HostAndSsl(std::string_view endpoint) {
  if (endpoint.starts_with("http://")) return {std::string(endpoint.substr(7)), false};
  if (endpoint.starts_with("https://")) return {std::string(endpoint.substr(8)), true};
  return {std::string(endpoint), true};
}

}  // namespace

std::filesystem::path DefaultExtensionDirectory() {
  if (const char* dir = std::getenv("TRADEAGG_DUCKDB_EXTENSIONS"); dir != nullptr && *dir != '\0') return dir;
  return TRADEAGG_DUCKDB_EXTENSIONS_DIR;  // set by CMakeLists.txt
}

Status EnableS3Reads(Connection& connection, const S3Reads& reads) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(reads.httpfs_extension, ec)) {
    return Status::Unavailable("DuckDB's httpfs extension is not at " + reads.httpfs_extension.string() +
                               " (scripts/duckdb.sh puts it there; TRADEAGG_DUCKDB_EXTENSIONS names another directory)");
  }
  TRY(connection.Execute("LOAD " + Quoted(reads.httpfs_extension.string())));
  std::string secret = "CREATE OR REPLACE SECRET tradeagg_lake (TYPE s3, KEY_ID " + Quoted(reads.access_key_id) +
                       ", SECRET " + Quoted(reads.secret_access_key) + ", REGION " + Quoted(reads.region);
  if (!reads.session_token.empty()) secret += ", SESSION_TOKEN " + Quoted(reads.session_token);
  if (!reads.endpoint.empty()) {
    auto [host, ssl] = HostAndSsl(reads.endpoint);
    secret += ", ENDPOINT " + Quoted(host) + ", USE_SSL " + (ssl ? "true" : "false");
  }
  secret += std::string(", URL_STYLE ") + (reads.path_style ? "'path'" : "'vhost'") + ")";
  if (Status created = connection.Execute(secret); !created.ok()) {
    return Status(created.code(), "DuckDB refused the lake's S3 secret (check lake.s3.*)");
  }
  return Status::Ok();
}

}  // namespace tradeagg::engine
