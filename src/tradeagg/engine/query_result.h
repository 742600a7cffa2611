// QueryResult: the rows of one DuckDB statement, held in memory, with exact typed accessors.
//
// Built by Connection::Query and PreparedStatement::Query. The whole result is fetched when the
// statement runs (as DuckDB columnar chunks; values are not copied again), so a QueryResult
// does not tie up its connection and may outlive it.
//
// Accessors take (column, row), both 0-based, and return a Result: a column or row out of range,
// a NULL value, or a type the accessor cannot read exactly is an error (kInvalidArgument) naming
// the column, never a silent default. Call IsNull first where NULLs are expected. Conversions
// are exact or refused:
//   GetInt64      any integer type whose value fits in int64
//   GetInt128     any integer type (HUGEINT included)
//   GetDecimal    DECIMAL(w, s) as a tradeagg::Decimal (scale 8): s < 8 is scaled up exactly;
//                 s > 8 only when the extra digits are zero (never rounds)
//   GetUnscaledDecimal  DECIMAL(w, s) as its raw unscaled integer plus width and scale
//   GetString     VARCHAR or BLOB bytes
//   GetDate       DATE
//   GetTimestamp  TIMESTAMP WITH TIME ZONE or TIMESTAMP (taken as UTC), and TIMESTAMP_MS/_S;
//                 TIMESTAMP_NS is refused (it would lose nanoseconds)
//   GetBool       BOOLEAN
// Thread safety: const methods may be called from several threads at once; the object is
// move-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/engine/column_type.h"

namespace tradeagg::engine {

// A DECIMAL value as DuckDB stores it: value = unscaled / 10^scale.
struct UnscaledDecimal {
  int128 unscaled = 0;
  uint8_t width = 0;
  uint8_t scale = 0;
};

class QueryResult {
 public:
  struct Impl;  // engine-internal; see query_result.cc
  explicit QueryResult(std::unique_ptr<Impl> impl);
  ~QueryResult();
  QueryResult(QueryResult&&) noexcept;
  QueryResult& operator=(QueryResult&&) noexcept;
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;

  size_t column_count() const;
  // Precondition for both: column < column_count().
  const std::string& column_name(size_t column) const;
  const ColumnType& column_type(size_t column) const;
  // The index of the first column called `name` (exact match), if any.
  std::optional<size_t> FindColumn(std::string_view name) const;

  uint64_t row_count() const;
  // Rows inserted, updated or deleted by an INSERT/UPDATE/DELETE statement; 0 otherwise.
  uint64_t rows_changed() const;

  // False for an out-of-range column or row as well as for a non-NULL value.
  bool IsNull(size_t column, uint64_t row) const;

  Result<bool> GetBool(size_t column, uint64_t row) const;
  Result<int64_t> GetInt64(size_t column, uint64_t row) const;
  Result<int128> GetInt128(size_t column, uint64_t row) const;
  Result<Decimal> GetDecimal(size_t column, uint64_t row) const;
  Result<UnscaledDecimal> GetUnscaledDecimal(size_t column, uint64_t row) const;
  Result<std::string> GetString(size_t column, uint64_t row) const;
  Result<Date> GetDate(size_t column, uint64_t row) const;
  Result<Timestamp> GetTimestamp(size_t column, uint64_t row) const;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tradeagg::engine
