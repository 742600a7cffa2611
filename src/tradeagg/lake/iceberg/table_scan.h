// TableScan: plans a read of an Iceberg table (spec "Scan Planning"): which snapshot, then
// metadata -> manifest list -> manifests -> live data files, pruned by a date range.
//
// This is our side of "DuckDB as the engine, our code as the planner": the plan is a list of
// Parquet files that the caller hands to DuckDB, as PyIceberg does for the reference design.
//
// Snapshot: the current one, a snapshot id (kNotFound when the table does not have it, e.g.
// expired), or "as of" an instant: the snapshot that was current then, read from the snapshot
// log. An instant before the first commit reads an empty table; an instant before the start
// of a log that expiry has trimmed is kInvalidArgument (what the table held then is no longer
// known), as is an instant in the future.
// Pruning, on a date column given by field id (tradeagg.trades: business_date):
//   - a manifest whose partition summary for an identity partition of that column lies outside
//     the range is not opened;
//   - a file whose partition value, or else whose column bounds, lie outside the range is left
//     out.
// Files of DELETED entries are never planned. Delete files (row-level deletes) are not
// supported: a snapshot with delete manifests is kInvalidArgument rather than a wrong answer.
// Thread safety: stateless functions; the ObjectStore is used as it allows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/lake/iceberg/data_file.h"
#include "tradeagg/lake/iceberg/table_metadata.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

struct SnapshotSelector {
  std::optional<int64_t> snapshot_id;
  std::optional<Timestamp> as_of;  // ignored when snapshot_id is set
};

// An inclusive range of dates on one date column; open ends are unbounded.
struct DateFilter {
  int32_t field_id = 0;
  std::optional<Date> from;
  std::optional<Date> to;

  bool Contains(Date date) const { return (!from || *from <= date) && (!to || date <= *to); }
  bool Overlaps(Date lower, Date upper) const { return (!from || *from <= upper) && (!to || lower <= *to); }
};

struct ScanPlan {
  std::optional<Snapshot> snapshot;  // none: the table had no snapshot at that point
  std::vector<DataFile> files;       // live data files that may hold matching rows
  int64_t record_count = 0;          // of `files`
  int64_t manifests_total = 0;
  int64_t manifests_skipped = 0;     // pruned by their partition summaries
  int64_t files_pruned = 0;          // live files left out by partition value or bounds
};

// How a query engine reaches the plan's files: as local files (ObjectStore::LocalCopy: the
// file itself on a local warehouse, a downloaded copy of an S3 object), or in place at their
// locations (s3://..., for an engine that reads S3 itself).
enum class FileReads { kLocalCopies, kInPlace };

// The locations of the plan's files, in its order, for DuckDB.
Result<std::vector<std::string>> FileLocationsOf(ObjectStore& objects, const ScanPlan& plan, FileReads reads);

// The snapshot `selector` names in `metadata`; nullptr (with OK) for an empty table, or for an
// instant before the table's first commit.
Result<const Snapshot*> SelectSnapshot(const TableMetadata& metadata, const SnapshotSelector& selector);

Result<ScanPlan> PlanScan(ObjectStore& objects, const TableMetadata& metadata, const SnapshotSelector& selector,
                          const std::optional<DateFilter>& filter);

}  // namespace tradeagg::lake::iceberg
