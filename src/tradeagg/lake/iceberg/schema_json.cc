#include "tradeagg/lake/iceberg/schema_json.h"

namespace tradeagg::lake::iceberg {

namespace {

Result<SchemaField> FieldFromJson(json::Element value, const std::string& context) {
  TRY(json::ExpectObject(value, context));
  SchemaField field;
  ASSIGN_OR_RETURN(field.id, json::Int32Member(value, "id", context));
  ASSIGN_OR_RETURN(field.name, json::StringMember(value, "name", context));
  ASSIGN_OR_RETURN(field.required, json::BoolMember(value, "required", context));
  ASSIGN_OR_RETURN(json::Element type, json::RequiredMember(value, "type", context));
  if (!type.is_string()) {
    return Status::InvalidArgument(json::Path(context, "type") + ": nested types (struct, list, map) are not supported");
  }
  ASSIGN_OR_RETURN(std::string type_name, json::AsString(type, json::Path(context, "type")));
  ASSIGN_OR_RETURN(field.type, PrimitiveType::Parse(type_name));
  if (std::optional<json::Element> doc = json::Member(value, "doc")) {
    ASSIGN_OR_RETURN(field.doc, json::AsString(*doc, json::Path(context, "doc")));
  }
  return field;
}

}  // namespace

void WriteSchemaJson(JsonWriter& out, const Schema& schema) {
  out.BeginObject();
  out.Field("type", "struct");
  out.Field("schema-id", schema.schema_id);
  out.Key("identifier-field-ids").BeginArray();
  for (int32_t id : schema.identifier_field_ids) out.Int(int64_t{id});
  out.EndArray();
  out.Key("fields").BeginArray();
  for (const SchemaField& f : schema.fields) {
    out.BeginObject();
    out.Field("id", f.id);
    out.Field("name", f.name);
    out.Field("required", f.required);
    out.Field("type", f.type.ToString());
    if (!f.doc.empty()) out.Field("doc", f.doc);
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

std::string SchemaToJson(const Schema& schema) {
  JsonWriter out;
  WriteSchemaJson(out, schema);
  return out.Take();
}

Result<Schema> SchemaFromJson(json::Element value, std::string_view context) {
  TRY(json::ExpectObject(value, context));
  ASSIGN_OR_RETURN(std::string type, json::StringMember(value, "type", context));
  if (type != "struct") return Status::InvalidArgument(json::Path(context, "type") + ": expected \"struct\"");
  Schema schema;
  if (std::optional<json::Element> id = json::Member(value, "schema-id")) {
    ASSIGN_OR_RETURN(schema.schema_id, json::AsInt32(*id, json::Path(context, "schema-id")));
  }
  if (std::optional<json::Element> ids = json::Member(value, "identifier-field-ids")) {
    const std::string where = json::Path(context, "identifier-field-ids");
    TRY(json::ExpectArray(*ids, where));
    size_t i = 0;
    simdjson::dom::array items = ids->get_array().value_unsafe();
    for (json::Element id : items) {
      ASSIGN_OR_RETURN(int32_t field_id, json::AsInt32(id, json::Path(where, i++)));
      schema.identifier_field_ids.push_back(field_id);
    }
  }
  ASSIGN_OR_RETURN(json::Element fields, json::RequiredMember(value, "fields", context));
  const std::string where = json::Path(context, "fields");
  TRY(json::ExpectArray(fields, where));
  size_t i = 0;
  simdjson::dom::array items = fields.get_array().value_unsafe();
  for (json::Element field : items) {
    ASSIGN_OR_RETURN(SchemaField f, FieldFromJson(field, json::Path(where, i++)));
    schema.fields.push_back(std::move(f));
  }
  TRY(schema.Validate());
  return schema;
}

Result<Schema> ParseSchemaJson(std::string_view text) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(json::Element doc, json::ParseDocument(parser, text, "schema"));
  return SchemaFromJson(doc);
}

}  // namespace tradeagg::lake::iceberg
