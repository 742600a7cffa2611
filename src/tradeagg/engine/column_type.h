// ColumnType: the DuckDB type of a result or table column, as far as tradeagg reads or writes it.
//
// A small mirror of DuckDB's logical types so that no header outside engine/ needs duckdb.h.
// Types tradeagg has no accessor for (lists, structs, intervals, ...) are kOther; their DuckDB
// name is still kept for error messages.
// Thread safety: value type.
#pragma once

#include <cstdint>
#include <string>

namespace tradeagg::engine {

enum class TypeId : uint8_t {
  kOther = 0,  // a type without an accessor here (LIST, STRUCT, INTERVAL, ...)
  kBoolean,
  kTinyInt,
  kSmallInt,
  kInteger,
  kBigInt,
  kUTinyInt,
  kUSmallInt,
  kUInteger,
  kUBigInt,
  kHugeInt,
  kDecimal,
  kFloat,
  kDouble,
  kVarchar,
  kBlob,
  kDate,
  kTimestamp,     // microseconds, no time zone
  kTimestampTz,   // microseconds since the epoch, UTC
  kTimestampMs,
  kTimestampS,
  kTimestampNs,
};

struct ColumnType {
  TypeId id = TypeId::kOther;
  uint8_t decimal_width = 0;  // DECIMAL only: precision (1..38)
  uint8_t decimal_scale = 0;  // DECIMAL only: digits after the point
  std::string name;           // DuckDB's spelling, e.g. "DECIMAL(18,8)", "TIMESTAMP WITH TIME ZONE"

  bool is_integer() const;    // a signed or unsigned integer type, HUGEINT included
};

const char* TypeIdName(TypeId id);

}  // namespace tradeagg::engine
