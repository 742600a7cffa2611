#include "tradeagg/engine/connection.h"

#include <atomic>
#include <string>
#include <utility>

#include "tradeagg/engine/arrow_c_interface.h"
#include "tradeagg/engine/duckdb_internal.h"

// The one deprecated C API function tradeagg uses, declared here exactly as duckdb.h 1.4 does
// (DUCKDB_API_NO_DEPRECATED hides it there). It is still the C API's only way to hand DuckDB an
// Arrow stream as a scan that runs on all threads and numbers the chunks, which is what lets a
// COPY write Parquet in parallel and in order; the newer duckdb_data_chunk_from_arrow feeds a
// table function, which cannot do both. When a DuckDB pin no longer has it, this fails to link.
extern "C" duckdb_state duckdb_arrow_scan(duckdb_connection connection, const char* table_name,
                                          duckdb_arrow_stream arrow);

namespace tradeagg::engine {

namespace {

// DuckDB's C API takes NUL-terminated strings; an embedded NUL would silently cut the SQL short.
Status CheckNoNul(std::string_view sql, std::string_view what) {
  if (sql.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(std::string(what) + " contains a NUL character");
  }
  return Status::Ok();
}

}  // namespace

void Connection::Disconnector::operator()(_duckdb_connection* conn) const {
  duckdb_connection handle = conn;
  duckdb_disconnect(&handle);
}

Result<QueryResult> Connection::Query(std::string_view sql) {
  if (conn_ == nullptr) return Status::Internal("query on an unconnected Connection");
  TRY(CheckNoNul(sql, "SQL"));
  std::string text(sql);
  duckdb_result result;
  duckdb_state state = duckdb_query(conn_.get(), text.c_str(), &result);
  return internal::TakeResult(state, &result, internal::SqlContext("query", sql));
}

Status Connection::Execute(std::string_view sql) { return Query(sql).status(); }

Result<PreparedStatement> Connection::Prepare(std::string_view sql) {
  if (conn_ == nullptr) return Status::Internal("prepare on an unconnected Connection");
  TRY(CheckNoNul(sql, "SQL"));
  std::string text(sql);
  duckdb_prepared_statement stmt = nullptr;
  duckdb_state state = duckdb_prepare(conn_.get(), text.c_str(), &stmt);
  // Own the handle at once: it must be destroyed even when preparing failed.
  PreparedStatement prepared(stmt, std::move(text));
  if (state != DuckDBSuccess) {
    const char* error = stmt == nullptr ? nullptr : duckdb_prepare_error(stmt);
    // duckdb_prepare reports no error type; a statement that does not prepare is a bad statement.
    return internal::ErrorStatus(DUCKDB_ERROR_INVALID_INPUT, error == nullptr ? "" : error,
                                 internal::SqlContext("prepare", sql));
  }
  return prepared;
}

Result<Appender> Connection::CreateAppender(std::string_view table, std::string_view schema,
                                            std::string_view catalog) {
  if (conn_ == nullptr) return Status::Internal("appender on an unconnected Connection");
  TRY(CheckNoNul(table, "table name"));
  TRY(CheckNoNul(schema, "schema name"));
  TRY(CheckNoNul(catalog, "catalog name"));
  std::string table_text(table), schema_text(schema), catalog_text(catalog);
  std::string name = catalog_text.empty() ? "" : catalog_text + ".";
  name += schema_text.empty() ? "" : schema_text + ".";
  name += table_text;
  duckdb_appender appender = nullptr;
  duckdb_state state = duckdb_appender_create_ext(
      conn_.get(), catalog_text.empty() ? nullptr : catalog_text.c_str(),
      schema_text.empty() ? nullptr : schema_text.c_str(), table_text.c_str(), &appender);
  if (state != DuckDBSuccess) {
    Status status = appender == nullptr
                        ? Status::Internal("create appender on " + name + ": failed")
                        : internal::ErrorDataStatus(duckdb_appender_error_data(appender),
                                                    "create appender on " + name);
    if (appender != nullptr) duckdb_appender_destroy(&appender);
    return status;
  }
  return internal::WrapAppender(appender, std::move(name));
}

Status Connection::CopyArrowStream(ArrowArrayStream* stream, const std::filesystem::path& path,
                                   std::string_view options) {
  if (conn_ == nullptr) return Status::Internal("arrow copy on an unconnected Connection");
  if (stream == nullptr || stream->release == nullptr) return Status::InvalidArgument("arrow copy: no stream");
  // The stream is scanned through a view; views live in the database, which other connections
  // share, so each copy's is its own.
  static std::atomic<uint64_t> views{0};
  const std::string view = "tradeagg_arrow_stream_" + std::to_string(++views);
  // duckdb_arrow_scan binds the stream's schema at once, so a schema DuckDB cannot map fails
  // here; it reports no message of its own.
  if (duckdb_arrow_scan(conn_.get(), view.c_str(), reinterpret_cast<duckdb_arrow_stream>(stream)) != DuckDBSuccess) {
    return Status::InvalidArgument("arrow copy to " + path.string() + ": DuckDB refused the stream or its schema");
  }
  // COPY of the view itself reads every column in order: no projection reaches the scan.
  Status copied = Execute("COPY " + QuoteIdentifier(view) + " TO " + QuoteLiteral(path.string()) + " (" +
                          std::string(options) + ")");
  Status dropped = Execute("DROP VIEW IF EXISTS " + QuoteIdentifier(view));
  return copied.ok() ? dropped : copied;
}

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace tradeagg::engine
