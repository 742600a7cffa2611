// OverwriteFiles: prepares a snapshot that replaces a table's whole content with the given data
// files (Iceberg operation "overwrite"; what Java's OverwriteFiles does with an always-true
// row filter, and PyIceberg's Table.overwrite when every file is dropped), ready for commit.
//
// Prepare() writes one manifest: the new files as ADDED entries, then every live data file of
// the parent snapshot as a DELETED entry (status 2, snapshot id = the new snapshot, keeping
// the data and file sequence numbers it had, which the spec requires of deleted entries), and
// a manifest list holding only that manifest (an empty list when there is neither). The
// summary counts what was added and deleted, the totals follow from the parent's
// (AppendSnapshot), refs.main moves, and retention is applied as MergeAppend applies it
// (snapshot_expiry.h). With no file added the table is left empty, which is a valid state.
// Readers of the new snapshot skip DELETED entries; readers time-travelling to the parent still
// read its files, which stay until the parent has expired and the orphan sweep ran (the sweep
// keeps files that a retained snapshot's manifests name, deleted entries included).
//
// Refused (kInvalidArgument): a parent with delete manifests (row-level deletes: tradeagg
// writes none, and deleting their data files would need them deleted too), or with manifests
// of another partition spec than the default (the one manifest is written in that spec).
// Clean-up and commit: as snapshot_producer.h says (or CommitSnapshot). A retry after a conflict
// prepares again on the reloaded table and so deletes whatever is live then.
// Thread safety: one OverwriteFiles per thread; the ObjectStore is used as it allows.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/data_file.h"
#include "tradeagg/lake/iceberg/snapshot_producer.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

class OverwriteFiles {
 public:
  // `base` is the table as loaded from the catalog; both are borrowed for the call's lifetime.
  OverwriteFiles(ObjectStore& objects, const LoadedTable& base);

  void AddFile(DataFile file);
  // A tradeagg summary entry ("tradeagg.*"); may not replace a standard one.
  void SetSummary(std::string key, std::string value);

  // Writes the manifest and the manifest list and builds the new metadata. On failure what was
  // written is deleted again.
  Result<PreparedSnapshot> Prepare(int64_t now_ms);

 private:
  // The parent's live files as DELETED entries of the new snapshot.
  Result<std::vector<ManifestEntry>> DeletedEntries(int64_t snapshot_id);
  Status Build(int64_t now_ms, PreparedSnapshot& prepared);

  ObjectStore& objects_;
  const LoadedTable& base_;
  std::vector<DataFile> files_;
  std::map<std::string, std::string, std::less<>> extra_summary_;
};

}  // namespace tradeagg::lake::iceberg
