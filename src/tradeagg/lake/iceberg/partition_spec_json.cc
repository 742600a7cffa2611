#include "tradeagg/lake/iceberg/partition_spec_json.h"

namespace tradeagg::lake::iceberg {

void WritePartitionFieldsJson(JsonWriter& out, const std::vector<PartitionField>& fields) {
  out.BeginArray();
  for (const PartitionField& f : fields) {
    out.BeginObject();
    out.Field("name", f.name);
    out.Field("transform", f.transform);
    out.Field("source-id", f.source_id);
    out.Field("field-id", f.field_id);
    out.EndObject();
  }
  out.EndArray();
}

std::string PartitionFieldsToJson(const PartitionSpec& spec) {
  JsonWriter out;
  WritePartitionFieldsJson(out, spec.fields);
  return out.Take();
}

void WritePartitionSpecJson(JsonWriter& out, const PartitionSpec& spec) {
  out.BeginObject();
  out.Field("spec-id", spec.spec_id);
  out.Key("fields");
  WritePartitionFieldsJson(out, spec.fields);
  out.EndObject();
}

std::string PartitionSpecToJson(const PartitionSpec& spec) {
  JsonWriter out;
  WritePartitionSpecJson(out, spec);
  return out.Take();
}

Result<PartitionSpec> PartitionSpecFromJson(json::Element value, std::string_view context) {
  TRY(json::ExpectObject(value, context));
  PartitionSpec spec;
  ASSIGN_OR_RETURN(spec.spec_id, json::Int32Member(value, "spec-id", context));
  ASSIGN_OR_RETURN(json::Element fields, json::RequiredMember(value, "fields", context));
  const std::string where = json::Path(context, "fields");
  TRY(json::ExpectArray(fields, where));
  size_t i = 0;
  simdjson::dom::array items = fields.get_array().value_unsafe();
  for (json::Element field : items) {
    const std::string at = json::Path(where, i++);
    TRY(json::ExpectObject(field, at));
    if (json::Member(field, "source-ids") && !json::Member(field, "source-id")) {
      return Status::InvalidArgument(at + ": multi-argument transforms (source-ids) are not supported");
    }
    PartitionField f;
    ASSIGN_OR_RETURN(f.name, json::StringMember(field, "name", at));
    ASSIGN_OR_RETURN(f.transform, json::StringMember(field, "transform", at));
    ASSIGN_OR_RETURN(f.source_id, json::Int32Member(field, "source-id", at));
    ASSIGN_OR_RETURN(f.field_id, json::Int32Member(field, "field-id", at));
    spec.fields.push_back(std::move(f));
  }
  return spec;
}

Result<PartitionSpec> ParsePartitionSpecJson(std::string_view text) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(json::Element doc, json::ParseDocument(parser, text, "partition spec"));
  return PartitionSpecFromJson(doc);
}

}  // namespace tradeagg::lake::iceberg
