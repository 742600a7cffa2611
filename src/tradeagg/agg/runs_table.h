// The Iceberg table tradeagg.runs: the store's aggregation runs, one row each, so that lake
// readers (PyIceberg, DuckDB, Spark) can tell which rows of tradeagg.exposures to trust.
//
// tradeagg.exposures holds the rows of every run, including runs that failed after their rows
// were appended and eod runs that have gone stale (late trades arrived since). The store is the
// system of record for a run's status; this table is its projection into the lake: readers
// join exposures to runs on run_id and keep succeeded, non-stale runs (docs/architecture.md
// has the SQL).
//
// Schema (field ids in iceberg_constants.h, runs_field, 201-220): run_id long, business_date
// date, kind string, version int, status string, stale boolean, missing_trades long, latest
// boolean, request_seq long?, watermark long, trades long, store_trades long,
// trades_snapshot_id long?, trades_tag string?, exposures_snapshot_id long?, reconciliation
// string, difference_count long, requested_at timestamptz, finished_at timestamptz?, error
// string? (? = optional; an empty trades_tag or error is null). `stale` is
// AggregationRun::stale(); `latest` marks the newest succeeded run of its kind for its
// business date (LatestRunIds). Unpartitioned; snapshots kept for an hour.
//
// Publish() replaces the whole content with the given list in one overwrite snapshot
// (OverwriteFiles): a few thousand rows a year, so the table always shows exactly the list it
// was last given, in one data file (none for an empty list). The rows are staged in DuckDB and
// written as Parquet as ExposuresTableWriter does (lake_table.h). A conflict is retried on the
// reloaded table (whose rows are replaced whatever they were); a commit whose outcome is
// unknown is settled by looking for the snapshot. The last publish wins: the caller reads the
// list from the store right before publishing, so that a later publish never shows an older
// view.
// Thread safety: one Publish at a time (the connection is the writer's).
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <span>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/domain/aggregation_run.h"
#include "tradeagg/engine/connection.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/data_file.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::agg {

inline constexpr std::string_view kRunsTableName = "runs";
inline constexpr int64_t kRunsSnapshotRetentionMs = 3'600'000;

lake::iceberg::TableDefinition RunsTableDefinition();

// The ids of the runs that are the newest succeeded run of their kind for their business date:
// per (business_date, kind), the succeeded run with the greatest version, then run id (eod
// versions count up; intraday runs are all version 1 and run in id order). Stale runs count:
// a stale eod run stays the latest until its re-run succeeds.
std::set<int64_t> LatestRunIds(std::span<const domain::AggregationRun> runs);

class RunsTableWriter {
 public:
  RunsTableWriter(lake::iceberg::Catalog& catalog, lake::ObjectStore& objects, engine::Connection& duckdb,
                  std::filesystem::path staging_dir);

  // Creates the namespace and the table when absent. With remove_orphans (the table's one
  // background writer, at its start) also deletes files a failed publish left behind.
  Status Open(bool remove_orphans);
  // Replaces the table's content with one row per run; returns the overwrite snapshot's id.
  // `published_at` (when the list was read) is the snapshot's time. An empty list leaves the
  // table empty. kInvalidArgument when a run id occurs twice.
  Result<int64_t> Publish(std::span<const domain::AggregationRun> runs, Timestamp published_at);

 private:
  Status StageRows(std::span<const domain::AggregationRun> runs);
  Result<lake::iceberg::DataFile> WriteDataFile(int64_t rows);

  lake::iceberg::Catalog& catalog_;
  lake::ObjectStore& objects_;
  engine::Connection& duckdb_;
  std::filesystem::path staging_dir_;
  const lake::iceberg::TableIdentifier table_;
};

}  // namespace tradeagg::agg
