// Schema: an Iceberg table schema (spec "Schemas and Data Types"), apart from any encoding
// (schema_json.h writes and reads the table-metadata JSON form).
//
// Only flat schemas of primitive fields are modelled: tradeagg's tables have no struct, list
// or map columns, and the JSON parser rejects them with a clear error rather than dropping
// them. Field ids are the identity of a column for every reader (Parquet field ids, manifest
// statistics), so they are given, never reassigned.
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"

namespace tradeagg::lake::iceberg {

enum class TypeId {
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kDecimal,  // precision, scale
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kString,
  kUuid,
  kFixed,  // length
  kBinary,
};

struct PrimitiveType {
  TypeId id = TypeId::kString;
  int32_t precision = 0;  // decimal only
  int32_t scale = 0;      // decimal only
  int32_t length = 0;     // fixed only

  static constexpr PrimitiveType Of(TypeId id) { return PrimitiveType{id, 0, 0, 0}; }
  static constexpr PrimitiveType Decimal(int32_t precision, int32_t scale) {
    return PrimitiveType{TypeId::kDecimal, precision, scale, 0};
  }
  static constexpr PrimitiveType Fixed(int32_t length) { return PrimitiveType{TypeId::kFixed, 0, 0, length}; }

  // The spec's JSON type string: "long", "decimal(18, 8)", "fixed[16]", "timestamptz".
  std::string ToString() const;
  // Parses a type string; spaces inside "decimal( P , S )" are tolerated. kInvalidArgument for
  // unknown or nested types and out-of-range parameters (precision 1..38, 0 <= scale <= precision).
  static Result<PrimitiveType> Parse(std::string_view text);

  bool operator==(const PrimitiveType&) const = default;
};

struct SchemaField {
  int32_t id = 0;
  std::string name;
  PrimitiveType type;
  bool required = false;
  std::string doc;  // empty: none

  bool operator==(const SchemaField&) const = default;
};

struct Schema {
  int32_t schema_id = 0;
  std::vector<SchemaField> fields;
  std::vector<int32_t> identifier_field_ids;

  const SchemaField* FindField(int32_t id) const;
  const SchemaField* FindField(std::string_view name) const;
  // Highest field id (0 for an empty schema): what last-column-id must be at least.
  int32_t HighestFieldId() const;
  // Positive unique ids, non-empty unique names, identifier fields that exist and are required.
  Status Validate() const;

  bool operator==(const Schema&) const = default;
};

}  // namespace tradeagg::lake::iceberg
