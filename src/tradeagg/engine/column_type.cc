#include "tradeagg/engine/column_type.h"

namespace tradeagg::engine {

bool ColumnType::is_integer() const {
  switch (id) {
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
    case TypeId::kUTinyInt:
    case TypeId::kUSmallInt:
    case TypeId::kUInteger:
    case TypeId::kUBigInt:
    case TypeId::kHugeInt:
      return true;
    default:
      return false;
  }
}

const char* TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kOther: return "OTHER";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kTinyInt: return "TINYINT";
    case TypeId::kSmallInt: return "SMALLINT";
    case TypeId::kInteger: return "INTEGER";
    case TypeId::kBigInt: return "BIGINT";
    case TypeId::kUTinyInt: return "UTINYINT";
    case TypeId::kUSmallInt: return "USMALLINT";
    case TypeId::kUInteger: return "UINTEGER";
    case TypeId::kUBigInt: return "UBIGINT";
    case TypeId::kHugeInt: return "HUGEINT";
    case TypeId::kDecimal: return "DECIMAL";
    case TypeId::kFloat: return "FLOAT";
    case TypeId::kDouble: return "DOUBLE";
    case TypeId::kVarchar: return "VARCHAR";
    case TypeId::kBlob: return "BLOB";
    case TypeId::kDate: return "DATE";
    case TypeId::kTimestamp: return "TIMESTAMP";
    case TypeId::kTimestampTz: return "TIMESTAMP WITH TIME ZONE";
    case TypeId::kTimestampMs: return "TIMESTAMP_MS";
    case TypeId::kTimestampS: return "TIMESTAMP_S";
    case TypeId::kTimestampNs: return "TIMESTAMP_NS";
  }
  return "OTHER";
}

}  // namespace tradeagg::engine
