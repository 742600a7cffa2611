// PreparedStatement: a DuckDB statement parsed and planned once, run many times with new values.
//
// Parameters are 1-based, as in DuckDB ($1, $2, ... or ?). A bind error (an index out of range,
// a value the parameter's type cannot take) is remembered and returned by the next Query() or
// Execute(), so call sites need not check every bind. Bindings persist across runs until they are
// rebound or ClearBindings() is called.
// Money binds exactly: BindDecimal passes the 128-bit unscaled value with scale 8 (DuckDB then
// casts it to the parameter's DECIMAL type, refusing values that do not fit); no double is ever
// involved.
// Thread safety: none. A statement belongs to its connection (see connection.h) and must not be
// used after that connection is destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/engine/query_result.h"

struct _duckdb_prepared_statement;

namespace tradeagg::engine {

class PreparedStatement {
 public:
  PreparedStatement() = default;  // not valid; assign one from Connection::Prepare

  void BindBool(size_t index, bool value);
  void BindInt64(size_t index, int64_t value);
  void BindInt128(size_t index, int128 value);
  void BindDecimal(size_t index, Decimal value);
  void BindString(size_t index, std::string_view value);  // VARCHAR; must be valid UTF-8
  void BindDate(size_t index, Date value);
  void BindTimestampTz(size_t index, Timestamp value);    // TIMESTAMP WITH TIME ZONE
  void BindTimestamp(size_t index, Timestamp value);      // TIMESTAMP (no zone; the UTC clock)
  void BindNull(size_t index);
  // Forgets every binding and any remembered bind error.
  void ClearBindings();

  size_t parameter_count() const;
  // True for a SELECT (a query that only reads); false for DDL, COPY, INSERT, SET, ...
  bool is_select() const;

  // Runs the statement with the current bindings.
  Result<QueryResult> Query();
  Status Execute();

  bool valid() const { return stmt_ != nullptr; }

 private:
  friend class Connection;
  struct Destroyer {
    void operator()(_duckdb_prepared_statement* stmt) const;
  };
  PreparedStatement(_duckdb_prepared_statement* stmt, std::string sql);
  void Record(bool ok, size_t index, const char* what);

  std::unique_ptr<_duckdb_prepared_statement, Destroyer> stmt_;
  std::string sql_;  // for error messages
  Status bind_error_;
};

}  // namespace tradeagg::engine
