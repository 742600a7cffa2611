#include "tradeagg/lake/iceberg/snapshot_producer.h"

#include <optional>

#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/metadata_files.h"
#include "tradeagg/lake/iceberg/partition_spec_json.h"
#include "tradeagg/lake/iceberg/schema_json.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"

namespace tradeagg::lake::iceberg {

std::vector<ManifestEntry> AddedEntries(std::vector<DataFile>& files, int64_t snapshot_id, FileCounts& counts,
                                        std::set<std::vector<int32_t>>& partitions) {
  std::vector<ManifestEntry> entries;
  entries.reserve(files.size());
  for (DataFile& file : files) {
    counts.Add(file);
    partitions.insert(file.partition_dates);
    ManifestEntry entry;
    entry.status = ManifestEntryStatus::kAdded;
    entry.snapshot_id = snapshot_id;
    entry.data_file = std::move(file);
    entries.push_back(std::move(entry));
  }
  files.clear();
  return entries;
}

void DeleteQuietly(ObjectStore& objects, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) (void)objects.Delete(key);
}

Result<std::vector<ManifestFile>> ReadCurrentManifests(ObjectStore& objects, const TableMetadata& metadata) {
  const Snapshot* current = metadata.CurrentSnapshot();
  if (current == nullptr) return std::vector<ManifestFile>{};
  ASSIGN_OR_RETURN(std::string key, objects.KeyForUri(current->manifest_list));
  ASSIGN_OR_RETURN(std::string bytes, objects.Get(key));
  ASSIGN_OR_RETURN(ManifestList list, ReadManifestList(bytes));
  return std::move(list.manifests);
}

std::vector<ManifestEntry> LiveEntries(const Manifest& manifest, const ManifestFile& listed) {
  std::vector<ManifestEntry> entries;
  entries.reserve(manifest.entries.size());
  for (const ManifestEntry& entry : manifest.entries) {
    if (entry.status == ManifestEntryStatus::kDeleted) continue;
    ManifestEntry live = entry;
    live.snapshot_id = entry.snapshot_id.value_or(listed.added_snapshot_id);
    live.sequence_number = entry.sequence_number.value_or(listed.sequence_number);
    live.file_sequence_number = entry.file_sequence_number.value_or(listed.sequence_number);
    entries.push_back(std::move(live));
  }
  return entries;
}

Result<ManifestFile> WriteSnapshotManifest(ObjectStore& objects, const TableMetadata& metadata,
                                           const std::vector<ManifestEntry>& entries, PreparedSnapshot& prepared) {
  const Schema* schema = metadata.CurrentSchema();
  const PartitionSpec* spec = metadata.DefaultSpec();
  if (schema == nullptr || spec == nullptr) return Status::Internal("table metadata has no current schema or spec");
  ManifestMetadata manifest_metadata{SchemaToJson(*schema), schema->schema_id, PartitionFieldsToJson(*spec),
                                     spec->spec_id};
  ASSIGN_OR_RETURN(std::string bytes, WriteManifest(manifest_metadata, entries));
  ASSIGN_OR_RETURN(std::string metadata_dir, MetadataDirectoryKey(objects, metadata));
  std::string key = metadata_dir + "/" + NewUuid() + "-m" + std::to_string(prepared.written_keys.size()) + ".avro";
  prepared.written_keys.push_back(key);
  TRY(objects.Put(key, bytes));
  return DescribeManifest(objects.Uri(key), static_cast<int64_t>(bytes.size()), spec->spec_id, prepared.snapshot_id,
                          metadata.next_sequence_number(), entries, spec->fields.size());
}

Result<std::string> WriteSnapshotManifestList(ObjectStore& objects, const TableMetadata& metadata,
                                              const std::vector<ManifestFile>& manifests, PreparedSnapshot& prepared) {
  ASSIGN_OR_RETURN(std::string bytes,
                   WriteManifestList({prepared.snapshot_id, metadata.current_snapshot_id, metadata.next_sequence_number()},
                                     manifests));
  ASSIGN_OR_RETURN(std::string metadata_dir, MetadataDirectoryKey(objects, metadata));
  // Java's name: snap-<snapshot id>-<attempt>-<uuid>.avro.
  std::string key = metadata_dir + "/snap-" + std::to_string(prepared.snapshot_id) + "-1-" + NewUuid() + ".avro";
  prepared.written_keys.push_back(key);
  TRY(objects.Put(key, bytes));
  return objects.Uri(key);
}

Status FinishSnapshot(ObjectStore& objects, const LoadedTable& base, const SnapshotAppend& append,
                      PreparedSnapshot& prepared) {
  ASSIGN_OR_RETURN(TableMetadata updated, AppendSnapshot(base.metadata, base.metadata_location, append));
  for (const Snapshot& expired : ExpireSnapshots(updated, append.timestamp_ms)) {
    auto key = objects.KeyForUri(expired.manifest_list);
    if (key.ok()) prepared.expired_manifest_lists.push_back(*key);
  }
  prepared.updated = std::move(updated);
  return Status::Ok();
}

Result<int64_t> CommitSnapshot(Catalog& catalog, ObjectStore& objects, const TableIdentifier& table,
                               const PrepareSnapshot& prepare, const RetryPolicy& policy) {
  std::optional<int64_t> committed;
  std::optional<int64_t> unknown;  // a snapshot whose commit may have happened
  CommitResult result = RetryOnConflict(policy, [&](int) {
    auto base = catalog.LoadTable(table);
    if (!base.ok()) return CommitResult::Failed(base.status());
    auto prepared = prepare(*base);
    if (!prepared.ok()) return CommitResult::Failed(prepared.status());
    CommitAttempt attempt = CommitMetadata(catalog, objects, table, *base, prepared->updated);
    switch (attempt.result.outcome) {
      case CommitOutcome::kCommitted:
        committed = prepared->snapshot_id;
        DeleteQuietly(objects, prepared->expired_manifest_lists);
        break;
      case CommitOutcome::kFailed: DeleteQuietly(objects, prepared->written_keys); break;
      case CommitOutcome::kStateUnknown: unknown = prepared->snapshot_id; break;
    }
    return attempt.result;
  });
  if (committed) return *committed;
  if (!unknown) return result.status;
  Result<LoadedTable> now = catalog.LoadTable(table);
  if (now.ok() && now->metadata.FindSnapshot(*unknown) != nullptr) return *unknown;
  return Status::StateUnknown(table.ToString() + ": commit of snapshot " + std::to_string(*unknown) +
                              " has an unknown outcome and it is not in the table: " + result.status.ToString());
}

}  // namespace tradeagg::lake::iceberg
