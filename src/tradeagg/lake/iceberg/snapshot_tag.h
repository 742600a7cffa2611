// Tagging a snapshot: a named ref of type "tag" (spec "Snapshot References") that keeps the
// snapshot, and the files it reads, from snapshot expiry and the orphan sweep, so that what a
// run read (an eod run's tradeagg.trades snapshot) can be read again after the table has moved
// on. Readers find it by name: PyIceberg table.refs() / snapshot_by_name(), Spark
// `VERSION AS OF 'name'`.
//
// TagSnapshot adds the tag in one catalog commit (a new metadata file: SetRef, CommitMetadata),
// rebuilt on the reloaded table and retried after a conflict (RetryOnConflict). It is
// idempotent: when the table already has a tag of that name on that snapshot nothing is
// committed and the call succeeds (the existing tag's max-ref-age-ms is kept). Errors:
//   kAlreadyExists   the name is a branch, or a tag on another snapshot (never moved);
//   kNotFound        the snapshot is not in the table (never was, or expired);
//   kInvalidArgument an empty name, "main", or a max_ref_age_ms that is not positive.
// A commit whose outcome is unknown is settled by reloading the table: the tag there means
// done; not there means the commit did not happen, and since adding a tag is idempotent the
// attempt is simply made again (within policy.max_attempts); if the reload fails,
// kStateUnknown.
// max_ref_age_ms: the tag is dropped by the first expiry (any commit of MergeAppend or
// OverwriteFiles) once its snapshot is older than that; none keeps it until the table
// property history.expire.max-ref-age-ms says otherwise (default: forever). Once the tag is
// gone the snapshot expires like any other.
// Thread safety: stateless; the catalog and store are used as they allow.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/table_commit.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

Status TagSnapshot(Catalog& catalog, ObjectStore& objects, const TableIdentifier& table, std::string_view name,
                   int64_t snapshot_id, std::optional<int64_t> max_ref_age_ms, const RetryPolicy& policy = {});

}  // namespace tradeagg::lake::iceberg
