// Appender: bulk-loads rows into a DuckDB table, far faster than INSERT statements.
//
// Values are written straight into a DuckDB data chunk of the table's own column types (in
// DuckDB's internal representation) and the full chunk is handed to DuckDB's appender, so no
// value is ever cast by DuckDB: what arrives in the table is exactly what was appended.
// Each Append* fills the next column of the current row; EndRow() finishes the row. A value the
// column cannot hold exactly is refused rather than converted:
//   AppendInt64 / AppendInt128  integer columns (range-checked); never DECIMAL or floating point
//   AppendDecimal               DECIMAL(w, s): rescaled from scale 8 exactly (s < 8 only when the
//                               dropped digits are zero), and it must fit w digits
//   AppendString                VARCHAR (must be valid UTF-8, checked) or BLOB
//   AppendDate                  DATE
//   AppendTimestamp             TIMESTAMP WITH TIME ZONE, or TIMESTAMP (the UTC clock reading)
//   AppendBool                  BOOLEAN
//   AppendNull                  any column (a NOT NULL constraint fails at flush)
// The first error (a refused value, a short row, a constraint failure) is remembered: later
// appends are ignored and EndRow/Flush/Close return it. The appender is then unusable.
// Rows reach the table in batches: a full chunk (DuckDB's vector size, 2048 rows) is handed to
// DuckDB at once, and DuckDB writes what it was handed at Flush/Close/destruction. Appending is
// not atomic on its own (after an error, chunks handed over before it still land); wrap it in a
// transaction when all-or-nothing matters.
// Close() before destruction to see flush errors; the destructor closes too, but silently, and
// after an error it hands over nothing more.
// Thread safety: none. An appender belongs to its connection (see connection.h) and must be
// closed or destroyed before that connection is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/engine/column_type.h"

namespace tradeagg::engine {

class Appender {
 public:
  struct Impl;  // engine-internal; see appender.cc

  Appender();  // not valid; assign one from Connection::CreateAppender
  explicit Appender(std::unique_ptr<Impl> impl);
  ~Appender();
  Appender(Appender&&) noexcept;
  Appender& operator=(Appender&&) noexcept;
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  size_t column_count() const;
  const ColumnType& column_type(size_t column) const;  // precondition: column < column_count()

  void AppendBool(bool value);
  void AppendInt64(int64_t value);
  void AppendInt128(int128 value);
  void AppendDecimal(Decimal value);
  void AppendString(std::string_view value);
  void AppendDate(Date value);
  void AppendTimestamp(Timestamp value);
  void AppendNull();

  // Ends the current row; it must have a value for every column.
  Status EndRow();
  // Hands every finished row to the table. No row may be in progress.
  Status Flush();
  // Flush() and release the appender; later calls fail.
  Status Close();

  bool valid() const { return impl_ != nullptr; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tradeagg::engine
