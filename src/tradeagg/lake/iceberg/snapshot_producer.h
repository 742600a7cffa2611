// Snapshot producers: what every builder of a new snapshot (MergeAppend, OverwriteFiles) shares,
// as Java's SnapshotProducer does: the prepared result and its clean-up contract, writing the
// snapshot's manifests and manifest list, adding it to the metadata with retention applied,
// and committing it with retries.
//
// A builder prepares a snapshot on one base (the table as loaded): it writes new files (their
// keys in `written_keys`) and builds `updated`, the metadata to commit on top of that base. The
// manifest list carries the base's next sequence number, so a commit that lost a race is
// retried only by preparing again on the reloaded table. After the commit:
//   - certainly failed: delete `written_keys` (nothing refers to them);
//   - committed: delete `expired_manifest_lists` (a manifest list belongs to one snapshot only,
//     so nothing else refers to it). Manifests and data files that only expired snapshots
//     referred to are left to the orphan sweep (orphan_files.h), which checks reachability;
//   - unknown: keep everything; the table may refer to it.
// CommitSnapshot does exactly that.
// Thread safety: stateless functions; catalog and store are used as they allow.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/manifest.h"
#include "tradeagg/lake/iceberg/manifest_list.h"
#include "tradeagg/lake/iceberg/table_commit.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

struct PreparedSnapshot {
  TableMetadata updated;
  int64_t snapshot_id = 0;
  int64_t added_records = 0;
  std::vector<std::string> written_keys;            // new manifests and the manifest list
  std::vector<std::string> expired_manifest_lists;  // keys; delete once committed
};

// Deletes `keys`, ignoring failures (the orphan sweep finds what is left).
void DeleteQuietly(ObjectStore& objects, const std::vector<std::string>& keys);

// The manifest list entries of `metadata`'s current snapshot; none for a table without one.
Result<std::vector<ManifestFile>> ReadCurrentManifests(ObjectStore& objects, const TableMetadata& metadata);

// The live (added or existing) entries of `manifest`, listed by `listed`, with what they
// inherit from that list entry made explicit (snapshot id, data and file sequence numbers;
// spec "Sequence Number Inheritance"), so they can be written into another manifest. DELETED
// entries are dropped: they only matter to the snapshot that deleted them.
std::vector<ManifestEntry> LiveEntries(const Manifest& manifest, const ManifestFile& listed);

// Writes `entries` as a data manifest of the table's current schema and default spec into its
// metadata directory, added by snapshot prepared.snapshot_id with sequence number
// metadata.next_sequence_number(); returns its manifest list entry. Its key joins
// prepared.written_keys before the write, so that a failed write is cleaned up too.
Result<ManifestFile> WriteSnapshotManifest(ObjectStore& objects, const TableMetadata& metadata,
                                           const std::vector<ManifestEntry>& entries, PreparedSnapshot& prepared);

// What the summary counts of the data files one side of a snapshot touches.
struct FileCounts {
  int64_t files = 0;
  int64_t records = 0;
  int64_t bytes = 0;

  void Add(const DataFile& file) {
    ++files;
    records += file.record_count;
    bytes += file.file_size_in_bytes;
  }
};

// The ADDED manifest entries of snapshot `snapshot_id` for `files` (moved from, then cleared),
// counted into `counts`, their partition tuples into `partitions`.
std::vector<ManifestEntry> AddedEntries(std::vector<DataFile>& files, int64_t snapshot_id, FileCounts& counts,
                                        std::set<std::vector<int32_t>>& partitions);

// Writes the manifest list of snapshot prepared.snapshot_id (parent: the current snapshot)
// holding `manifests`; returns its absolute location. Its key joins prepared.written_keys.
Result<std::string> WriteSnapshotManifestList(ObjectStore& objects, const TableMetadata& metadata,
                                              const std::vector<ManifestFile>& manifests, PreparedSnapshot& prepared);

// Adds the snapshot `append` describes to base (AppendSnapshot), then expires what the
// table's retention no longer keeps as of append.timestamp_ms (ExpireSnapshots): sets
// prepared.updated and prepared.expired_manifest_lists.
Status FinishSnapshot(ObjectStore& objects, const LoadedTable& base, const SnapshotAppend& append,
                      PreparedSnapshot& prepared);

// Prepares a snapshot on the table as it is at each attempt.
using PrepareSnapshot = std::function<Result<PreparedSnapshot>(const LoadedTable& base)>;

// Loads `table`, prepares and commits, and does it all again after a conflict
// (RetryOnConflict with `policy`), cleaning up as the file comment says. Returns the id of the
// committed snapshot. A commit whose outcome is unknown is settled by reloading the table and
// looking for the snapshot: there, it is returned; not there (or the reload failed),
// kStateUnknown, and its files stay for the orphan sweep. Otherwise the last attempt's error.
Result<int64_t> CommitSnapshot(Catalog& catalog, ObjectStore& objects, const TableIdentifier& table,
                               const PrepareSnapshot& prepare, const RetryPolicy& policy = {});

}  // namespace tradeagg::lake::iceberg
