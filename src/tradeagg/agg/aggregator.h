// Aggregator: runs aggregations of a business date's net exposures from the Iceberg lake.
//
// One run (domain/aggregation_run.h):
//   0. what it answers for: without time travel, every trade acknowledged before the request
//      (the store's last seq when it was requested, `request_seq`). The run waits, up to
//      `lake_wait`, for the lake's watermark to reach that seq, asking the exporter to export
//      at once; if the lake does not catch up in time the run fails ("lake behind: watermark W,
//      needed S"), it never answers for less. With time travel it answers for the snapshot
//      asked for;
//   1. plan: load tradeagg.trades from the catalog, pick the snapshot (current, or as of a
//      snapshot id or an instant: time travel), and plan the date's data files, pruned by the
//      business-date partition and column bounds (lake/iceberg/table_scan.h);
//      An eod run tags the snapshot it read (`eod-<date>-v<version>`, lake/iceberg/
//      snapshot_tag.h), so expiry keeps it and the run can be repeated from the lake;
//   2. query: DuckDB aggregates the planned Parquet files (trade_group_query.h);
//   3. roll up the levels and, with the date's FX rates, the reporting-currency totals;
//   4. reconcile with the real-time book at max(request_seq, the snapshot's watermark)
//      (book_source.h, reconciler.h): a trade acknowledged but missing from the lake is a
//      difference, never a match. The run records the date's trades in the store at that seq
//      beside the count it aggregated;
//   5. append the rows to the Iceberg table tradeagg.exposures (a failure there is recorded as
//      the run's lake_error and the run goes on: the store is the system of record), then store
//      the rows and the finished run in one transaction (store/exposure_store.h): a run reads
//      as succeeded only once all of it is done.
// A failure in steps 0-4 or in the store fails the run with its reason; nothing of it is
// served. (A store failure after the lake append leaves that run's rows in tradeagg.exposures;
// the run's error says so.)
//
// After every run, the store's list of runs is published to the Iceberg table tradeagg.runs
// (runs_table.h), with each eod run's staleness, so that lake readers can keep the rows of
// succeeded, current runs (a failed run's rows in tradeagg.exposures read as failed there).
// Also at the server's start (runs a restart marked failed) and when asked (RequestPublish:
// the scheduler, when late trades made a run stale). A failed publish is logged; the next
// one shows the store's state again in full.
//
// Runs execute one at a time on the aggregator's worker thread (Submit), so a burst of
// requests queues instead of competing for memory and cores; the CLI runs one on its own
// thread (RunNow). DuckDB gets its own database, sized by `duckdb_threads` and
// `duckdb_memory_limit`.
// Thread safety: Submit, RunNow, HasPending and counters from any thread; Start/Stop from one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "tradeagg/agg/book_source.h"
#include "tradeagg/agg/exposures_table.h"
#include "tradeagg/agg/runs_table.h"
#include "tradeagg/core/status.h"
#include "tradeagg/domain/aggregation_run.h"
#include "tradeagg/engine/connection.h"
#include "tradeagg/engine/database.h"
#include "tradeagg/engine/s3_reads.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/object_store.h"
#include "tradeagg/metrics/counter.h"
#include "tradeagg/metrics/family.h"
#include "tradeagg/metrics/gauge.h"
#include "tradeagg/metrics/histogram.h"
#include "tradeagg/store/exposure_store.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::agg {

// Where runs are measured for the service's metrics (null: not measured).
struct RunMetrics {
  metrics::Family<metrics::Counter>* runs = nullptr;  // labels: kind, status
  metrics::Histogram* run_micros = nullptr;
  metrics::Gauge* differences = nullptr;  // of the newest finished run
};

struct AggregatorConfig {
  std::string reporting_currency = "USD";
  size_t max_recorded_differences = 20;
  int duckdb_threads = 2;                 // the run uses every core of this machine while it lasts
  std::string duckdb_memory_limit;        // empty: DuckDB's default (80 % of RAM)
  std::filesystem::path staging_dir;      // local scratch for the exposures Parquet file
  bool write_lake = true;                 // append results to tradeagg.exposures
  // How long a run waits for the lake to hold every trade acknowledged before its request.
  std::chrono::milliseconds lake_wait{10'000};
  std::chrono::milliseconds lake_poll{50};
  // An eod run tags the snapshot it read; the tag's max-ref-age-ms (none: kept for good).
  std::optional<std::chrono::milliseconds> eod_tag_max_age;
  bool owner = false;                     // the server: sweeps tradeagg.exposures' orphans at start
  // Set for a lake on S3 read in place (lake.s3.duckdb_reads = "in_place"): DuckDB reads the
  // planned files at their s3:// locations with httpfs. Unset: from local files (the local
  // warehouse's, or local copies of S3 objects: ObjectStore::LocalCopy).
  std::optional<engine::S3Reads> s3_reads;
  RunMetrics metrics;
};

class Aggregator {
 public:
  // Asks the lake's exporter to export what is pending now (the server's background exporter,
  // or an export on the calling thread for the CLI).
  using ExportRequest = std::function<void()>;

  // Everything is borrowed and must outlive the aggregator.
  static Result<std::unique_ptr<Aggregator>> Create(store::ExposureStore& results, store::TradeStore& trades,
                                                    lake::iceberg::Catalog& catalog, lake::ObjectStore& objects,
                                                    BookSource& book, ExportRequest request_export,
                                                    AggregatorConfig config);
  ~Aggregator();
  Aggregator(const Aggregator&) = delete;
  Aggregator& operator=(const Aggregator&) = delete;

  // Records a queued run and hands it to the worker.
  Result<domain::AggregationRun> Submit(const domain::RunRequest& request);
  // Records and runs a request on the calling thread; returns the finished run (its status
  // says whether it succeeded). Not while the worker runs.
  Result<domain::AggregationRun> RunNow(const domain::RunRequest& request);
  // Is a run of this date and kind queued or running here?
  bool HasPending(Date business_date, domain::RunKind kind) const;
  // Asks the worker to publish tradeagg.runs again (no-op without the lake writers).
  void RequestPublish();

  void Start();
  void Stop();

  int64_t runs_succeeded() const { return runs_succeeded_; }
  int64_t runs_failed() const { return runs_failed_; }
  int64_t reconciliation_differences() const { return differences_; }

 private:
  Aggregator(store::ExposureStore& results, store::TradeStore& trades, lake::iceberg::Catalog& catalog,
             lake::ObjectStore& objects, BookSource& book, ExportRequest request_export, AggregatorConfig config);
  // Records a queued run: what it answers for (the store's last seq, read first) and its id.
  Result<domain::AggregationRun> Record(const domain::RunRequest& request);
  void Loop();
  // The table to plan from: as it is for time travel, else once its watermark reached the
  // run's request_seq (or kUnavailable "lake behind" after lake_wait).
  Result<lake::iceberg::LoadedTable> LoadTradesTable(const domain::AggregationRun& run);
  // Runs `run` to its end and records it; the run says how it ended.
  void Execute(domain::AggregationRun& run);
  void Measure(const domain::AggregationRun& run) const;
  Status Compute(domain::AggregationRun& run, std::vector<domain::ExposureRow>& rows);
  void WriteLake(domain::AggregationRun& run, const std::vector<domain::ExposureRow>& rows);
  // An eod run's tag on the snapshot it read.
  Status TagSnapshotRead(domain::AggregationRun& run);
  // The store's runs, with their staleness, into tradeagg.runs.
  void PublishRuns();

  store::ExposureStore& results_;
  store::TradeStore& trades_;
  lake::iceberg::Catalog& catalog_;
  lake::ObjectStore& objects_;
  BookSource& book_;
  ExportRequest request_export_;
  AggregatorConfig config_;
  engine::Database duckdb_;
  engine::Connection connection_;
  std::unique_ptr<ExposuresTableWriter> lake_writer_;
  std::unique_ptr<RunsTableWriter> runs_writer_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<domain::AggregationRun> queue_;          // guarded by mutex_
  std::optional<domain::AggregationRun> current_;     // guarded by mutex_
  bool stopping_ = false;                             // guarded by mutex_
  bool publish_requested_ = false;                    // guarded by mutex_
  std::thread worker_;
  std::atomic<int64_t> runs_succeeded_{0};
  std::atomic<int64_t> runs_failed_{0};
  std::atomic<int64_t> differences_{0};
};

}  // namespace tradeagg::agg
