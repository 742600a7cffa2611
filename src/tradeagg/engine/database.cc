#include "tradeagg/engine/database.h"

#include <string>
#include <string_view>
#include <utility>

#include "tradeagg/engine/duckdb_internal.h"

namespace tradeagg::engine {

namespace {

// Owns a duckdb_config for the length of an open.
class Config {
 public:
  Config() { state_ = duckdb_create_config(&config_); }
  ~Config() { duckdb_destroy_config(&config_); }
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  bool created() const { return state_ == DuckDBSuccess; }
  duckdb_config get() const { return config_; }

  Status Set(const std::string& name, const std::string& value) {
    if (duckdb_set_config(config_, name.c_str(), value.c_str()) != DuckDBSuccess) {
      return Status::InvalidArgument("DuckDB option " + name + " = '" + value +
                                     "' is not a valid setting");
    }
    return Status::Ok();
  }

 private:
  duckdb_config config_ = nullptr;
  duckdb_state state_ = DuckDBError;
};

}  // namespace

void Database::Closer::operator()(_duckdb_database* db) const {
  duckdb_database handle = db;
  duckdb_close(&handle);
}

Result<Database> Database::OpenInMemory(const DatabaseOptions& options) {
  return OpenPath(nullptr, ":memory:", options);
}

Result<Database> Database::Open(const std::filesystem::path& path, const DatabaseOptions& options) {
  std::string text = path.string();
  if (text.empty() || text == ":memory:") {
    return Status::InvalidArgument("DuckDB database path must name a file");
  }
  return OpenPath(text.c_str(), text, options);
}

Result<Database> Database::OpenPath(const char* path, const std::string& shown,
                                    const DatabaseOptions& options) {
  Config config;
  if (!config.created()) return Status::Unavailable("create DuckDB config: out of memory");
  if (options.threads) {
    if (*options.threads < 1) return Status::InvalidArgument("DuckDB threads must be at least 1");
    TRY(config.Set("threads", std::to_string(*options.threads)));
  }
  if (!options.memory_limit.empty()) TRY(config.Set("memory_limit", options.memory_limit));
  // Never fetch or load code behind the caller's back: an extension tradeagg needs is loaded by
  // path, explicitly (a query naming an unknown function fails instead of downloading one).
  TRY(config.Set("autoinstall_known_extensions", "false"));
  TRY(config.Set("autoload_known_extensions", "false"));
  for (const auto& [name, value] : options.settings) TRY(config.Set(name, value));

  duckdb_database db = nullptr;
  char* error = nullptr;
  if (duckdb_open_ext(path, &db, config.get(), &error) != DuckDBSuccess) {
    std::string message = "open DuckDB database " + shown + ": " +
                          (error != nullptr ? error : "unknown error");
    bool bad_option = error != nullptr && std::string_view(error).starts_with("Invalid Input Error");
    if (error != nullptr) duckdb_free(error);
    // An option DuckDB did not recognise or accept is the caller's mistake. Otherwise the usual
    // causes are the environment's: a missing directory, a lock held by another process, no
    // permission, no memory.
    if (bad_option) return Status::InvalidArgument(std::move(message));
    return Status::Unavailable(std::move(message));
  }
  return Database(db);
}

Result<Connection> Database::Connect() {
  if (db_ == nullptr) return Status::Internal("connect to a Database that is not open");
  duckdb_connection conn = nullptr;
  if (duckdb_connect(db_.get(), &conn) != DuckDBSuccess) {
    if (conn != nullptr) duckdb_disconnect(&conn);
    return Status::Unavailable("connect to DuckDB database: failed");
  }
  return Connection(conn);
}

}  // namespace tradeagg::engine
