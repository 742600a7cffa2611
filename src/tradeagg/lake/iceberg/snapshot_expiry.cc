#include "tradeagg/lake/iceberg/snapshot_expiry.h"

#include <limits>
#include <set>
#include <vector>

namespace tradeagg::lake::iceberg {

std::vector<Snapshot> ExpireSnapshots(TableMetadata& metadata, int64_t now_ms) {
  const int64_t max_age = metadata.IntProperty(kMaxSnapshotAgeProperty, kDefaultMaxSnapshotAgeMs);
  const int64_t min_keep = metadata.IntProperty(kMinSnapshotsToKeepProperty, kDefaultMinSnapshotsToKeep);
  const int64_t max_ref_age = metadata.IntProperty(kMaxRefAgeProperty, std::numeric_limits<int64_t>::max());

  // Tags past their age go first (a tag's own max-ref-age-ms wins over the table's).
  for (auto it = metadata.refs.begin(); it != metadata.refs.end();) {
    const SnapshotRef& ref = it->second;
    const Snapshot* target = metadata.FindSnapshot(ref.snapshot_id);
    const int64_t limit = ref.max_ref_age_ms.value_or(max_ref_age);
    const bool old = target != nullptr && now_ms - target->timestamp_ms > limit;
    it = (ref.is_tag() && old) ? metadata.refs.erase(it) : std::next(it);
  }

  std::set<int64_t> keep;
  for (const auto& [name, ref] : metadata.refs) keep.insert(ref.snapshot_id);
  // The newest ancestors of main (the current snapshot and its parents).
  const Snapshot* ancestor = metadata.CurrentSnapshot();
  for (int64_t kept = 0; ancestor != nullptr && kept < min_keep; ++kept) {
    keep.insert(ancestor->snapshot_id);
    ancestor = ancestor->parent_snapshot_id ? metadata.FindSnapshot(*ancestor->parent_snapshot_id) : nullptr;
  }

  auto expires = [&](const Snapshot& snapshot) {
    return now_ms - snapshot.timestamp_ms >= max_age && !keep.contains(snapshot.snapshot_id);
  };
  std::vector<Snapshot> expired;
  for (const Snapshot& snapshot : metadata.snapshots) {
    if (expires(snapshot)) expired.push_back(snapshot);
  }
  if (expired.empty()) return expired;
  std::erase_if(metadata.snapshots, expires);

  std::set<int64_t> removed;
  for (const Snapshot& snapshot : expired) removed.insert(snapshot.snapshot_id);
  std::vector<SnapshotLogEntry> log;
  for (const SnapshotLogEntry& entry : metadata.snapshot_log) {
    if (removed.contains(entry.snapshot_id)) {
      log.clear();  // history before this point is no longer complete
    } else {
      log.push_back(entry);
    }
  }
  metadata.snapshot_log = std::move(log);
  return expired;
}

}  // namespace tradeagg::lake::iceberg
