#include "tradeagg/lake/iceberg/table_metadata.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "tradeagg/lake/iceberg/iceberg_constants.h"

namespace tradeagg::lake::iceberg {

namespace {

// The standard summary entries AppendSnapshot writes; extra entries may not replace them.
constexpr std::string_view kStandardSummaryKeys[] = {
    summary::kOperation,         summary::kAddedDataFiles,       summary::kAddedRecords,
    summary::kAddedFilesSize,    summary::kDeletedDataFiles,     summary::kDeletedRecords,
    summary::kRemovedFilesSize,  summary::kChangedPartitionCount, summary::kTotalRecords,
    summary::kTotalDataFiles,    summary::kTotalDeleteFiles,     summary::kTotalPositionDeletes,
    summary::kTotalEqualityDeletes, summary::kTotalFilesSize,
};

int64_t PreviousVersionsMax(const TableMetadata& metadata) {
  const int64_t value = metadata.IntProperty(kPreviousVersionsMaxProperty, kDefaultPreviousVersionsMax);
  return value < 1 ? kDefaultPreviousVersionsMax : value;
}

// The type promotions Iceberg allows when a column's type changes.
bool Promotes(const PrimitiveType& from, const PrimitiveType& to) {
  if (from == to) return true;
  if (from.id == TypeId::kInt && to.id == TypeId::kLong) return true;
  if (from.id == TypeId::kFloat && to.id == TypeId::kDouble) return true;
  return from.id == TypeId::kDecimal && to.id == TypeId::kDecimal && from.scale == to.scale &&
         to.precision > from.precision;
}

// Why `to` may not replace `from` as the current schema of a table whose last-column-id is
// `last_column_id`; empty when it may.
std::string EvolutionRefusal(const Schema& from, const Schema& to, int32_t last_column_id) {
  for (const SchemaField& old_field : from.fields) {
    const SchemaField* kept = to.FindField(old_field.id);
    const std::string column = "column " + std::to_string(old_field.id) + " (" + old_field.name + ")";
    if (kept == nullptr) return column + " would be dropped";
    if (!Promotes(old_field.type, kept->type)) {
      return column + " cannot change from " + old_field.type.ToString() + " to " + kept->type.ToString();
    }
    if (kept->required && !old_field.required) return column + " is optional and cannot become required";
  }
  for (const SchemaField& field : to.fields) {
    if (from.FindField(field.id) != nullptr) continue;
    const std::string column = "new column " + std::to_string(field.id) + " (" + field.name + ")";
    if (field.required) return column + " must be optional: earlier files do not have it";
    if (field.id <= last_column_id) {
      return column + " reuses an id at or below last-column-id " + std::to_string(last_column_id);
    }
  }
  return "";
}

// Sets summary[total_key] = parent's total + added - removed, or leaves it out when the parent
// (if any) does not record that total, or when the result would be negative: a guess would be
// worse than no number.
void UpdateTotal(Snapshot& snapshot, const Snapshot* parent, std::string_view total_key, int64_t added,
                 int64_t removed) {
  int64_t previous = 0;
  if (parent != nullptr) {
    std::optional<int64_t> recorded = parent->SummaryInt(total_key);
    if (!recorded) return;
    previous = *recorded;
  }
  if (previous + added < removed) return;
  snapshot.summary[std::string(total_key)] = std::to_string(previous + added - removed);
}

void SetCount(Snapshot& snapshot, std::string_view key, int64_t value) {
  snapshot.summary[std::string(key)] = std::to_string(value);
}

// The changes every commit records: the previous metadata file joins metadata-log (trimmed to
// write.metadata.previous-versions-max), and last-updated-ms moves to `now_ms`, never back.
// Returns the new last-updated-ms.
int64_t RecordCommit(TableMetadata& next, const TableMetadata& base, std::string_view base_location,
                     int64_t now_ms) {
  next.metadata_log.push_back(MetadataLogEntry{base.last_updated_ms, std::string(base_location)});
  const size_t keep = static_cast<size_t>(PreviousVersionsMax(base));
  if (next.metadata_log.size() > keep) {
    next.metadata_log.erase(next.metadata_log.begin(),
                            next.metadata_log.begin() + static_cast<std::ptrdiff_t>(next.metadata_log.size() - keep));
  }
  next.last_updated_ms = std::max(now_ms, base.last_updated_ms);
  return next.last_updated_ms;
}

Status CheckAppend(const TableMetadata& base, std::string_view base_location, const SnapshotAppend& append) {
  if (base_location.empty()) return Status::InvalidArgument("append: the base metadata location is required");
  if (append.manifest_list.empty()) return Status::InvalidArgument("append: no manifest list");
  if (base.FindSnapshot(append.snapshot_id) != nullptr) {
    return Status::InvalidArgument("append: snapshot id " + std::to_string(append.snapshot_id) +
                                   " is already in the table");
  }
  if (append.operation != summary::kAppend && append.operation != summary::kOverwrite) {
    return Status::InvalidArgument("append: operation '" + append.operation + "' is not supported");
  }
  const int64_t counts[] = {append.added_data_files,   append.added_records,   append.added_files_size,
                            append.deleted_data_files, append.deleted_records, append.removed_files_size,
                            append.changed_partition_count};
  for (int64_t count : counts) {
    if (count < 0) return Status::InvalidArgument("append: negative counts");
  }
  const bool deletes = append.deleted_data_files != 0 || append.deleted_records != 0 || append.removed_files_size != 0;
  if (deletes && append.operation == summary::kAppend) {
    return Status::InvalidArgument("append: an append snapshot cannot delete files (use an overwrite)");
  }
  for (const auto& [key, value] : append.extra_summary) {
    if (std::find(std::begin(kStandardSummaryKeys), std::end(kStandardSummaryKeys), key) !=
        std::end(kStandardSummaryKeys)) {
      return Status::InvalidArgument("append: extra summary entry '" + key + "' would replace a standard one");
    }
  }
  return Status::Ok();
}

// The summary of `append` on top of `parent` (none for the table's first snapshot).
void Summarize(Snapshot& snapshot, const Snapshot* parent, const SnapshotAppend& append) {
  snapshot.summary = append.extra_summary;
  SetCount(snapshot, summary::kAddedDataFiles, append.added_data_files);
  SetCount(snapshot, summary::kAddedRecords, append.added_records);
  SetCount(snapshot, summary::kAddedFilesSize, append.added_files_size);
  if (append.operation != summary::kAppend) {
    SetCount(snapshot, summary::kDeletedDataFiles, append.deleted_data_files);
    SetCount(snapshot, summary::kDeletedRecords, append.deleted_records);
    SetCount(snapshot, summary::kRemovedFilesSize, append.removed_files_size);
  }
  SetCount(snapshot, summary::kChangedPartitionCount, append.changed_partition_count);
  UpdateTotal(snapshot, parent, summary::kTotalRecords, append.added_records, append.deleted_records);
  UpdateTotal(snapshot, parent, summary::kTotalDataFiles, append.added_data_files, append.deleted_data_files);
  UpdateTotal(snapshot, parent, summary::kTotalFilesSize, append.added_files_size, append.removed_files_size);
  // tradeagg writes no delete files.
  UpdateTotal(snapshot, parent, summary::kTotalDeleteFiles, 0, 0);
  UpdateTotal(snapshot, parent, summary::kTotalPositionDeletes, 0, 0);
  UpdateTotal(snapshot, parent, summary::kTotalEqualityDeletes, 0, 0);
}

}  // namespace

const Schema* TableMetadata::CurrentSchema() const { return FindSchema(current_schema_id); }

const Schema* TableMetadata::FindSchema(int32_t schema_id) const {
  for (const Schema& s : schemas) {
    if (s.schema_id == schema_id) return &s;
  }
  return nullptr;
}

const PartitionSpec* TableMetadata::DefaultSpec() const { return FindSpec(default_spec_id); }

const PartitionSpec* TableMetadata::FindSpec(int32_t spec_id) const {
  for (const PartitionSpec& s : partition_specs) {
    if (s.spec_id == spec_id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  return current_snapshot_id ? FindSnapshot(*current_snapshot_id) : nullptr;
}

int64_t TableMetadata::IntProperty(std::string_view name, int64_t fallback) const {
  auto it = properties.find(name);
  if (it == properties.end()) return fallback;
  int64_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return fallback;
  return value;
}

const Snapshot* TableMetadata::FindSnapshot(int64_t snapshot_id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == snapshot_id) return &s;
  }
  return nullptr;
}

Status TableMetadata::Validate() const {
  auto invalid = [](std::string why) { return Status::InvalidArgument("table metadata: " + why); };
  if (format_version != kFormatVersion) {
    return invalid("format-version " + std::to_string(format_version) + " is not supported (only " +
                   std::to_string(kFormatVersion) + ")");
  }
  if (table_uuid.empty()) return invalid("no table-uuid");
  if (location.empty()) return invalid("no location");
  if (CurrentSchema() == nullptr) return invalid("current-schema-id " + std::to_string(current_schema_id) + " has no schema");
  std::set<int32_t> schema_ids;
  for (const Schema& s : schemas) {
    if (!schema_ids.insert(s.schema_id).second) return invalid("schema id " + std::to_string(s.schema_id) + " twice");
    TRY(s.Validate());
    if (s.HighestFieldId() > last_column_id) return invalid("last-column-id is below a field id");
  }
  if (DefaultSpec() == nullptr) return invalid("default-spec-id " + std::to_string(default_spec_id) + " has no spec");
  std::set<int32_t> spec_ids;
  for (const PartitionSpec& spec : partition_specs) {
    if (!spec_ids.insert(spec.spec_id).second) return invalid("spec id " + std::to_string(spec.spec_id) + " twice");
    // A spec may come from an older schema; its sources must exist in one of them.
    const Schema* source_schema = CurrentSchema();
    for (const PartitionField& f : spec.fields) {
      if (source_schema->FindField(f.source_id) == nullptr) {
        for (const Schema& s : schemas) {
          if (s.FindField(f.source_id) != nullptr) source_schema = &s;
        }
      }
    }
    TRY(spec.Validate(*source_schema));
    if (spec.HighestFieldId() > last_partition_id) return invalid("last-partition-id is below a partition field id");
  }
  bool has_default_order = false;
  for (const SortOrder& order : sort_orders) has_default_order |= order.order_id == default_sort_order_id;
  if (!has_default_order) return invalid("default-sort-order-id " + std::to_string(default_sort_order_id) + " has no sort order");
  std::set<int64_t> snapshot_ids;
  for (const Snapshot& s : snapshots) {
    if (!snapshot_ids.insert(s.snapshot_id).second) return invalid("snapshot id " + std::to_string(s.snapshot_id) + " twice");
    if (s.sequence_number > last_sequence_number) return invalid("a snapshot's sequence-number is above last-sequence-number");
    if (s.manifest_list.empty()) return invalid("snapshot " + std::to_string(s.snapshot_id) + " has no manifest-list");
  }
  if (current_snapshot_id && CurrentSnapshot() == nullptr) {
    return invalid("current-snapshot-id " + std::to_string(*current_snapshot_id) + " is not a snapshot");
  }
  for (const auto& [name, ref] : refs) {
    if (FindSnapshot(ref.snapshot_id) == nullptr) return invalid("ref '" + name + "' points to no snapshot");
    if (ref.type != kBranchRef && ref.type != kTagRef) return invalid("ref '" + name + "' has type '" + ref.type + "'");
  }
  return Status::Ok();
}

Result<TableMetadata> NewTableMetadata(const TableDefinition& definition, std::string location,
                                       std::string table_uuid, int64_t now_ms) {
  TableMetadata m;
  m.format_version = kFormatVersion;
  m.table_uuid = std::move(table_uuid);
  while (location.size() > 1 && location.back() == '/') location.pop_back();
  m.location = std::move(location);
  m.last_sequence_number = 0;
  m.last_updated_ms = now_ms;
  m.schemas = {definition.schema};
  m.current_schema_id = definition.schema.schema_id;
  m.last_column_id = definition.schema.HighestFieldId();
  m.partition_specs = {definition.spec};
  m.default_spec_id = definition.spec.spec_id;
  m.last_partition_id = definition.spec.HighestFieldId();
  m.properties = definition.properties;
  m.sort_orders = {definition.sort_order};
  m.default_sort_order_id = definition.sort_order.order_id;
  TRY(m.Validate());
  return m;
}

bool CurrentSchemaIs(const TableMetadata& metadata, const Schema& schema) {
  const Schema* current = metadata.CurrentSchema();
  return current != nullptr && current->fields == schema.fields &&
         current->identifier_field_ids == schema.identifier_field_ids;
}

Result<TableMetadata> EvolveSchema(const TableMetadata& base, std::string_view base_location, const Schema& schema,
                                   int64_t now_ms) {
  if (base_location.empty()) return Status::InvalidArgument("schema evolution: the base metadata location is required");
  const Schema* current = base.CurrentSchema();
  if (current == nullptr) return Status::InvalidArgument("schema evolution: the table has no current schema");
  if (CurrentSchemaIs(base, schema)) return Status::InvalidArgument("schema evolution: the schema is already current");
  TRY(schema.Validate());
  if (std::string refusal = EvolutionRefusal(*current, schema, base.last_column_id); !refusal.empty()) {
    return Status::InvalidArgument("schema evolution: " + refusal);
  }

  TableMetadata next = base;
  Schema added = schema;
  added.schema_id = 0;
  for (const Schema& s : base.schemas) added.schema_id = std::max(added.schema_id, s.schema_id + 1);
  next.current_schema_id = added.schema_id;
  next.last_column_id = std::max(base.last_column_id, added.HighestFieldId());
  next.schemas.push_back(std::move(added));
  RecordCommit(next, base, base_location, now_ms);
  TRY(next.Validate());
  return next;
}

Result<TableMetadata> AppendSnapshot(const TableMetadata& base, std::string_view base_location,
                                     const SnapshotAppend& append) {
  TRY(CheckAppend(base, base_location, append));
  TableMetadata next = base;
  const Snapshot* parent = base.CurrentSnapshot();
  const int64_t timestamp_ms = RecordCommit(next, base, base_location, append.timestamp_ms);

  Snapshot snapshot;
  snapshot.snapshot_id = append.snapshot_id;
  if (parent != nullptr) snapshot.parent_snapshot_id = parent->snapshot_id;
  snapshot.sequence_number = base.next_sequence_number();
  snapshot.timestamp_ms = timestamp_ms;
  snapshot.manifest_list = append.manifest_list;
  snapshot.operation = append.operation;
  snapshot.schema_id = base.current_schema_id;
  Summarize(snapshot, parent, append);

  next.last_sequence_number = snapshot.sequence_number;
  next.current_snapshot_id = snapshot.snapshot_id;
  next.snapshot_log.push_back(SnapshotLogEntry{timestamp_ms, snapshot.snapshot_id});
  // Keep main's retention settings, if another writer set some; only its target moves.
  SnapshotRef& main = next.refs[std::string(kMainBranch)];
  main.snapshot_id = snapshot.snapshot_id;
  main.type = std::string(kBranchRef);
  next.snapshots.push_back(std::move(snapshot));
  TRY(next.Validate());
  return next;
}

Result<TableMetadata> SetRef(const TableMetadata& base, std::string_view base_location, std::string_view name,
                             const SnapshotRef& ref, int64_t now_ms) {
  const std::string where = "ref '" + std::string(name) + "': ";
  if (base_location.empty()) return Status::InvalidArgument(where + "the base metadata location is required");
  if (name.empty()) return Status::InvalidArgument("ref: empty name");
  if (name == kMainBranch) return Status::InvalidArgument(where + "main moves only with new snapshots");
  if (ref.type != kBranchRef && ref.type != kTagRef) {
    return Status::InvalidArgument(where + "type '" + ref.type + "' is neither branch nor tag");
  }
  if (ref.is_tag() && (ref.min_snapshots_to_keep || ref.max_snapshot_age_ms)) {
    return Status::InvalidArgument(where + "a tag has no snapshot retention settings");
  }
  if (ref.min_snapshots_to_keep.value_or(1) <= 0 || ref.max_snapshot_age_ms.value_or(1) <= 0 ||
      ref.max_ref_age_ms.value_or(1) <= 0) {
    return Status::InvalidArgument(where + "retention settings must be positive");
  }
  if (base.FindSnapshot(ref.snapshot_id) == nullptr) {
    return Status::NotFound(where + "snapshot " + std::to_string(ref.snapshot_id) + " is not in the table");
  }
  TableMetadata next = base;
  RecordCommit(next, base, base_location, now_ms);
  next.refs[std::string(name)] = ref;
  TRY(next.Validate());
  return next;
}

}  // namespace tradeagg::lake::iceberg
