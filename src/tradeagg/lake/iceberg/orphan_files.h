// RemoveOrphanFiles: deletes the files under a table's data/ and metadata/ that nothing of the
// table refers to any more (Iceberg's "remove orphan files").
//
// Referenced: the current metadata file and those in its metadata log, every retained
// snapshot's manifest list, the manifests those list and the data files the manifests name
// (metadata/version-hint.text is kept too). Everything else was written by a writer that failed
// before its commit, or belonged to snapshots that have expired (manifests merged away).
// A writer in flight has files nothing refers to yet, so only files last modified more than
// `min_age` ago are deleted; min_age 0 is for the table's one writer before it writes.
// Returns how many files were deleted.
// Thread safety: stateless; the ObjectStore is used as it allows.
#pragma once

#include <chrono>
#include <cstddef>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

Result<size_t> RemoveOrphanFiles(ObjectStore& objects, const LoadedTable& table, std::chrono::milliseconds min_age);

}  // namespace tradeagg::lake::iceberg
