// Database: one DuckDB instance, in memory or in a file, opened with start-up options.
//
// tradeagg uses DuckDB as an in-process engine over Parquet files; an in-memory database is the
// usual choice. Connect() opens a session on it (see connection.h). DuckDB keeps the instance
// alive while any of its connections lives, but tradeagg code keeps the Database the longer-lived
// object anyway.
// Options are applied at start-up: `threads` caps DuckDB's worker threads (DuckDB's default is
// one per core), `memory_limit` caps its buffer memory ("512MB", "2GB"; DuckDB's default is 80%
// of RAM), and `settings` passes any other DuckDB configuration option by name. Extension
// auto-install and auto-load are always off. A bad name or
// value is kInvalidArgument; a file that cannot be opened or locked is kUnavailable.
// Thread safety: Connect() may be called from any thread; each connection is then used by one
// thread at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/engine/connection.h"

struct _duckdb_database;

namespace tradeagg::engine {

struct DatabaseOptions {
  std::optional<int> threads;
  std::string memory_limit;  // empty: DuckDB's default
  std::vector<std::pair<std::string, std::string>> settings;  // name, value
};

class Database {
 public:
  Database() = default;  // not open; assign one from Open / OpenInMemory

  static Result<Database> OpenInMemory(const DatabaseOptions& options = {});
  // Opens (creating if absent) a DuckDB database file.
  static Result<Database> Open(const std::filesystem::path& path,
                               const DatabaseOptions& options = {});

  Result<Connection> Connect();

  bool valid() const { return db_ != nullptr; }

 private:
  struct Closer {
    void operator()(_duckdb_database* db) const;
  };
  explicit Database(_duckdb_database* db) : db_(db) {}
  static Result<Database> OpenPath(const char* path, const std::string& shown,
                                   const DatabaseOptions& options);

  std::unique_ptr<_duckdb_database, Closer> db_;
};

}  // namespace tradeagg::engine
