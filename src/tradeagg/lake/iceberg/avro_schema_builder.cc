#include "tradeagg/lake/iceberg/avro_schema_builder.h"

namespace tradeagg::lake::iceberg {

std::string AvroListType(int32_t element_id, std::string_view element_type) {
  JsonWriter w;
  w.BeginObject().Key("type").String("array").Key("element-id").Int(int64_t{element_id});
  w.Key("items").Raw(element_type).EndObject();
  return w.Take();
}

std::string AvroIntMapType(int32_t key_id, int32_t value_id, std::string_view value_type) {
  JsonWriter w;
  w.BeginObject().Key("type").String("array").Key("logicalType").String("map");
  w.Key("items").BeginObject().Key("type").String("record");
  w.Key("name").String("k" + std::to_string(key_id) + "_v" + std::to_string(value_id));
  w.Key("fields").BeginArray();
  w.BeginObject().Key("name").String("key").Key("type").Raw(kAvroInt).Key("field-id").Int(int64_t{key_id}).EndObject();
  w.BeginObject().Key("name").String("value").Key("type").Raw(value_type).Key("field-id").Int(int64_t{value_id}).EndObject();
  w.EndArray().EndObject().EndObject();
  return w.Take();
}

AvroSchemaBuilder::AvroSchemaBuilder(std::string_view record_name) : name_(record_name) { fields_.BeginArray(); }

AvroSchemaBuilder& AvroSchemaBuilder::Required(std::string_view name, int32_t field_id, std::string_view type) {
  fields_.BeginObject().Key("name").String(name).Key("field-id").Int(int64_t{field_id});
  fields_.Key("type").Raw(type).EndObject();
  return *this;
}

AvroSchemaBuilder& AvroSchemaBuilder::Optional(std::string_view name, int32_t field_id, std::string_view type) {
  fields_.BeginObject().Key("name").String(name).Key("field-id").Int(int64_t{field_id});
  fields_.Key("type").BeginArray().String("null").Raw(type).EndArray();
  fields_.Key("default").Null().EndObject();
  return *this;
}

std::string AvroSchemaBuilder::Build() {
  fields_.EndArray();
  JsonWriter w;
  w.BeginObject().Key("type").String("record").Key("name").String(name_);
  w.Key("fields").Raw(fields_.str()).EndObject();
  return w.Take();
}

}  // namespace tradeagg::lake::iceberg
