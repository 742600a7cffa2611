#include "tradeagg/engine/query_result.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "tradeagg/engine/duckdb_internal.h"

namespace tradeagg::engine {

// The fetched chunks stay owned by the duckdb_result's lifetime as well: string vectors may point
// into memory the result owns, so the chunks are destroyed first and the result last.
struct QueryResult::Impl {
  duckdb_result result{};
  std::vector<duckdb_data_chunk> chunks;
  std::vector<uint64_t> chunk_ends;  // chunk_ends[i]: rows in chunks 0..i (ascending)
  std::vector<std::string> names;
  std::vector<ColumnType> types;
  uint64_t rows_changed = 0;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    for (duckdb_data_chunk& chunk : chunks) duckdb_destroy_data_chunk(&chunk);
    duckdb_destroy_result(&result);
  }
};

namespace {

// 10^0 .. 10^38: every power a DECIMAL scale can need.
constexpr int kMaxPower = 38;
constexpr int128 Pow10(int n) {
  int128 value = 1;
  for (int i = 0; i < n; ++i) value *= 10;
  return value;
}

// A located, non-NULL value.
struct Cell {
  duckdb_vector vector;
  uint64_t index;
  const ColumnType* type;
};

bool IsValid(duckdb_vector vector, uint64_t index) {
  uint64_t* validity = duckdb_vector_get_validity(vector);
  return validity == nullptr || ((validity[index / 64] >> (index % 64)) & 1) != 0;
}

template <typename T>
T Read(const Cell& cell) {
  // memcpy: DuckDB aligns its vectors, but this keeps the read well-defined whatever T is.
  T value;
  std::memcpy(&value, static_cast<const char*>(duckdb_vector_get_data(cell.vector)) +
                          cell.index * sizeof(T),
              sizeof(T));
  return value;
}

// The integer value of an integer-typed cell; nullopt for any other type.
std::optional<int128> ReadInteger(const Cell& cell) {
  switch (cell.type->id) {
    case TypeId::kTinyInt: return Read<int8_t>(cell);
    case TypeId::kSmallInt: return Read<int16_t>(cell);
    case TypeId::kInteger: return Read<int32_t>(cell);
    case TypeId::kBigInt: return Read<int64_t>(cell);
    case TypeId::kUTinyInt: return Read<uint8_t>(cell);
    case TypeId::kUSmallInt: return Read<uint16_t>(cell);
    case TypeId::kUInteger: return Read<uint32_t>(cell);
    case TypeId::kUBigInt: return static_cast<int128>(Read<uint64_t>(cell));
    case TypeId::kHugeInt: return internal::FromHugeint(Read<duckdb_hugeint>(cell));
    default: return std::nullopt;
  }
}

// DuckDB stores DECIMAL(w, s) in the narrowest of int16/int32/int64/hugeint that holds w digits.
int128 ReadUnscaled(const Cell& cell) {
  uint8_t width = cell.type->decimal_width;
  if (width <= 4) return Read<int16_t>(cell);
  if (width <= 9) return Read<int32_t>(cell);
  if (width <= 18) return Read<int64_t>(cell);
  return internal::FromHugeint(Read<duckdb_hugeint>(cell));
}

}  // namespace

QueryResult::QueryResult(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
QueryResult::~QueryResult() = default;
QueryResult::QueryResult(QueryResult&&) noexcept = default;
QueryResult& QueryResult::operator=(QueryResult&&) noexcept = default;

size_t QueryResult::column_count() const { return impl_->names.size(); }
const std::string& QueryResult::column_name(size_t column) const { return impl_->names[column]; }
const ColumnType& QueryResult::column_type(size_t column) const { return impl_->types[column]; }

std::optional<size_t> QueryResult::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < impl_->names.size(); ++i) {
    if (impl_->names[i] == name) return i;
  }
  return std::nullopt;
}

uint64_t QueryResult::row_count() const {
  return impl_->chunk_ends.empty() ? 0 : impl_->chunk_ends.back();
}

uint64_t QueryResult::rows_changed() const { return impl_->rows_changed; }

namespace {

// Finds the chunk holding `row`; false when the row is out of range.
bool Locate(const std::vector<uint64_t>& chunk_ends, uint64_t row, size_t* chunk,
            uint64_t* index) {
  auto it = std::upper_bound(chunk_ends.begin(), chunk_ends.end(), row);
  if (it == chunk_ends.end()) return false;
  *chunk = static_cast<size_t>(it - chunk_ends.begin());
  *index = row - (*chunk == 0 ? 0 : chunk_ends[*chunk - 1]);
  return true;
}

Status ColumnError(const std::string& name, uint64_t row, std::string_view what) {
  return Status::InvalidArgument("column '" + name + "' row " + std::to_string(row) + ": " +
                                 std::string(what));
}

Status TypeError(const std::string& name, const ColumnType& type, std::string_view wanted) {
  return Status::InvalidArgument("column '" + name + "' is " + type.name + ", cannot read it as " +
                                 std::string(wanted));
}

}  // namespace

bool QueryResult::IsNull(size_t column, uint64_t row) const {
  size_t chunk = 0;
  uint64_t index = 0;
  if (column >= column_count() || !Locate(impl_->chunk_ends, row, &chunk, &index)) return false;
  return !IsValid(duckdb_data_chunk_get_vector(impl_->chunks[chunk], column), index);
}

// Every accessor starts here: range checks, NULL check, then the cell.
#define TRADEAGG_LOCATE_CELL(cell_var, column, row)                                          \
  if ((column) >= column_count()) {                                                          \
    return Status::InvalidArgument("column " + std::to_string(column) + " out of range (" + \
                                   std::to_string(column_count()) + " columns)");          \
  }                                                                                          \
  size_t cell_var##_chunk = 0;                                                               \
  uint64_t cell_var##_index = 0;                                                             \
  if (!Locate(impl_->chunk_ends, (row), &cell_var##_chunk, &cell_var##_index)) {             \
    return ColumnError(impl_->names[column], (row),                                          \
                       "row out of range (" + std::to_string(row_count()) + " rows)");       \
  }                                                                                          \
  Cell cell_var{duckdb_data_chunk_get_vector(impl_->chunks[cell_var##_chunk], (column)),     \
                cell_var##_index, &impl_->types[column]};                                    \
  if (!IsValid(cell_var.vector, cell_var.index)) {                                           \
    return ColumnError(impl_->names[column], (row), "value is NULL");                        \
  }

Result<bool> QueryResult::GetBool(size_t column, uint64_t row) const {
  TRADEAGG_LOCATE_CELL(cell, column, row);
  if (cell.type->id != TypeId::kBoolean) return TypeError(impl_->names[column], *cell.type, "bool");
  return Read<bool>(cell);
}

Result<int64_t> QueryResult::GetInt64(size_t column, uint64_t row) const {
  TRADEAGG_LOCATE_CELL(cell, column, row);
  std::optional<int128> value = ReadInteger(cell);
  if (!value) return TypeError(impl_->names[column], *cell.type, "int64");
  if (*value < std::numeric_limits<int64_t>::min() || *value > std::numeric_limits<int64_t>::max()) {
    return ColumnError(impl_->names[column], row, "value " + Int128ToString(*value) +
                                                      " does not fit in int64");
  }
  return static_cast<int64_t>(*value);
}

Result<int128> QueryResult::GetInt128(size_t column, uint64_t row) const {
  TRADEAGG_LOCATE_CELL(cell, column, row);
  std::optional<int128> value = ReadInteger(cell);
  if (!value) return TypeError(impl_->names[column], *cell.type, "int128");
  return *value;
}

Result<UnscaledDecimal> QueryResult::GetUnscaledDecimal(size_t column, uint64_t row) const {
  TRADEAGG_LOCATE_CELL(cell, column, row);
  if (cell.type->id != TypeId::kDecimal) {
    return TypeError(impl_->names[column], *cell.type, "DECIMAL");
  }
  return UnscaledDecimal{ReadUnscaled(cell), cell.type->decimal_width, cell.type->decimal_scale};
}

Result<Decimal> QueryResult::GetDecimal(size_t column, uint64_t row) const {
  ASSIGN_OR_RETURN(UnscaledDecimal value, GetUnscaledDecimal(column, row));
  int scale = value.scale;
  if (scale == Decimal::kScale) return Decimal::FromUnits(value.unscaled);
  if (scale > Decimal::kScale) {
    int128 divisor = Pow10(scale - Decimal::kScale);
    if (value.unscaled % divisor != 0) {
      return ColumnError(impl_->names[column], row,
                         "DECIMAL scale " + std::to_string(scale) +
                             " value has digits beyond the 8th decimal place; refusing to round");
    }
    return Decimal::FromUnits(value.unscaled / divisor);
  }
  int128 factor = Pow10(Decimal::kScale - scale);
  constexpr int128 kMax = Pow10(kMaxPower);  // |DECIMAL(38, s)| < 10^38 by construction
  if (value.unscaled >= kMax / factor || value.unscaled <= -kMax / factor) {
    // Cannot happen for widths <= 30; beyond, the product may not fit 128 bits.
    return ColumnError(impl_->names[column], row, "DECIMAL value too large for scale 8");
  }
  return Decimal::FromUnits(value.unscaled * factor);
}

Result<std::string> QueryResult::GetString(size_t column, uint64_t row) const {
  TRADEAGG_LOCATE_CELL(cell, column, row);
  if (cell.type->id != TypeId::kVarchar && cell.type->id != TypeId::kBlob) {
    return TypeError(impl_->names[column], *cell.type, "string");
  }
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(cell.vector));
  duckdb_string_t* value = &strings[cell.index];
  return std::string(duckdb_string_t_data(value), duckdb_string_t_length(*value));
}

Result<Date> QueryResult::GetDate(size_t column, uint64_t row) const {
  TRADEAGG_LOCATE_CELL(cell, column, row);
  if (cell.type->id != TypeId::kDate) return TypeError(impl_->names[column], *cell.type, "date");
  return Date::FromDays(Read<duckdb_date>(cell).days);
}

Result<Timestamp> QueryResult::GetTimestamp(size_t column, uint64_t row) const {
  TRADEAGG_LOCATE_CELL(cell, column, row);
  int64_t micros = 0;
  switch (cell.type->id) {
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      micros = Read<duckdb_timestamp>(cell).micros;
      break;
    case TypeId::kTimestampMs:
      if (__builtin_mul_overflow(Read<duckdb_timestamp_ms>(cell).millis, int64_t{1000}, &micros)) {
        return ColumnError(impl_->names[column], row, "timestamp out of range");
      }
      break;
    case TypeId::kTimestampS:
      if (__builtin_mul_overflow(Read<duckdb_timestamp_s>(cell).seconds, int64_t{1'000'000},
                                 &micros)) {
        return ColumnError(impl_->names[column], row, "timestamp out of range");
      }
      break;
    default:
      return TypeError(impl_->names[column], *cell.type, "timestamp (microseconds)");
  }
  return Timestamp::FromMicros(micros);
}

#undef TRADEAGG_LOCATE_CELL

namespace internal {

Result<QueryResult> TakeResult(duckdb_state state, duckdb_result* result,
                               std::string_view context) {
  auto impl = std::make_unique<QueryResult::Impl>();
  impl->result = *result;  // the Impl destroys it from here on, on every path
  *result = duckdb_result{};
  duckdb_result* owned = &impl->result;
  if (state != DuckDBSuccess) {
    return ErrorStatus(duckdb_result_error_type(owned), duckdb_result_error(owned) == nullptr
                                                            ? std::string_view()
                                                            : duckdb_result_error(owned),
                       context);
  }
  idx_t columns = duckdb_column_count(owned);
  impl->names.reserve(columns);
  impl->types.reserve(columns);
  for (idx_t i = 0; i < columns; ++i) {
    const char* name = duckdb_column_name(owned, i);
    impl->names.emplace_back(name == nullptr ? "" : name);
    LogicalType type(duckdb_column_logical_type(owned, i));
    impl->types.push_back(DescribeType(type.get()));
  }
  impl->rows_changed = duckdb_rows_changed(owned);
  uint64_t rows = 0;
  while (duckdb_data_chunk chunk = duckdb_fetch_chunk(*owned)) {
    idx_t size = duckdb_data_chunk_get_size(chunk);
    if (size == 0) {
      duckdb_destroy_data_chunk(&chunk);
      continue;
    }
    rows += size;
    impl->chunks.push_back(chunk);
    impl->chunk_ends.push_back(rows);
  }
  return QueryResult(std::move(impl));
}

}  // namespace internal

}  // namespace tradeagg::engine
