// Internal to engine/: the one place that includes DuckDB's C API, and the conversions the
// engine types share (errors, types, 128-bit integers). Nothing outside engine/ includes this.
//
// DUCKDB_API_NO_DEPRECATED hides every function DuckDB 1.4 marks as scheduled for removal
// (duckdb_value_*, duckdb_row_count, duckdb_result_get_chunk, duckdb_appender_error, ...), so
// using one is a compile error rather than a future break.
#pragma once

#ifndef DUCKDB_API_NO_DEPRECATED
#define DUCKDB_API_NO_DEPRECATED
#endif
#include <duckdb.h>

#include <string>
#include <string_view>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/status.h"
#include "tradeagg/engine/appender.h"
#include "tradeagg/engine/column_type.h"
#include "tradeagg/engine/query_result.h"

namespace tradeagg::engine::internal {

// Translates a DuckDB error into a Status; `context` says what we were doing. The mapping is
// documented in connection.h.
Status ErrorStatus(duckdb_error_type type, std::string_view message, std::string_view context);
// Same, from an error-data handle (which may be null: then a generic message); destroys it.
Status ErrorDataStatus(duckdb_error_data error, std::string_view context);
// "query `SELECT ...`" with long statements shortened, for error contexts.
std::string SqlContext(std::string_view verb, std::string_view sql);

// Takes over `result` as filled by duckdb_query / duckdb_execute_prepared (which returned
// `state`): fetches every chunk into a QueryResult, or turns the error into a Status. Either way
// the duckdb_result is consumed and must not be destroyed by the caller.
Result<QueryResult> TakeResult(duckdb_state state, duckdb_result* result, std::string_view context);

// Wraps a created duckdb_appender (taking ownership); `table` names it in error messages.
Result<Appender> WrapAppender(duckdb_appender appender, std::string table);

// Describes a logical type; does not take ownership.
ColumnType DescribeType(duckdb_logical_type type);

inline int128 FromHugeint(duckdb_hugeint value) {
  // C++20 defines the unsigned-to-signed conversion as modular, so negative values survive.
  uint128 bits = (static_cast<uint128>(static_cast<uint64_t>(value.upper)) << 64) | value.lower;
  return static_cast<int128>(bits);
}

inline duckdb_hugeint ToHugeint(int128 value) {
  uint128 bits = static_cast<uint128>(value);
  duckdb_hugeint out;
  out.lower = static_cast<uint64_t>(bits);
  out.upper = static_cast<int64_t>(static_cast<uint64_t>(bits >> 64));
  return out;
}

// Owns a duckdb_logical_type.
class LogicalType {
 public:
  explicit LogicalType(duckdb_logical_type type) : type_(type) {}
  ~LogicalType() {
    if (type_ != nullptr) duckdb_destroy_logical_type(&type_);
  }
  LogicalType(const LogicalType&) = delete;
  LogicalType& operator=(const LogicalType&) = delete;
  duckdb_logical_type get() const { return type_; }

 private:
  duckdb_logical_type type_;
};

}  // namespace tradeagg::engine::internal
