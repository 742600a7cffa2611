// AggregationRun: one computation of a business date's net exposures from the lake, as it is
// recorded, served and reconciled.
//
// A run is requested (queued), runs, and ends succeeded or failed. It records what it read (the
// trades snapshot and its watermark: the highest store seq the snapshot contains), how long
// each step took, how many rows each level has, and how its result compared with the
// real-time position book at the same watermark. `eod` runs of one date are versioned 1, 2, ...
// (a re-run never overwrites); intraday runs form the day's time series.
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/time.h"
#include "tradeagg/domain/exposure_row.h"

namespace tradeagg::domain {

enum class RunKind : uint8_t { kIntraday, kEod };
enum class RunStatus : uint8_t { kQueued, kRunning, kSucceeded, kFailed };
enum class ReconciliationStatus : uint8_t { kPending, kMatched, kDifferences };

const char* RunKindName(RunKind kind);  // "intraday" / "eod"
std::optional<RunKind> ParseRunKind(std::string_view text);
const char* RunStatusName(RunStatus status);  // "queued" / "running" / "succeeded" / "failed"
std::optional<RunStatus> ParseRunStatus(std::string_view text);
const char* ReconciliationStatusName(ReconciliationStatus status);  // "pending" / "matched" / "differences"
std::optional<ReconciliationStatus> ParseReconciliationStatus(std::string_view text);

// One field of one row on which the lake's result and the book disagree.
struct ReconciliationDifference {
  ExposureLevel level = ExposureLevel::kParticipant;
  std::string participant;
  std::string key;
  std::string currency;
  std::string field;  // "buy_quantity", "sell_notional", "trade_count", ...
  std::string lake;   // the run's value ("" when the row is missing there)
  std::string book;   // the book's value ("" when the row is missing there)

  bool operator==(const ReconciliationDifference&) const = default;
};

// What a caller asks for.
struct RunRequest {
  Date business_date;
  RunKind kind = RunKind::kIntraday;
  std::string requested_by;                 // a username, or "scheduler"
  std::optional<int64_t> as_of_snapshot_id; // time travel: the trades table as of this snapshot
  std::optional<Timestamp> as_of_time;      // ... or as of this instant
};

struct RunTimings {
  int64_t plan_ms = 0;       // catalog, manifests, pruning
  int64_t query_ms = 0;      // DuckDB over the planned files
  int64_t rollup_ms = 0;     // levels and reporting currency
  int64_t reconcile_ms = 0;  // against the position book
  int64_t store_ms = 0;      // results into the store
  int64_t lake_ms = 0;       // results into the Iceberg table tradeagg.exposures

  int64_t total_ms() const { return plan_ms + query_ms + rollup_ms + reconcile_ms + store_ms + lake_ms; }
  bool operator==(const RunTimings&) const = default;
};

struct AggregationRun {
  int64_t run_id = 0;
  RunRequest request;
  int32_t version = 1;  // eod: 1 + the date's earlier eod runs; intraday: always 1
  RunStatus status = RunStatus::kQueued;
  Timestamp requested_at;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> finished_at;

  // What the run answers for. Without time travel: every trade acknowledged before the
  // request, i.e. the store's trades up to `request_seq` (its last seq when the run was
  // requested); the run waits for the lake to hold them and fails if it cannot. With time
  // travel (as_of_*): the snapshot asked for, and request_seq is empty.
  std::optional<int64_t> request_seq;
  // The date's trades in the store up to the seq the run was reconciled at (max(request_seq,
  // watermark)), beside `trades`, the count the run aggregated from the lake.
  int64_t store_trades = 0;
  std::string trades_tag;  // eod: the tag on tradeagg.trades that keeps the snapshot read

  // What was read.
  std::optional<int64_t> snapshot_id;  // of tradeagg.trades; none when the table was empty
  std::optional<Timestamp> snapshot_committed_at;
  int64_t watermark = 0;
  int64_t data_files = 0;
  int64_t data_files_pruned = 0;
  int64_t trades = 0;

  // What came out.
  int64_t instrument_rows = 0;
  int64_t counterparty_rows = 0;
  int64_t participant_rows = 0;
  int64_t reporting_rows = 0;
  std::string reporting_currency;
  std::vector<std::string> missing_rates;  // currencies traded that day without an FX rate
  RunTimings timings;

  ReconciliationStatus reconciliation = ReconciliationStatus::kPending;
  int64_t book_watermark = 0;  // the book's watermark when it was compared (then brought to `watermark`)
  int64_t difference_count = 0;
  std::vector<ReconciliationDifference> differences;  // the first few, for the record

  std::optional<int64_t> exposures_snapshot_id;  // the tradeagg.exposures snapshot holding the rows
  std::string lake_error;                        // why the rows are not in tradeagg.exposures
  std::string error;                             // why the run failed

  // Derived when served, not stored: trades of the date committed after `watermark` (late
  // trades). A succeeded eod run missing some is stale; the scheduler runs a new version.
  int64_t missing_trades = 0;

  bool time_travel() const { return request.as_of_snapshot_id.has_value() || request.as_of_time.has_value(); }
  bool stale() const { return request.kind == RunKind::kEod && status == RunStatus::kSucceeded && missing_trades > 0; }
  bool finished() const { return status == RunStatus::kSucceeded || status == RunStatus::kFailed; }
};

}  // namespace tradeagg::domain
