#include "tradeagg/lake/iceberg/overwrite_files.h"

#include <set>

#include "tradeagg/lake/iceberg/ids.h"

namespace tradeagg::lake::iceberg {

OverwriteFiles::OverwriteFiles(ObjectStore& objects, const LoadedTable& base) : objects_(objects), base_(base) {}

void OverwriteFiles::AddFile(DataFile file) { files_.push_back(std::move(file)); }

void OverwriteFiles::SetSummary(std::string key, std::string value) {
  extra_summary_[std::move(key)] = std::move(value);
}

Result<PreparedSnapshot> OverwriteFiles::Prepare(int64_t now_ms) {
  PreparedSnapshot prepared;
  prepared.snapshot_id = NewSnapshotId();
  if (Status built = Build(now_ms, prepared); !built.ok()) {
    DeleteQuietly(objects_, prepared.written_keys);
    return built;
  }
  return prepared;
}

Result<std::vector<ManifestEntry>> OverwriteFiles::DeletedEntries(int64_t snapshot_id) {
  const TableMetadata& metadata = base_.metadata;
  ASSIGN_OR_RETURN(std::vector<ManifestFile> listed, ReadCurrentManifests(objects_, metadata));
  std::vector<ManifestEntry> deleted;
  for (const ManifestFile& manifest_file : listed) {
    if (manifest_file.content != ManifestContent::kData) {
      return Status::InvalidArgument("overwrite: " + manifest_file.manifest_path +
                                     " is a delete manifest; tables with row-level deletes are not supported");
    }
    if (manifest_file.partition_spec_id != metadata.default_spec_id) {
      return Status::InvalidArgument("overwrite: " + manifest_file.manifest_path + " has partition spec " +
                                     std::to_string(manifest_file.partition_spec_id) + ", not the default " +
                                     std::to_string(metadata.default_spec_id));
    }
    ASSIGN_OR_RETURN(std::string key, objects_.KeyForUri(manifest_file.manifest_path));
    ASSIGN_OR_RETURN(std::string bytes, objects_.Get(key));
    ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(bytes));
    // Live entries carry their sequence numbers explicitly; a deleted entry keeps them.
    for (ManifestEntry& entry : LiveEntries(manifest, manifest_file)) {
      entry.status = ManifestEntryStatus::kDeleted;
      entry.snapshot_id = snapshot_id;
      deleted.push_back(std::move(entry));
    }
  }
  return deleted;
}

Status OverwriteFiles::Build(int64_t now_ms, PreparedSnapshot& prepared) {
  const TableMetadata& metadata = base_.metadata;
  SnapshotAppend overwrite;
  overwrite.operation = std::string(summary::kOverwrite);
  std::set<std::vector<int32_t>> partitions;  // changed: a file added or deleted there

  FileCounts added;
  std::vector<ManifestEntry> entries = AddedEntries(files_, prepared.snapshot_id, added, partitions);

  FileCounts deleted;
  ASSIGN_OR_RETURN(std::vector<ManifestEntry> deletions, DeletedEntries(prepared.snapshot_id));
  for (ManifestEntry& entry : deletions) {
    deleted.Add(entry.data_file);
    partitions.insert(entry.data_file.partition_dates);
    entries.push_back(std::move(entry));
  }

  std::vector<ManifestFile> manifests;
  if (!entries.empty()) {
    ASSIGN_OR_RETURN(ManifestFile manifest, WriteSnapshotManifest(objects_, metadata, entries, prepared));
    manifests.push_back(std::move(manifest));
  }
  ASSIGN_OR_RETURN(overwrite.manifest_list, WriteSnapshotManifestList(objects_, metadata, manifests, prepared));

  overwrite.snapshot_id = prepared.snapshot_id;
  overwrite.timestamp_ms = now_ms;
  overwrite.added_data_files = added.files;
  overwrite.added_records = added.records;
  overwrite.added_files_size = added.bytes;
  overwrite.deleted_data_files = deleted.files;
  overwrite.deleted_records = deleted.records;
  overwrite.removed_files_size = deleted.bytes;
  overwrite.changed_partition_count = static_cast<int64_t>(partitions.size());
  overwrite.extra_summary = extra_summary_;
  prepared.added_records = added.records;
  return FinishSnapshot(objects_, base_, overwrite, prepared);
}

}  // namespace tradeagg::lake::iceberg
