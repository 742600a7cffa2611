#include "tradeagg/lake/iceberg/table_metadata_json.h"

#include "tradeagg/core/json_writer.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/json_reading.h"
#include "tradeagg/lake/iceberg/partition_spec_json.h"
#include "tradeagg/lake/iceberg/schema_json.h"

namespace tradeagg::lake::iceberg {


void WriteSortOrderJson(JsonWriter& out, const SortOrder& order) {
  out.BeginObject();
  out.Field("order-id", order.order_id);
  out.Key("fields").BeginArray();
  for (const SortField& f : order.fields) {
    out.BeginObject();
    out.Field("transform", f.transform);
    out.Field("source-id", f.source_id);
    out.Field("direction", f.direction);
    out.Field("null-order", f.null_order);
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

void WriteSnapshotJson(JsonWriter& out, const Snapshot& s) {
  out.BeginObject();
  out.Field("snapshot-id", s.snapshot_id);
  if (s.parent_snapshot_id) out.Field("parent-snapshot-id", *s.parent_snapshot_id);
  out.Field("sequence-number", s.sequence_number);
  out.Field("timestamp-ms", s.timestamp_ms);
  out.Field("manifest-list", s.manifest_list);
  out.Key("summary").BeginObject();
  out.Field(summary::kOperation, s.operation);
  for (const auto& [key, value] : s.summary) out.Field(key, value);
  out.EndObject();
  if (s.schema_id) out.Field("schema-id", *s.schema_id);
  out.EndObject();
}

void WriteSnapshotRefJson(JsonWriter& out, const SnapshotRef& ref) {
  out.BeginObject();
  out.Field("snapshot-id", ref.snapshot_id);
  out.Field("type", ref.type);
  if (ref.min_snapshots_to_keep) out.Field("min-snapshots-to-keep", *ref.min_snapshots_to_keep);
  if (ref.max_snapshot_age_ms) out.Field("max-snapshot-age-ms", *ref.max_snapshot_age_ms);
  if (ref.max_ref_age_ms) out.Field("max-ref-age-ms", *ref.max_ref_age_ms);
  out.EndObject();
}

namespace {

using json::Element;

// --- reading ---

// Calls `each(element, path)` for every element of the optional array member `key`.
template <typename Each>
Status ForEachInArray(Element obj, std::string_view key, std::string_view context, Each each) {
  std::optional<Element> array = json::Member(obj, key);
  if (!array) return Status::Ok();
  const std::string where = json::Path(context, key);
  TRY(json::ExpectArray(*array, where));
  size_t i = 0;
  simdjson::dom::array items = array->get_array().value_unsafe();
  for (Element item : items) TRY(each(item, json::Path(where, i++)));
  return Status::Ok();
}

// A JSON object of string values into a map.
Status ReadStringMap(Element value, const std::string& where,
                     std::map<std::string, std::string, std::less<>>& out) {
  TRY(json::ExpectObject(value, where));
  simdjson::dom::object members = value.get_object().value_unsafe();
  for (auto [key, item] : members) {
    ASSIGN_OR_RETURN(std::string text, json::AsString(item, json::Path(where, key)));
    out[std::string(key)] = std::move(text);
  }
  return Status::Ok();
}

Result<SortOrder> SortOrderFromJson(Element value, const std::string& where) {
  TRY(json::ExpectObject(value, where));
  SortOrder order;
  ASSIGN_OR_RETURN(order.order_id, json::Int32Member(value, "order-id", where));
  TRY(ForEachInArray(value, "fields", where, [&](Element f, const std::string& at) -> Status {
    TRY(json::ExpectObject(f, at));
    SortField field;
    ASSIGN_OR_RETURN(field.transform, json::StringMember(f, "transform", at));
    ASSIGN_OR_RETURN(field.source_id, json::Int32Member(f, "source-id", at));
    ASSIGN_OR_RETURN(field.direction, json::StringMember(f, "direction", at));
    ASSIGN_OR_RETURN(field.null_order, json::StringMember(f, "null-order", at));
    order.fields.push_back(std::move(field));
    return Status::Ok();
  }));
  return order;
}

Result<Snapshot> SnapshotFromJson(Element value, const std::string& where) {
  TRY(json::ExpectObject(value, where));
  Snapshot s;
  ASSIGN_OR_RETURN(s.snapshot_id, json::Int64Member(value, "snapshot-id", where));
  if (std::optional<Element> parent = json::Member(value, "parent-snapshot-id")) {
    ASSIGN_OR_RETURN(s.parent_snapshot_id, json::AsInt64(*parent, json::Path(where, "parent-snapshot-id")));
  }
  ASSIGN_OR_RETURN(s.sequence_number, json::Int64Member(value, "sequence-number", where));
  ASSIGN_OR_RETURN(s.timestamp_ms, json::Int64Member(value, "timestamp-ms", where));
  ASSIGN_OR_RETURN(s.manifest_list, json::StringMember(value, "manifest-list", where));
  ASSIGN_OR_RETURN(Element summary_json, json::RequiredMember(value, "summary", where));
  const std::string summary_where = json::Path(where, "summary");
  TRY(ReadStringMap(summary_json, summary_where, s.summary));
  auto operation = s.summary.find(summary::kOperation);
  if (operation == s.summary.end()) return Status::InvalidArgument(summary_where + ".operation: missing");
  s.operation = operation->second;
  s.summary.erase(operation);
  if (std::optional<Element> schema_id = json::Member(value, "schema-id")) {
    ASSIGN_OR_RETURN(s.schema_id, json::AsInt32(*schema_id, json::Path(where, "schema-id")));
  }
  return s;
}

Result<SnapshotRef> RefFromJson(Element value, const std::string& where) {
  TRY(json::ExpectObject(value, where));
  SnapshotRef ref;
  ASSIGN_OR_RETURN(ref.snapshot_id, json::Int64Member(value, "snapshot-id", where));
  ASSIGN_OR_RETURN(ref.type, json::StringMember(value, "type", where));
  if (std::optional<Element> v = json::Member(value, "min-snapshots-to-keep")) {
    ASSIGN_OR_RETURN(ref.min_snapshots_to_keep, json::AsInt32(*v, json::Path(where, "min-snapshots-to-keep")));
  }
  if (std::optional<Element> v = json::Member(value, "max-snapshot-age-ms")) {
    ASSIGN_OR_RETURN(ref.max_snapshot_age_ms, json::AsInt64(*v, json::Path(where, "max-snapshot-age-ms")));
  }
  if (std::optional<Element> v = json::Member(value, "max-ref-age-ms")) {
    ASSIGN_OR_RETURN(ref.max_ref_age_ms, json::AsInt64(*v, json::Path(where, "max-ref-age-ms")));
  }
  return ref;
}

// An opaque array member, kept as compact JSON text ("[]" when absent).
Result<std::string> RawArray(Element obj, std::string_view key) {
  std::optional<Element> value = json::Member(obj, key);
  if (!value) return std::string("[]");
  TRY(json::ExpectArray(*value, key));
  return simdjson::to_string(*value);
}

Result<TableMetadata> MetadataFromJson(Element doc) {
  constexpr std::string_view ctx;  // top-level members are named by their key alone
  TRY(json::ExpectObject(doc, "table metadata"));
  TableMetadata m;
  ASSIGN_OR_RETURN(m.format_version, json::Int32Member(doc, "format-version", ctx));
  if (m.format_version != kFormatVersion) {
    return Status::InvalidArgument("table metadata: format-version " + std::to_string(m.format_version) +
                                   " is not supported (only " + std::to_string(kFormatVersion) + ")");
  }
  ASSIGN_OR_RETURN(m.table_uuid, json::StringMember(doc, "table-uuid", ctx));
  ASSIGN_OR_RETURN(m.location, json::StringMember(doc, "location", ctx));
  ASSIGN_OR_RETURN(m.last_sequence_number, json::Int64Member(doc, "last-sequence-number", ctx));
  ASSIGN_OR_RETURN(m.last_updated_ms, json::Int64Member(doc, "last-updated-ms", ctx));
  ASSIGN_OR_RETURN(m.last_column_id, json::Int32Member(doc, "last-column-id", ctx));

  TRY(ForEachInArray(doc, "schemas", ctx, [&](Element e, const std::string& at) -> Status {
    ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(e, at));
    m.schemas.push_back(std::move(schema));
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(m.current_schema_id, json::Int32Member(doc, "current-schema-id", ctx));

  TRY(ForEachInArray(doc, "partition-specs", ctx, [&](Element e, const std::string& at) -> Status {
    ASSIGN_OR_RETURN(PartitionSpec spec, PartitionSpecFromJson(e, at));
    m.partition_specs.push_back(std::move(spec));
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(m.default_spec_id, json::Int32Member(doc, "default-spec-id", ctx));
  ASSIGN_OR_RETURN(m.last_partition_id, json::Int32Member(doc, "last-partition-id", ctx));

  if (std::optional<Element> properties = json::Member(doc, "properties")) {
    TRY(ReadStringMap(*properties, "properties", m.properties));
  }
  if (std::optional<Element> current = json::Member(doc, "current-snapshot-id")) {
    ASSIGN_OR_RETURN(int64_t id, json::AsInt64(*current, "current-snapshot-id"));
    if (id != -1) m.current_snapshot_id = id;
  }
  TRY(ForEachInArray(doc, "snapshots", ctx, [&](Element e, const std::string& at) -> Status {
    ASSIGN_OR_RETURN(Snapshot s, SnapshotFromJson(e, at));
    m.snapshots.push_back(std::move(s));
    return Status::Ok();
  }));
  TRY(ForEachInArray(doc, "snapshot-log", ctx, [&](Element e, const std::string& at) -> Status {
    TRY(json::ExpectObject(e, at));
    SnapshotLogEntry entry;
    ASSIGN_OR_RETURN(entry.timestamp_ms, json::Int64Member(e, "timestamp-ms", at));
    ASSIGN_OR_RETURN(entry.snapshot_id, json::Int64Member(e, "snapshot-id", at));
    m.snapshot_log.push_back(entry);
    return Status::Ok();
  }));
  TRY(ForEachInArray(doc, "metadata-log", ctx, [&](Element e, const std::string& at) -> Status {
    TRY(json::ExpectObject(e, at));
    MetadataLogEntry entry;
    ASSIGN_OR_RETURN(entry.timestamp_ms, json::Int64Member(e, "timestamp-ms", at));
    ASSIGN_OR_RETURN(entry.metadata_file, json::StringMember(e, "metadata-file", at));
    m.metadata_log.push_back(std::move(entry));
    return Status::Ok();
  }));

  if (json::Member(doc, "sort-orders")) {
    TRY(ForEachInArray(doc, "sort-orders", ctx, [&](Element e, const std::string& at) -> Status {
      ASSIGN_OR_RETURN(SortOrder order, SortOrderFromJson(e, at));
      m.sort_orders.push_back(std::move(order));
      return Status::Ok();
    }));
    ASSIGN_OR_RETURN(m.default_sort_order_id, json::Int32Member(doc, "default-sort-order-id", ctx));
  } else {
    m.sort_orders = {SortOrder::Unsorted()};  // required in v2, but harmless to default
    m.default_sort_order_id = 0;
  }

  if (std::optional<Element> refs = json::Member(doc, "refs")) {
    TRY(json::ExpectObject(*refs, "refs"));
    simdjson::dom::object members = refs->get_object().value_unsafe();
    for (auto [name, value] : members) {
      ASSIGN_OR_RETURN(SnapshotRef ref, RefFromJson(value, json::Path("refs", name)));
      m.refs[std::string(name)] = std::move(ref);
    }
  } else if (m.current_snapshot_id) {
    m.refs[std::string(kMainBranch)] = SnapshotRef{*m.current_snapshot_id, "branch", {}, {}, {}};
  }
  ASSIGN_OR_RETURN(m.statistics_json, RawArray(doc, "statistics"));
  ASSIGN_OR_RETURN(m.partition_statistics_json, RawArray(doc, "partition-statistics"));

  TRY(m.Validate());
  return m;
}

}  // namespace

std::string TableMetadataToJson(const TableMetadata& m) {
  JsonWriter out;
  out.BeginObject();
  out.Field("format-version", m.format_version);
  out.Field("table-uuid", m.table_uuid);
  out.Field("location", m.location);
  out.Field("last-sequence-number", m.last_sequence_number);
  out.Field("last-updated-ms", m.last_updated_ms);
  out.Field("last-column-id", m.last_column_id);
  out.Field("current-schema-id", m.current_schema_id);
  out.Key("schemas").BeginArray();
  for (const Schema& s : m.schemas) WriteSchemaJson(out, s);
  out.EndArray();
  out.Field("default-spec-id", m.default_spec_id);
  out.Key("partition-specs").BeginArray();
  for (const PartitionSpec& spec : m.partition_specs) WritePartitionSpecJson(out, spec);
  out.EndArray();
  out.Field("last-partition-id", m.last_partition_id);
  out.Field("default-sort-order-id", m.default_sort_order_id);
  out.Key("sort-orders").BeginArray();
  for (const SortOrder& order : m.sort_orders) WriteSortOrderJson(out, order);
  out.EndArray();
  out.Key("properties").BeginObject();
  for (const auto& [key, value] : m.properties) out.Field(key, value);
  out.EndObject();
  out.Field("current-snapshot-id", m.current_snapshot_id.value_or(-1));
  out.Key("refs").BeginObject();
  for (const auto& [name, ref] : m.refs) {
    out.Key(name);
    WriteSnapshotRefJson(out, ref);
  }
  out.EndObject();
  out.Key("snapshots").BeginArray();
  for (const Snapshot& s : m.snapshots) WriteSnapshotJson(out, s);
  out.EndArray();
  out.Key("statistics").Raw(m.statistics_json);
  out.Key("partition-statistics").Raw(m.partition_statistics_json);
  out.Key("snapshot-log").BeginArray();
  for (const SnapshotLogEntry& e : m.snapshot_log) {
    out.BeginObject().Field("timestamp-ms", e.timestamp_ms).Field("snapshot-id", e.snapshot_id).EndObject();
  }
  out.EndArray();
  out.Key("metadata-log").BeginArray();
  for (const MetadataLogEntry& e : m.metadata_log) {
    out.BeginObject().Field("timestamp-ms", e.timestamp_ms).Field("metadata-file", e.metadata_file).EndObject();
  }
  out.EndArray();
  out.EndObject();
  return out.Take();
}

Result<TableMetadata> ParseTableMetadataJson(std::string_view text) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(Element doc, json::ParseDocument(parser, text, "table metadata"));
  return MetadataFromJson(doc);
}

}  // namespace tradeagg::lake::iceberg
