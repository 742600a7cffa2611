#include "tradeagg/lake/iceberg/merge_append.h"

#include <set>

#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/metadata_files.h"
#include "tradeagg/lake/iceberg/partition_spec_json.h"
#include "tradeagg/lake/iceberg/schema_json.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"

namespace tradeagg::lake::iceberg {

namespace {

bool BoolProperty(const TableMetadata& metadata, std::string_view name, bool fallback) {
  auto it = metadata.properties.find(name);
  if (it == metadata.properties.end()) return fallback;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  return fallback;
}

// Entries of a manifest with what they inherit from its list entry made explicit, so they can
// be carried into another manifest (spec: "Sequence Number Inheritance"). Deleted entries are
// dropped: they only matter to the snapshot that deleted them.
std::vector<ManifestEntry> CarriedOver(const Manifest& manifest, const ManifestFile& listed) {
  std::vector<ManifestEntry> entries;
  entries.reserve(manifest.entries.size());
  for (const ManifestEntry& entry : manifest.entries) {
    if (entry.status == ManifestEntryStatus::kDeleted) continue;
    ManifestEntry carried = entry;
    carried.status = ManifestEntryStatus::kExisting;
    carried.snapshot_id = entry.snapshot_id.value_or(listed.added_snapshot_id);
    carried.sequence_number = entry.sequence_number.value_or(listed.sequence_number);
    carried.file_sequence_number = entry.file_sequence_number.value_or(listed.sequence_number);
    entries.push_back(std::move(carried));
  }
  return entries;
}

}  // namespace

void DeleteQuietly(ObjectStore& objects, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) (void)objects.Delete(key);
}

MergeAppend::MergeAppend(ObjectStore& objects, const LoadedTable& base) : objects_(objects), base_(base) {}

void MergeAppend::AddFile(DataFile file) { files_.push_back(std::move(file)); }

void MergeAppend::SetSummary(std::string key, std::string value) {
  extra_summary_[std::move(key)] = std::move(value);
}

Result<ManifestFile> MergeAppend::WriteManifestFile(const std::vector<ManifestEntry>& entries, int64_t snapshot_id,
                                                    int64_t sequence_number, PreparedAppend& prepared) {
  const TableMetadata& metadata = base_.metadata;
  const Schema* schema = metadata.CurrentSchema();
  const PartitionSpec* spec = metadata.DefaultSpec();
  if (schema == nullptr || spec == nullptr) return Status::Internal("table metadata has no current schema or spec");
  ManifestMetadata manifest_metadata{SchemaToJson(*schema), schema->schema_id, PartitionFieldsToJson(*spec),
                                     spec->spec_id};
  ASSIGN_OR_RETURN(std::string bytes, WriteManifest(manifest_metadata, entries));
  ASSIGN_OR_RETURN(std::string metadata_dir, MetadataDirectoryKey(objects_, metadata));
  std::string key = metadata_dir + "/" + NewUuid() + "-m" + std::to_string(prepared.written_keys.size()) + ".avro";
  prepared.written_keys.push_back(key);
  TRY(objects_.Put(key, bytes));
  return DescribeManifest(objects_.Uri(key), static_cast<int64_t>(bytes.size()), spec->spec_id, snapshot_id,
                          sequence_number, entries, spec->fields.size());
}

Result<std::vector<ManifestFile>> MergeAppend::MergeSmallManifests(std::vector<ManifestFile> manifests,
                                                                   int64_t snapshot_id, int64_t sequence_number,
                                                                   PreparedAppend& prepared) {
  const TableMetadata& metadata = base_.metadata;
  const int64_t min_count = metadata.IntProperty(kManifestMinCountToMergeProperty, kDefaultManifestMinCountToMerge);
  const int64_t target = metadata.IntProperty(kManifestTargetSizeProperty, kDefaultManifestTargetSizeBytes);
  // +1: the new files' manifest, which is never merged in the snapshot that adds them.
  if (!BoolProperty(metadata, kManifestMergeEnabledProperty, true) ||
      static_cast<int64_t>(manifests.size()) + 1 < min_count) {
    return manifests;
  }

  // Bins of consecutive small data manifests of the default spec, each up to `target` bytes.
  std::vector<ManifestFile> kept;
  std::vector<std::vector<ManifestFile>> bins;
  int64_t bin_bytes = 0;
  for (ManifestFile& manifest : manifests) {
    const bool small = manifest.content == ManifestContent::kData &&
                       manifest.partition_spec_id == metadata.default_spec_id && manifest.manifest_length < target;
    if (!small) {
      kept.push_back(std::move(manifest));
      continue;
    }
    if (bins.empty() || bin_bytes + manifest.manifest_length > target) {
      bins.emplace_back();
      bin_bytes = 0;
    }
    bin_bytes += manifest.manifest_length;
    bins.back().push_back(std::move(manifest));
  }

  int64_t replaced = 0;
  int64_t created = 0;
  for (std::vector<ManifestFile>& bin : bins) {
    if (bin.size() == 1) {
      kept.push_back(std::move(bin.front()));
      continue;
    }
    std::vector<ManifestEntry> entries;
    for (const ManifestFile& listed : bin) {
      ASSIGN_OR_RETURN(std::string key, objects_.KeyForUri(listed.manifest_path));
      ASSIGN_OR_RETURN(std::string bytes, objects_.Get(key));
      ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(bytes));
      std::vector<ManifestEntry> carried = CarriedOver(manifest, listed);
      entries.insert(entries.end(), std::make_move_iterator(carried.begin()), std::make_move_iterator(carried.end()));
    }
    replaced += static_cast<int64_t>(bin.size());
    if (entries.empty()) continue;  // nothing live in these manifests any more
    ASSIGN_OR_RETURN(ManifestFile merged, WriteManifestFile(entries, snapshot_id, sequence_number, prepared));
    kept.push_back(std::move(merged));
    ++created;
  }
  extra_summary_[std::string(summary::kManifestsReplaced)] = std::to_string(replaced);
  extra_summary_[std::string(summary::kManifestsCreated)] = std::to_string(created + 1);
  extra_summary_[std::string(summary::kManifestsKept)] = std::to_string(kept.size() - static_cast<size_t>(created));
  return kept;
}

Result<PreparedAppend> MergeAppend::Prepare(int64_t now_ms) {
  if (files_.empty()) return Status::InvalidArgument("append: no data files");
  const TableMetadata& metadata = base_.metadata;
  PreparedAppend prepared;
  prepared.snapshot_id = NewSnapshotId();
  const int64_t sequence_number = metadata.next_sequence_number();
  auto fail = [&](Status status) {
    DeleteQuietly(objects_, prepared.written_keys);
    return status;
  };

  // 1. The manifest of the new files.
  std::vector<ManifestEntry> entries;
  SnapshotAppend append;
  std::set<std::vector<int32_t>> partitions;
  for (DataFile& file : files_) {
    append.added_records += file.record_count;
    append.added_files_size += file.file_size_in_bytes;
    partitions.insert(file.partition_dates);
    ManifestEntry entry;
    entry.status = ManifestEntryStatus::kAdded;
    entry.snapshot_id = prepared.snapshot_id;
    entry.data_file = std::move(file);
    entries.push_back(std::move(entry));
  }
  files_.clear();
  append.added_data_files = static_cast<int64_t>(entries.size());
  append.changed_partition_count = static_cast<int64_t>(partitions.size());
  prepared.added_records = append.added_records;
  auto added = WriteManifestFile(entries, prepared.snapshot_id, sequence_number, prepared);
  if (!added.ok()) return fail(added.status());

  // 2. The parent's manifests, merged when there are many, then the new one.
  std::vector<ManifestFile> manifests;
  if (const Snapshot* parent = metadata.CurrentSnapshot()) {
    auto list_key = objects_.KeyForUri(parent->manifest_list);
    if (!list_key.ok()) return fail(list_key.status());
    auto list_bytes = objects_.Get(*list_key);
    if (!list_bytes.ok()) return fail(list_bytes.status());
    auto list = ReadManifestList(*list_bytes);
    if (!list.ok()) return fail(list.status());
    manifests = std::move(list->manifests);
  }
  auto merged = MergeSmallManifests(std::move(manifests), prepared.snapshot_id, sequence_number, prepared);
  if (!merged.ok()) return fail(merged.status());
  merged->push_back(std::move(added).value());

  // 3. The manifest list.
  std::optional<int64_t> parent_id = metadata.current_snapshot_id;
  auto list_bytes = WriteManifestList({prepared.snapshot_id, parent_id, sequence_number}, *merged);
  if (!list_bytes.ok()) return fail(list_bytes.status());
  auto metadata_dir = MetadataDirectoryKey(objects_, metadata);
  if (!metadata_dir.ok()) return fail(metadata_dir.status());
  std::string list_key =
      *metadata_dir + "/snap-" + std::to_string(prepared.snapshot_id) + "-1-" + NewUuid() + ".avro";
  prepared.written_keys.push_back(list_key);
  if (Status put = objects_.Put(list_key, *list_bytes); !put.ok()) return fail(put);

  // 4. The snapshot, then what retention no longer keeps.
  append.snapshot_id = prepared.snapshot_id;
  append.manifest_list = objects_.Uri(list_key);
  append.timestamp_ms = now_ms;
  append.extra_summary = extra_summary_;
  auto updated = AppendSnapshot(metadata, base_.metadata_location, append);
  if (!updated.ok()) return fail(updated.status());
  for (const Snapshot& expired : ExpireSnapshots(*updated, now_ms)) {
    auto key = objects_.KeyForUri(expired.manifest_list);
    if (key.ok()) prepared.expired_manifest_lists.push_back(*key);
  }
  prepared.updated = std::move(updated).value();
  return prepared;
}

}  // namespace tradeagg::lake::iceberg
