#include "tradeagg/lake/iceberg/merge_append.h"

#include <set>

#include "tradeagg/lake/iceberg/ids.h"

namespace tradeagg::lake::iceberg {

namespace {

bool BoolProperty(const TableMetadata& metadata, std::string_view name, bool fallback) {
  auto it = metadata.properties.find(name);
  if (it == metadata.properties.end()) return fallback;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  return fallback;
}

// Live entries carried into a merged manifest become EXISTING, keeping what they inherited.
std::vector<ManifestEntry> CarriedOver(const Manifest& manifest, const ManifestFile& listed) {
  std::vector<ManifestEntry> entries = LiveEntries(manifest, listed);
  for (ManifestEntry& entry : entries) entry.status = ManifestEntryStatus::kExisting;
  return entries;
}

}  // namespace

MergeAppend::MergeAppend(ObjectStore& objects, const LoadedTable& base) : objects_(objects), base_(base) {}

void MergeAppend::AddFile(DataFile file) { files_.push_back(std::move(file)); }

void MergeAppend::SetSummary(std::string key, std::string value) {
  extra_summary_[std::move(key)] = std::move(value);
}

Result<std::vector<ManifestFile>> MergeAppend::MergeSmallManifests(std::vector<ManifestFile> manifests,
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
    ASSIGN_OR_RETURN(ManifestFile merged, WriteSnapshotManifest(objects_, metadata, entries, prepared));
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
  PreparedAppend prepared;
  prepared.snapshot_id = NewSnapshotId();
  if (Status built = Build(now_ms, prepared); !built.ok()) {
    DeleteQuietly(objects_, prepared.written_keys);
    return built;
  }
  return prepared;
}

Status MergeAppend::Build(int64_t now_ms, PreparedAppend& prepared) {
  const TableMetadata& metadata = base_.metadata;

  // 1. The manifest of the new files.
  SnapshotAppend append;
  std::set<std::vector<int32_t>> partitions;
  FileCounts counts;
  std::vector<ManifestEntry> entries = AddedEntries(files_, prepared.snapshot_id, counts, partitions);
  append.added_records = counts.records;
  append.added_files_size = counts.bytes;
  append.added_data_files = counts.files;
  append.changed_partition_count = static_cast<int64_t>(partitions.size());
  prepared.added_records = append.added_records;
  ASSIGN_OR_RETURN(ManifestFile added, WriteSnapshotManifest(objects_, metadata, entries, prepared));

  // 2. The parent's manifests, merged when there are many, then the new one.
  ASSIGN_OR_RETURN(std::vector<ManifestFile> parents, ReadCurrentManifests(objects_, metadata));
  ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, MergeSmallManifests(std::move(parents), prepared));
  manifests.push_back(std::move(added));

  // 3. The manifest list, the snapshot, then what retention no longer keeps.
  ASSIGN_OR_RETURN(append.manifest_list, WriteSnapshotManifestList(objects_, metadata, manifests, prepared));
  append.snapshot_id = prepared.snapshot_id;
  append.timestamp_ms = now_ms;
  append.extra_summary = extra_summary_;
  return FinishSnapshot(objects_, base_, append, prepared);
}

}  // namespace tradeagg::lake::iceberg
