#include "tradeagg/engine/appender.h"

#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tradeagg/engine/duckdb_internal.h"

namespace tradeagg::engine {

struct Appender::Impl {
  duckdb_appender appender = nullptr;
  duckdb_data_chunk chunk = nullptr;
  std::string table;
  std::vector<ColumnType> types;
  std::vector<duckdb_vector> vectors;  // re-read after every chunk reset
  idx_t capacity = 0;                  // rows per chunk
  idx_t rows = 0;                      // finished rows in the chunk
  size_t column = 0;                   // next column of the current row
  Status error;
  bool closed = false;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (chunk != nullptr) duckdb_destroy_data_chunk(&chunk);
    if (appender != nullptr) duckdb_appender_destroy(&appender);
  }

  void RefreshVectors() {
    for (size_t i = 0; i < types.size(); ++i) vectors[i] = duckdb_data_chunk_get_vector(chunk, i);
  }

  void Fail(Status status) {
    if (error.ok()) error = std::move(status);
  }

  // The column the next value goes to, or nullptr after an error or past the last column.
  const ColumnType* Next() {
    if (!error.ok()) return nullptr;
    if (closed) {
      Fail(Status::InvalidArgument("append to closed appender on " + table));
      return nullptr;
    }
    if (column >= types.size()) {
      Fail(Status::InvalidArgument("append on " + table + ": row already has " +
                                   std::to_string(types.size()) + " values"));
      return nullptr;
    }
    return &types[column];
  }

  void Refuse(const ColumnType& type, std::string_view what) {
    Fail(Status::InvalidArgument("append on " + table + ": column " + std::to_string(column) +
                                 " is " + type.name + ", cannot take " + std::string(what)));
  }

  template <typename T>
  void Put(T value) {
    auto* data = static_cast<char*>(duckdb_vector_get_data(vectors[column]));
    std::memcpy(data + rows * sizeof(T), &value, sizeof(T));
    ++column;
  }

  // Writes an integer into an integer column if it fits; refuses otherwise.
  void PutInteger(const ColumnType& type, int128 value) {
    auto in = [value](int128 lo, int128 hi) { return value >= lo && value <= hi; };
    switch (type.id) {
      case TypeId::kTinyInt:
        if (in(INT8_MIN, INT8_MAX)) return Put(static_cast<int8_t>(value));
        break;
      case TypeId::kSmallInt:
        if (in(INT16_MIN, INT16_MAX)) return Put(static_cast<int16_t>(value));
        break;
      case TypeId::kInteger:
        if (in(INT32_MIN, INT32_MAX)) return Put(static_cast<int32_t>(value));
        break;
      case TypeId::kBigInt:
        if (in(INT64_MIN, INT64_MAX)) return Put(static_cast<int64_t>(value));
        break;
      case TypeId::kUTinyInt:
        if (in(0, UINT8_MAX)) return Put(static_cast<uint8_t>(value));
        break;
      case TypeId::kUSmallInt:
        if (in(0, UINT16_MAX)) return Put(static_cast<uint16_t>(value));
        break;
      case TypeId::kUInteger:
        if (in(0, UINT32_MAX)) return Put(static_cast<uint32_t>(value));
        break;
      case TypeId::kUBigInt:
        if (in(0, UINT64_MAX)) return Put(static_cast<uint64_t>(value));
        break;
      case TypeId::kHugeInt:
        return Put(internal::ToHugeint(value));
      default:
        return Refuse(type, "an integer");
    }
    Refuse(type, "integer " + Int128ToString(value) + " (out of range)");
  }

  // Hands the finished rows to DuckDB and starts an empty chunk.
  Status SendChunk() {
    if (rows == 0) return Status::Ok();
    duckdb_data_chunk_set_size(chunk, rows);
    duckdb_state state = duckdb_append_data_chunk(appender, chunk);
    duckdb_data_chunk_reset(chunk);
    RefreshVectors();
    rows = 0;
    if (state != DuckDBSuccess) {
      Fail(internal::ErrorDataStatus(duckdb_appender_error_data(appender), "append to " + table));
    }
    return error;
  }
};

namespace {

constexpr int128 Pow10(int n) {
  int128 value = 1;
  for (int i = 0; i < n; ++i) value *= 10;
  return value;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. DuckDB requires valid
// UTF-8 in VARCHAR vectors and does not check what is written into them directly.
bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra = 0;
    uint32_t code = 0;
    uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      code = (code << 6) | (p[i] & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    p += extra + 1;
  }
  return true;
}

}  // namespace

Appender::Appender() = default;
Appender::Appender(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Appender::Appender(Appender&&) noexcept = default;
Appender& Appender::operator=(Appender&& other) noexcept {
  if (this != &other) {
    if (impl_ != nullptr && !impl_->closed && impl_->error.ok()) (void)Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Appender::~Appender() {
  if (impl_ != nullptr && !impl_->closed && impl_->error.ok()) (void)Close();
}

size_t Appender::column_count() const { return impl_->types.size(); }
const ColumnType& Appender::column_type(size_t column) const { return impl_->types[column]; }

void Appender::AppendBool(bool value) {
  const ColumnType* type = impl_->Next();
  if (type == nullptr) return;
  if (type->id != TypeId::kBoolean) return impl_->Refuse(*type, "a bool");
  impl_->Put(value);
}

void Appender::AppendInt64(int64_t value) {
  const ColumnType* type = impl_->Next();
  if (type == nullptr) return;
  impl_->PutInteger(*type, value);
}

void Appender::AppendInt128(int128 value) {
  const ColumnType* type = impl_->Next();
  if (type == nullptr) return;
  impl_->PutInteger(*type, value);
}

void Appender::AppendDecimal(Decimal value) {
  const ColumnType* type = impl_->Next();
  if (type == nullptr) return;
  if (type->id != TypeId::kDecimal) return impl_->Refuse(*type, "a decimal");
  int scale = type->decimal_scale;
  int128 limit = Pow10(type->decimal_width);  // |unscaled| < 10^width
  int128 unscaled = value.units();
  if (scale >= Decimal::kScale) {
    int128 factor = Pow10(scale - Decimal::kScale);
    if (unscaled >= limit / factor || unscaled <= -limit / factor) {
      return impl_->Refuse(*type, value.ToString() + " (too many digits)");
    }
    unscaled *= factor;
  } else {
    int128 divisor = Pow10(Decimal::kScale - scale);
    if (unscaled % divisor != 0) {
      return impl_->Refuse(*type, value.ToString() + " (would round)");
    }
    unscaled /= divisor;
    if (unscaled >= limit || unscaled <= -limit) {
      return impl_->Refuse(*type, value.ToString() + " (too many digits)");
    }
  }
  uint8_t width = type->decimal_width;
  if (width <= 4) return impl_->Put(static_cast<int16_t>(unscaled));
  if (width <= 9) return impl_->Put(static_cast<int32_t>(unscaled));
  if (width <= 18) return impl_->Put(static_cast<int64_t>(unscaled));
  impl_->Put(internal::ToHugeint(unscaled));
}

void Appender::AppendString(std::string_view value) {
  const ColumnType* type = impl_->Next();
  if (type == nullptr) return;
  if (type->id == TypeId::kVarchar) {
    if (!IsValidUtf8(value)) return impl_->Refuse(*type, "a string that is not valid UTF-8");
  } else if (type->id != TypeId::kBlob) {
    return impl_->Refuse(*type, "a string");
  }
  duckdb_vector_assign_string_element_len(impl_->vectors[impl_->column], impl_->rows, value.data(),
                                          value.size());
  ++impl_->column;
}

void Appender::AppendDate(Date value) {
  const ColumnType* type = impl_->Next();
  if (type == nullptr) return;
  if (type->id != TypeId::kDate) return impl_->Refuse(*type, "a date");
  impl_->Put(duckdb_date{value.days()});
}

void Appender::AppendTimestamp(Timestamp value) {
  const ColumnType* type = impl_->Next();
  if (type == nullptr) return;
  if (type->id != TypeId::kTimestampTz && type->id != TypeId::kTimestamp) {
    return impl_->Refuse(*type, "a timestamp");
  }
  impl_->Put(duckdb_timestamp{value.micros()});
}

void Appender::AppendNull() {
  if (impl_->Next() == nullptr) return;
  duckdb_vector vector = impl_->vectors[impl_->column];
  duckdb_vector_ensure_validity_writable(vector);
  duckdb_validity_set_row_invalid(duckdb_vector_get_validity(vector), impl_->rows);
  ++impl_->column;
}

Status Appender::EndRow() {
  if (impl_ == nullptr) return Status::Internal("EndRow on an empty Appender");
  if (!impl_->error.ok()) return impl_->error;
  if (impl_->closed) return Status::InvalidArgument("EndRow on closed appender on " + impl_->table);
  if (impl_->column != impl_->types.size()) {
    impl_->Fail(Status::InvalidArgument(
        "append on " + impl_->table + ": row ended after " + std::to_string(impl_->column) +
        " of " + std::to_string(impl_->types.size()) + " values"));
    return impl_->error;
  }
  impl_->column = 0;
  ++impl_->rows;
  if (impl_->rows == impl_->capacity) return impl_->SendChunk();
  return Status::Ok();
}

Status Appender::Flush() {
  if (impl_ == nullptr) return Status::Internal("Flush on an empty Appender");
  if (!impl_->error.ok()) return impl_->error;
  if (impl_->closed) return Status::InvalidArgument("Flush on closed appender on " + impl_->table);
  if (impl_->column != 0) {
    impl_->Fail(Status::InvalidArgument("flush on " + impl_->table + " with a row in progress"));
    return impl_->error;
  }
  TRY(impl_->SendChunk());
  if (duckdb_appender_flush(impl_->appender) != DuckDBSuccess) {
    impl_->Fail(internal::ErrorDataStatus(duckdb_appender_error_data(impl_->appender),
                                          "flush appender on " + impl_->table));
  }
  return impl_->error;
}

Status Appender::Close() {
  if (impl_ == nullptr) return Status::Internal("Close on an empty Appender");
  Status status = Flush();
  if (status.ok() && duckdb_appender_close(impl_->appender) != DuckDBSuccess) {
    impl_->Fail(internal::ErrorDataStatus(duckdb_appender_error_data(impl_->appender),
                                          "close appender on " + impl_->table));
    status = impl_->error;
  }
  impl_->closed = true;
  return status;
}

namespace internal {

Result<Appender> WrapAppender(duckdb_appender appender, std::string table) {
  auto impl = std::make_unique<Appender::Impl>();
  impl->appender = appender;
  impl->table = std::move(table);
  idx_t columns = duckdb_appender_column_count(appender);
  std::vector<duckdb_logical_type> logical_types;
  logical_types.reserve(columns);
  for (idx_t i = 0; i < columns; ++i) {
    logical_types.push_back(duckdb_appender_column_type(appender, i));
    impl->types.push_back(DescribeType(logical_types.back()));
  }
  impl->chunk = duckdb_create_data_chunk(logical_types.data(), columns);
  for (duckdb_logical_type& type : logical_types) duckdb_destroy_logical_type(&type);
  if (impl->chunk == nullptr) {
    return Status::Internal("create data chunk for appender on " + impl->table);
  }
  impl->capacity = duckdb_vector_size();
  impl->vectors.resize(columns);
  impl->RefreshVectors();
  return Appender(std::move(impl));
}

}  // namespace internal

}  // namespace tradeagg::engine
