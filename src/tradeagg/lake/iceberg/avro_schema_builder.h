// AvroSchemaBuilder: writes the JSON of an Avro record schema for an Iceberg struct, following
// the spec's Appendix A: every field carries its "field-id"; optional fields are the union
// ["null", T] with "default": null; lists carry "element-id"; maps with int keys are arrays of
// "k<key-id>_v<value-id>" records with logicalType "map".
// Output is compact JSON with keys in a fixed order, so the same inputs give the same bytes.
// Thread safety: none; one builder per schema.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tradeagg/core/json_writer.h"

namespace tradeagg::lake::iceberg {

inline constexpr std::string_view kAvroInt = R"("int")";
inline constexpr std::string_view kAvroLong = R"("long")";
inline constexpr std::string_view kAvroString = R"("string")";
inline constexpr std::string_view kAvroBytes = R"("bytes")";
inline constexpr std::string_view kAvroBoolean = R"("boolean")";
inline constexpr std::string_view kAvroDate = R"({"type":"int","logicalType":"date"})";

// list<element>: {"type":"array","element-id":N,"items":T}
std::string AvroListType(int32_t element_id, std::string_view element_type);
// map<int, value> as the spec's array of key/value records.
std::string AvroIntMapType(int32_t key_id, int32_t value_id, std::string_view value_type);

class AvroSchemaBuilder {
 public:
  explicit AvroSchemaBuilder(std::string_view record_name);

  AvroSchemaBuilder& Required(std::string_view name, int32_t field_id, std::string_view type);
  AvroSchemaBuilder& Optional(std::string_view name, int32_t field_id, std::string_view type);

  // The record's JSON. The builder is spent afterwards.
  std::string Build();

 private:
  std::string name_;
  JsonWriter fields_;
};

}  // namespace tradeagg::lake::iceberg
