#include "tradeagg/lake/iceberg/rest/table_update_request.h"

#include <algorithm>
#include <set>

#include "tradeagg/core/json_writer.h"
#include "tradeagg/lake/iceberg/partition_spec_json.h"
#include "tradeagg/lake/iceberg/schema_json.h"
#include "tradeagg/lake/iceberg/table_metadata_json.h"

namespace tradeagg::lake::iceberg::rest {

namespace {

// The parts of the metadata no commit of tradeagg changes (see the header).
Status CheckUnsupportedChanges(const TableMetadata& base, const TableMetadata& updated) {
  auto refuse = [](std::string_view what) {
    return Status::InvalidArgument("a REST catalog commit cannot change the table's " + std::string(what));
  };
  if (updated.table_uuid != base.table_uuid) return refuse("uuid");
  if (updated.location != base.location) return refuse("location");
  if (updated.format_version != base.format_version) return refuse("format version");
  if (updated.partition_specs != base.partition_specs || updated.default_spec_id != base.default_spec_id) {
    return refuse("partition specs");
  }
  if (updated.sort_orders != base.sort_orders || updated.default_sort_order_id != base.default_sort_order_id) {
    return refuse("sort orders");
  }
  return Status::Ok();
}

std::optional<int64_t> RefSnapshot(const TableMetadata& metadata, const std::string& name) {
  auto it = metadata.refs.find(name);
  if (it == metadata.refs.end()) return std::nullopt;
  return it->second.snapshot_id;
}

// The names of refs that differ between base and updated (added, moved, changed, removed).
std::set<std::string> ChangedRefs(const TableMetadata& base, const TableMetadata& updated) {
  std::set<std::string> changed;
  for (const auto& [name, ref] : updated.refs) {
    auto it = base.refs.find(name);
    if (it == base.refs.end() || !(it->second == ref)) changed.insert(name);
  }
  for (const auto& [name, ref] : base.refs) {
    if (!updated.refs.contains(name)) changed.insert(name);
  }
  return changed;
}

bool SchemaChanged(const TableMetadata& base, const TableMetadata& updated) {
  return updated.schemas != base.schemas || updated.current_schema_id != base.current_schema_id ||
         updated.last_column_id != base.last_column_id;
}

void WriteRequirements(JsonWriter& out, const TableMetadata& base, const TableMetadata& updated) {
  out.Key("requirements").BeginArray();
  out.BeginObject().Field("type", "assert-table-uuid").Field("uuid", base.table_uuid).EndObject();
  for (const std::string& name : ChangedRefs(base, updated)) {
    out.BeginObject().Field("type", "assert-ref-snapshot-id").Field("ref", name).Key("snapshot-id");
    if (std::optional<int64_t> id = RefSnapshot(base, name)) out.Int(*id);
    else out.Null();
    out.EndObject();
  }
  if (SchemaChanged(base, updated)) {
    out.BeginObject().Field("type", "assert-current-schema-id").Field("current-schema-id", base.current_schema_id);
    out.EndObject();
    out.BeginObject().Field("type", "assert-last-assigned-field-id");
    out.Field("last-assigned-field-id", base.last_column_id).EndObject();
  }
  out.EndArray();
}

void WriteSchemaUpdates(JsonWriter& out, const TableMetadata& base, const TableMetadata& updated) {
  for (const Schema& schema : updated.schemas) {
    if (base.FindSchema(schema.schema_id) != nullptr) continue;
    out.BeginObject().Field("action", "add-schema").Key("schema");
    WriteSchemaJson(out, schema);
    out.Field("last-column-id", updated.last_column_id).EndObject();
  }
  if (updated.current_schema_id != base.current_schema_id) {
    out.BeginObject().Field("action", "set-current-schema").Field("schema-id", updated.current_schema_id).EndObject();
  }
}

void WriteSnapshotUpdates(JsonWriter& out, const TableMetadata& base, const TableMetadata& updated) {
  for (const Snapshot& snapshot : updated.snapshots) {
    if (base.FindSnapshot(snapshot.snapshot_id) != nullptr) continue;
    out.BeginObject().Field("action", "add-snapshot").Key("snapshot");
    WriteSnapshotJson(out, snapshot);
    out.EndObject();
  }
  std::vector<int64_t> removed;
  for (const Snapshot& snapshot : base.snapshots) {
    if (updated.FindSnapshot(snapshot.snapshot_id) == nullptr) removed.push_back(snapshot.snapshot_id);
  }
  if (!removed.empty()) {
    out.BeginObject().Field("action", "remove-snapshots").Key("snapshot-ids").BeginArray();
    for (int64_t id : removed) out.Int(id);
    out.EndArray().EndObject();
  }
}

void WriteRefUpdates(JsonWriter& out, const TableMetadata& base, const TableMetadata& updated) {
  const std::set<std::string> changed = ChangedRefs(base, updated);
  for (const std::string& name : changed) {
    if (updated.refs.contains(name)) continue;
    out.BeginObject().Field("action", "remove-snapshot-ref").Field("ref-name", name).EndObject();
  }
  for (const std::string& name : changed) {
    auto it = updated.refs.find(name);
    if (it == updated.refs.end()) continue;
    // A SnapshotRef object with the action and the name beside its members, as the spec has it.
    std::string ref_json = [&] {
      JsonWriter ref;
      WriteSnapshotRefJson(ref, it->second);
      return ref.Take();
    }();
    std::string action = R"({"action":"set-snapshot-ref","ref-name":)";
    AppendJsonEscaped(action, name);
    action += "," + ref_json.substr(1);
    out.Raw(action);
  }
}

void WriteIdentifier(JsonWriter& out, const TableIdentifier& table) {
  out.Key("identifier").BeginObject().Key("namespace").BeginArray();
  for (const std::string& level : NamespaceLevels(table.ns)) out.String(level);
  out.EndArray().Field("name", table.name).EndObject();
}

void WritePropertyUpdates(JsonWriter& out, const TableMetadata& base, const TableMetadata& updated) {
  std::vector<std::pair<std::string, std::string>> set;
  for (const auto& [key, value] : updated.properties) {
    auto it = base.properties.find(key);
    if (it == base.properties.end() || it->second != value) set.emplace_back(key, value);
  }
  std::vector<std::string> removed;
  for (const auto& [key, value] : base.properties) {
    if (!updated.properties.contains(key)) removed.push_back(key);
  }
  if (!set.empty()) {
    out.BeginObject().Field("action", "set-properties").Key("updates").BeginObject();
    for (const auto& [key, value] : set) out.Field(key, value);
    out.EndObject().EndObject();
  }
  if (!removed.empty()) {
    out.BeginObject().Field("action", "remove-properties").Key("removals").BeginArray();
    for (const std::string& key : removed) out.String(key);
    out.EndArray().EndObject();
  }
}

}  // namespace

std::vector<std::string> NamespaceLevels(std::string_view ns) {
  std::vector<std::string> levels;
  size_t start = 0;
  while (true) {
    const size_t dot = ns.find('.', start);
    levels.emplace_back(ns.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return levels;
}

Result<std::string> CommitTableRequestJson(const TableIdentifier& table, const TableMetadata& base,
                                           const TableMetadata& updated) {
  TRY(CheckUnsupportedChanges(base, updated));
  JsonWriter out;
  out.BeginObject();
  WriteIdentifier(out, table);
  WriteRequirements(out, base, updated);
  out.Key("updates").BeginArray();
  WriteSchemaUpdates(out, base, updated);
  WriteSnapshotUpdates(out, base, updated);
  WriteRefUpdates(out, base, updated);
  WritePropertyUpdates(out, base, updated);
  out.EndArray();
  out.EndObject();
  return out.Take();
}

std::string CreateTableCommitJson(const TableIdentifier& table, const TableDefinition& definition,
                                  std::string_view location, std::string_view table_uuid) {
  // -1: "the schema, spec or order added by this commit".
  constexpr int kLastAdded = -1;
  JsonWriter out;
  out.BeginObject();
  WriteIdentifier(out, table);
  out.Key("requirements").BeginArray().BeginObject().Field("type", "assert-create").EndObject().EndArray();
  out.Key("updates").BeginArray();
  out.BeginObject().Field("action", "assign-uuid").Field("uuid", table_uuid).EndObject();
  out.BeginObject().Field("action", "upgrade-format-version").Field("format-version", 2).EndObject();
  out.BeginObject().Field("action", "add-schema").Key("schema");
  WriteSchemaJson(out, definition.schema);
  out.Field("last-column-id", definition.schema.HighestFieldId()).EndObject();
  out.BeginObject().Field("action", "set-current-schema").Field("schema-id", kLastAdded).EndObject();
  out.BeginObject().Field("action", "add-spec").Key("spec");
  WritePartitionSpecJson(out, definition.spec);
  out.EndObject();
  out.BeginObject().Field("action", "set-default-spec").Field("spec-id", kLastAdded).EndObject();
  out.BeginObject().Field("action", "add-sort-order").Key("sort-order");
  WriteSortOrderJson(out, definition.sort_order);
  out.EndObject();
  out.BeginObject().Field("action", "set-default-sort-order").Field("sort-order-id", kLastAdded).EndObject();
  out.BeginObject().Field("action", "set-location").Field("location", location).EndObject();
  if (!definition.properties.empty()) {
    out.BeginObject().Field("action", "set-properties").Key("updates").BeginObject();
    for (const auto& [key, value] : definition.properties) out.Field(key, value);
    out.EndObject().EndObject();
  }
  out.EndArray();
  out.EndObject();
  return out.Take();
}

}  // namespace tradeagg::lake::iceberg::rest
