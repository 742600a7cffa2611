#include "tradeagg/engine/duckdb_internal.h"

namespace tradeagg::engine::internal {

namespace {

bool Contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

StatusCode CodeFor(duckdb_error_type type, std::string_view message) {
  switch (type) {
    // The statement or its inputs are wrong; running it again will fail again.
    case DUCKDB_ERROR_PARSER:
    case DUCKDB_ERROR_SYNTAX:
    case DUCKDB_ERROR_BINDER:
    case DUCKDB_ERROR_PLANNER:
    case DUCKDB_ERROR_CONVERSION:
    case DUCKDB_ERROR_OUT_OF_RANGE:
    case DUCKDB_ERROR_INVALID_INPUT:
    case DUCKDB_ERROR_MISMATCH_TYPE:
    case DUCKDB_ERROR_DIVIDE_BY_ZERO:
    case DUCKDB_ERROR_DECIMAL:
    case DUCKDB_ERROR_UNKNOWN_TYPE:
    case DUCKDB_ERROR_INVALID_TYPE:
    case DUCKDB_ERROR_EXPRESSION:
    case DUCKDB_ERROR_OBJECT_SIZE:
    case DUCKDB_ERROR_NOT_IMPLEMENTED:
    case DUCKDB_ERROR_PARAMETER_NOT_RESOLVED:
    case DUCKDB_ERROR_PARAMETER_NOT_ALLOWED:
    case DUCKDB_ERROR_SETTINGS:
    case DUCKDB_INVALID_CONFIGURATION:
    case DUCKDB_ERROR_DEPENDENCY:
    case DUCKDB_ERROR_SEQUENCE:
      return StatusCode::kInvalidArgument;
    case DUCKDB_ERROR_CATALOG:
      // DuckDB has one error type for both directions; its messages are stable enough to split.
      if (Contains(message, "does not exist") || Contains(message, "could not be found")) {
        return StatusCode::kNotFound;
      }
      if (Contains(message, "already exists")) return StatusCode::kAlreadyExists;
      return StatusCode::kInvalidArgument;
    case DUCKDB_ERROR_CONSTRAINT:
      // Primary key and unique violations say "Duplicate key"; NOT NULL, CHECK and foreign key
      // violations are bad input.
      if (Contains(message, "Duplicate key") || Contains(message, "duplicate key")) {
        return StatusCode::kAlreadyExists;
      }
      return StatusCode::kInvalidArgument;
    case DUCKDB_ERROR_PERMISSION:
      return StatusCode::kPermissionDenied;
    // The environment failed (disk, memory, network, a concurrent writer, a missing extension):
    // the statement did not take effect and may work when tried again.
    case DUCKDB_ERROR_IO:
    case DUCKDB_ERROR_NETWORK:
    case DUCKDB_ERROR_HTTP:
    case DUCKDB_ERROR_OUT_OF_MEMORY:
    case DUCKDB_ERROR_INTERRUPT:
    case DUCKDB_ERROR_TRANSACTION:
    case DUCKDB_ERROR_CONNECTION:
    case DUCKDB_ERROR_MISSING_EXTENSION:
    case DUCKDB_ERROR_AUTOLOAD:
      return StatusCode::kUnavailable;
    default:  // FATAL, INTERNAL, SERIALIZATION, INVALID, ...: a bug or a broken database
      return StatusCode::kInternal;
  }
}

const char* OtherTypeName(duckdb_type type) {
  switch (type) {
    case DUCKDB_TYPE_TIME: return "TIME";
    case DUCKDB_TYPE_TIME_NS: return "TIME_NS";
    case DUCKDB_TYPE_TIME_TZ: return "TIME WITH TIME ZONE";
    case DUCKDB_TYPE_INTERVAL: return "INTERVAL";
    case DUCKDB_TYPE_UHUGEINT: return "UHUGEINT";
    case DUCKDB_TYPE_ENUM: return "ENUM";
    case DUCKDB_TYPE_LIST: return "LIST";
    case DUCKDB_TYPE_STRUCT: return "STRUCT";
    case DUCKDB_TYPE_MAP: return "MAP";
    case DUCKDB_TYPE_ARRAY: return "ARRAY";
    case DUCKDB_TYPE_UUID: return "UUID";
    case DUCKDB_TYPE_UNION: return "UNION";
    case DUCKDB_TYPE_BIT: return "BIT";
    case DUCKDB_TYPE_BIGNUM: return "BIGNUM";
    case DUCKDB_TYPE_SQLNULL: return "NULL";
    default: return "OTHER";
  }
}

TypeId IdFor(duckdb_type type) {
  switch (type) {
    case DUCKDB_TYPE_BOOLEAN: return TypeId::kBoolean;
    case DUCKDB_TYPE_TINYINT: return TypeId::kTinyInt;
    case DUCKDB_TYPE_SMALLINT: return TypeId::kSmallInt;
    case DUCKDB_TYPE_INTEGER: return TypeId::kInteger;
    case DUCKDB_TYPE_BIGINT: return TypeId::kBigInt;
    case DUCKDB_TYPE_UTINYINT: return TypeId::kUTinyInt;
    case DUCKDB_TYPE_USMALLINT: return TypeId::kUSmallInt;
    case DUCKDB_TYPE_UINTEGER: return TypeId::kUInteger;
    case DUCKDB_TYPE_UBIGINT: return TypeId::kUBigInt;
    case DUCKDB_TYPE_HUGEINT: return TypeId::kHugeInt;
    case DUCKDB_TYPE_DECIMAL: return TypeId::kDecimal;
    case DUCKDB_TYPE_FLOAT: return TypeId::kFloat;
    case DUCKDB_TYPE_DOUBLE: return TypeId::kDouble;
    case DUCKDB_TYPE_VARCHAR: return TypeId::kVarchar;
    case DUCKDB_TYPE_BLOB: return TypeId::kBlob;
    case DUCKDB_TYPE_DATE: return TypeId::kDate;
    case DUCKDB_TYPE_TIMESTAMP: return TypeId::kTimestamp;
    case DUCKDB_TYPE_TIMESTAMP_TZ: return TypeId::kTimestampTz;
    case DUCKDB_TYPE_TIMESTAMP_MS: return TypeId::kTimestampMs;
    case DUCKDB_TYPE_TIMESTAMP_S: return TypeId::kTimestampS;
    case DUCKDB_TYPE_TIMESTAMP_NS: return TypeId::kTimestampNs;
    default: return TypeId::kOther;
  }
}

}  // namespace

Status ErrorStatus(duckdb_error_type type, std::string_view message, std::string_view context) {
  std::string text(context);
  text += ": ";
  text += message.empty() ? std::string_view("unknown DuckDB error") : message;
  return Status(CodeFor(type, message), std::move(text));
}

Status ErrorDataStatus(duckdb_error_data error, std::string_view context) {
  if (error == nullptr || !duckdb_error_data_has_error(error)) {
    if (error != nullptr) duckdb_destroy_error_data(&error);
    return Status::Internal(std::string(context) + ": DuckDB reported a failure without details");
  }
  Status status = ErrorStatus(duckdb_error_data_error_type(error), duckdb_error_data_message(error),
                              context);
  duckdb_destroy_error_data(&error);
  return status;
}

std::string SqlContext(std::string_view verb, std::string_view sql) {
  constexpr size_t kMaxShown = 160;
  std::string text(verb);
  text += " `";
  if (sql.size() <= kMaxShown) {
    text += sql;
  } else {
    text += sql.substr(0, kMaxShown);
    text += "...";
  }
  text += '`';
  return text;
}

ColumnType DescribeType(duckdb_logical_type type) {
  ColumnType out;
  duckdb_type id = duckdb_get_type_id(type);
  out.id = IdFor(id);
  if (out.id == TypeId::kDecimal) {
    out.decimal_width = duckdb_decimal_width(type);
    out.decimal_scale = duckdb_decimal_scale(type);
    out.name = "DECIMAL(" + std::to_string(out.decimal_width) + "," +
               std::to_string(out.decimal_scale) + ")";
  } else if (out.id == TypeId::kOther) {
    out.name = OtherTypeName(id);
  } else {
    out.name = TypeIdName(out.id);
  }
  return out;
}

}  // namespace tradeagg::engine::internal
