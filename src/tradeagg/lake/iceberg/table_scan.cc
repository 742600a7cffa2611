#include "tradeagg/lake/iceberg/table_scan.h"

#include <map>
#include <string>

#include "tradeagg/lake/iceberg/manifest.h"
#include "tradeagg/lake/iceberg/manifest_list.h"

namespace tradeagg::lake::iceberg {

namespace {

// A date bound in the single-value binary form (4-byte little-endian days).
std::optional<Date> DateBound(const std::optional<std::string>& bytes) {
  if (!bytes || bytes->size() != 4) return std::nullopt;
  uint32_t days = 0;
  for (int i = 3; i >= 0; --i) days = (days << 8) | static_cast<unsigned char>((*bytes)[static_cast<size_t>(i)]);
  return Date::FromDays(static_cast<int32_t>(days));
}

std::optional<Date> DateBound(const std::map<int32_t, std::string>& bounds, int32_t field_id) {
  auto it = bounds.find(field_id);
  if (it == bounds.end()) return std::nullopt;
  return DateBound(std::optional<std::string>(it->second));
}

// The position of the identity partition of `field_id` in `spec`, if it has one.
std::optional<size_t> IdentityPartitionOf(const PartitionSpec* spec, int32_t field_id) {
  if (spec == nullptr) return std::nullopt;
  for (size_t i = 0; i < spec->fields.size(); ++i) {
    if (spec->fields[i].source_id == field_id && spec->fields[i].transform == kIdentityTransform) return i;
  }
  return std::nullopt;
}

bool ManifestMayMatch(const ManifestFile& manifest, const PartitionSpec* spec, const DateFilter& filter) {
  std::optional<size_t> position = IdentityPartitionOf(spec, filter.field_id);
  if (!position || *position >= manifest.partitions.size()) return true;
  const FieldSummary& summary = manifest.partitions[*position];
  std::optional<Date> lower = DateBound(summary.lower_bound);
  std::optional<Date> upper = DateBound(summary.upper_bound);
  if (!lower || !upper) return summary.contains_null;  // no values at all: only nulls, or nothing
  return filter.Overlaps(*lower, *upper);
}

bool FileMayMatch(const DataFile& file, const PartitionSpec* spec, const DateFilter& filter) {
  std::optional<size_t> position = IdentityPartitionOf(spec, filter.field_id);
  if (position && *position < file.partition_dates.size()) {
    return filter.Contains(Date::FromDays(file.partition_dates[*position]));
  }
  std::optional<Date> lower = DateBound(file.lower_bounds, filter.field_id);
  std::optional<Date> upper = DateBound(file.upper_bounds, filter.field_id);
  if (!lower || !upper) return true;
  return filter.Overlaps(*lower, *upper);
}

}  // namespace

Result<const Snapshot*> SelectSnapshot(const TableMetadata& metadata, const SnapshotSelector& selector) {
  if (selector.snapshot_id) {
    const Snapshot* snapshot = metadata.FindSnapshot(*selector.snapshot_id);
    if (snapshot == nullptr) {
      return Status::NotFound("snapshot " + std::to_string(*selector.snapshot_id) +
                              " is not in the table (never was, or expired)");
    }
    return snapshot;
  }
  if (!selector.as_of) return metadata.CurrentSnapshot();

  const int64_t at_ms = selector.as_of->micros() / 1000;
  if (at_ms > Timestamp::Now().micros() / 1000) {
    return Status::InvalidArgument("as-of time " + selector.as_of->ToString() + " is in the future");
  }
  const Snapshot* found = nullptr;
  for (const SnapshotLogEntry& entry : metadata.snapshot_log) {
    if (entry.timestamp_ms > at_ms) break;
    found = metadata.FindSnapshot(entry.snapshot_id);
  }
  if (found != nullptr) return found;
  if (metadata.snapshot_log.empty()) {
    if (metadata.CurrentSnapshot() == nullptr) return nullptr;
    return Status::InvalidArgument("the table keeps no snapshot log to read an as-of time from");
  }
  // Before the log's first entry: before the first commit, unless expiry trimmed the log.
  const Snapshot* first = metadata.FindSnapshot(metadata.snapshot_log.front().snapshot_id);
  if (first != nullptr && !first->parent_snapshot_id) return nullptr;
  return Status::InvalidArgument("the table's history before " +
                                 Timestamp::FromMicros(metadata.snapshot_log.front().timestamp_ms * 1000).ToString() +
                                 " has expired; choose a later time or a retained snapshot id");
}

Result<ScanPlan> PlanScan(ObjectStore& objects, const TableMetadata& metadata, const SnapshotSelector& selector,
                          const std::optional<DateFilter>& filter) {
  ScanPlan plan;
  ASSIGN_OR_RETURN(const Snapshot* snapshot, SelectSnapshot(metadata, selector));
  if (snapshot == nullptr) return plan;
  plan.snapshot = *snapshot;

  ASSIGN_OR_RETURN(std::string list_key, objects.KeyForUri(snapshot->manifest_list));
  ASSIGN_OR_RETURN(std::string list_bytes, objects.Get(list_key));
  ASSIGN_OR_RETURN(ManifestList list, ReadManifestList(list_bytes));
  plan.manifests_total = static_cast<int64_t>(list.manifests.size());
  for (const ManifestFile& listed : list.manifests) {
    if (listed.content != ManifestContent::kData) {
      return Status::InvalidArgument("snapshot " + std::to_string(snapshot->snapshot_id) +
                                     " has delete files, which tradeagg does not read");
    }
    const PartitionSpec* spec = metadata.FindSpec(listed.partition_spec_id);
    if (filter && !ManifestMayMatch(listed, spec, *filter)) {
      ++plan.manifests_skipped;
      continue;
    }
    ASSIGN_OR_RETURN(std::string key, objects.KeyForUri(listed.manifest_path));
    ASSIGN_OR_RETURN(std::string bytes, objects.Get(key));
    ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(bytes));
    for (ManifestEntry& entry : manifest.entries) {
      if (entry.status == ManifestEntryStatus::kDeleted) continue;
      if (entry.data_file.content != DataFileContent::kData) {
        return Status::InvalidArgument("manifest " + listed.manifest_path + " lists delete files");
      }
      if (filter && !FileMayMatch(entry.data_file, spec, *filter)) {
        ++plan.files_pruned;
        continue;
      }
      plan.record_count += entry.data_file.record_count;
      plan.files.push_back(std::move(entry.data_file));
    }
  }
  return plan;
}

Result<std::vector<std::string>> FileLocationsOf(ObjectStore& objects, const ScanPlan& plan, FileReads reads) {
  std::vector<std::string> locations;
  locations.reserve(plan.files.size());
  for (const DataFile& file : plan.files) {
    ASSIGN_OR_RETURN(std::string key, objects.KeyForUri(file.file_path));  // the file is the store's
    if (reads == FileReads::kInPlace) {
      locations.push_back(objects.Uri(key));
      continue;
    }
    ASSIGN_OR_RETURN(std::filesystem::path path, objects.LocalCopy(key));
    locations.push_back(path.string());
  }
  return locations;
}

}  // namespace tradeagg::lake::iceberg
