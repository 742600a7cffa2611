// The Iceberg table tradeagg.exposures: every aggregation run's rows, for analytics (Spark,
// Trino, DuckDB, PyIceberg), beside the store that serves them.
//
// Schema (field ids in iceberg_constants.h, exposures_field): run_id long, kind string, version
// int, business_date date, level string, participant string, instrument string (instrument rows),
// counterparty string (counterparty rows), currency string, buy/sell/net_quantity
// decimal(38, 0) (instrument rows only: a sum of different instruments' quantities is no
// position), buy/sell/net/gross_notional decimal(38, 8) (null on a reporting row with a missing
// FX rate), trade_count long, buy_trades/sell_trades long, buy_vwap/sell_vwap decimal(38, 8)
// (instrument rows with trades on that side), direction string (instrument rows by net
// quantity, the other levels by net notional; null when the notionals are), missing_rates
// string, trades_snapshot_id long, watermark long, computed_at timestamptz. Tables of earlier
// builds (required quantities and direction, no per-side counts) are evolved by Open(); rows
// written before keep what they held (quantity sums and a direction by quantity at every level)
// and read with null per-side counts: select by run_id. Partitioned by identity(business_date);
// every run is one data file and one snapshot (summary "tradeagg.run-id"), so a run's rows
// appear at once or not at all.
// Rows of several runs of a date coexist: select by run_id (or the latest eod version).
//
// Append() stages the rows in DuckDB, writes the Parquet file (zstd, field ids), moves it into
// the warehouse and commits a merge append, retrying on conflict (jittered back-off; the only
// other writer of this table is another process's run). A commit whose outcome is unknown is
// settled by looking for the run's snapshot.
// Thread safety: one Append at a time (the connection is the writer's).
#pragma once

#include <filesystem>
#include <span>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/aggregation_run.h"
#include "tradeagg/domain/exposure_row.h"
#include "tradeagg/engine/connection.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/data_file.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::agg {

inline constexpr std::string_view kExposuresTableName = "exposures";
inline constexpr std::string_view kRunIdSummary = "tradeagg.run-id";

lake::iceberg::TableDefinition ExposuresTableDefinition();

class ExposuresTableWriter {
 public:
  ExposuresTableWriter(lake::iceberg::Catalog& catalog, lake::ObjectStore& objects, engine::Connection& duckdb,
                       std::filesystem::path staging_dir);

  // Creates the namespace and the table when absent, or evolves the table to this build's
  // schema when it was created by an earlier one (one catalog commit: the schema added and made
  // current; existing columns keep their field ids). With remove_orphans (the server at its
  // start: the table's one background writer) also deletes files a failed append left behind.
  Status Open(bool remove_orphans);
  // Appends the run's rows as one snapshot; returns its id.
  Result<int64_t> Append(const domain::AggregationRun& run, std::span<const domain::ExposureRow> rows,
                         Timestamp computed_at);

 private:
  Status StageRows(const domain::AggregationRun& run, std::span<const domain::ExposureRow> rows,
                   Timestamp computed_at);
  Result<lake::iceberg::DataFile> WriteDataFile(const domain::AggregationRun& run, int64_t rows);

  lake::iceberg::Catalog& catalog_;
  lake::ObjectStore& objects_;
  engine::Connection& duckdb_;
  std::filesystem::path staging_dir_;
  const lake::iceberg::TableIdentifier table_;
};

}  // namespace tradeagg::agg
