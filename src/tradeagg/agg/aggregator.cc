#include "tradeagg/agg/aggregator.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "tradeagg/agg/exposure_set.h"
#include "tradeagg/agg/late_trades.h"
#include "tradeagg/agg/reconciler.h"
#include "tradeagg/agg/trade_group_query.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/snapshot_tag.h"
#include "tradeagg/lake/iceberg/table_scan.h"
#include "tradeagg/lake/iceberg/trades_table.h"

namespace tradeagg::agg {

namespace {

namespace iceberg = lake::iceberg;
using domain::AggregationRun;
using domain::RunStatus;

// Milliseconds since construction, for the run's step timings.
class Stopwatch {
 public:
  int64_t Lap() {
    auto now = std::chrono::steady_clock::now();
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_).count();
    start_ = now;
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

const iceberg::TableIdentifier kTradesTable{std::string(iceberg::kTradeaggNamespace),
                                             std::string(iceberg::kTradesTableName)};

}  // namespace

Aggregator::Aggregator(store::ExposureStore& results, store::TradeStore& trades, iceberg::Catalog& catalog,
                       lake::ObjectStore& objects, BookSource& book, ExportRequest request_export,
                       AggregatorConfig config)
    : results_(results),
      trades_(trades),
      catalog_(catalog),
      objects_(objects),
      book_(book),
      request_export_(std::move(request_export)),
      config_(std::move(config)) {}

Result<std::unique_ptr<Aggregator>> Aggregator::Create(store::ExposureStore& results, store::TradeStore& trades,
                                                       iceberg::Catalog& catalog, lake::ObjectStore& objects,
                                                       BookSource& book, ExportRequest request_export,
                                                       AggregatorConfig config) {
  std::unique_ptr<Aggregator> aggregator(
      new Aggregator(results, trades, catalog, objects, book, std::move(request_export), std::move(config)));
  engine::DatabaseOptions options;
  options.threads = aggregator->config_.duckdb_threads;
  options.memory_limit = aggregator->config_.duckdb_memory_limit;
  ASSIGN_OR_RETURN(aggregator->duckdb_, engine::Database::OpenInMemory(options));
  ASSIGN_OR_RETURN(aggregator->connection_, aggregator->duckdb_.Connect());
  if (aggregator->config_.s3_reads) TRY(engine::EnableS3Reads(aggregator->connection_, *aggregator->config_.s3_reads));
  if (aggregator->config_.write_lake) {
    aggregator->lake_writer_ = std::make_unique<ExposuresTableWriter>(catalog, objects, aggregator->connection_,
                                                                      aggregator->config_.staging_dir);
    TRY(aggregator->lake_writer_->Open(aggregator->config_.owner));
    aggregator->runs_writer_ = std::make_unique<RunsTableWriter>(catalog, objects, aggregator->connection_,
                                                                 aggregator->config_.staging_dir);
    TRY(aggregator->runs_writer_->Open(aggregator->config_.owner));
  }
  return aggregator;
}

Aggregator::~Aggregator() { Stop(); }

Result<AggregationRun> Aggregator::Record(const domain::RunRequest& request) {
  // Read before the run exists: every trade acknowledged before the request has a seq <= this.
  std::optional<int64_t> request_seq;
  const bool time_travel = request.as_of_snapshot_id || request.as_of_time;
  if (!time_travel) { ASSIGN_OR_RETURN(request_seq, trades_.LastSeq()); }
  ASSIGN_OR_RETURN(AggregationRun run, results_.CreateRun(request, Timestamp::Now()));
  if (request_seq) {
    run.request_seq = request_seq;
    TRY(results_.UpdateRun(run));
  }
  return run;
}

Result<AggregationRun> Aggregator::Submit(const domain::RunRequest& request) {
  ASSIGN_OR_RETURN(AggregationRun run, Record(request));
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(run);
  }
  wake_.notify_one();
  return run;
}

Result<AggregationRun> Aggregator::RunNow(const domain::RunRequest& request) {
  ASSIGN_OR_RETURN(AggregationRun run, Record(request));
  Execute(run);
  return run;
}

bool Aggregator::HasPending(Date business_date, domain::RunKind kind) const {
  auto same = [&](const AggregationRun& run) {
    return run.request.business_date == business_date && run.request.kind == kind;
  };
  std::lock_guard lock(mutex_);
  if (current_ && same(*current_)) return true;
  for (const AggregationRun& run : queue_) {
    if (same(run)) return true;
  }
  return false;
}

void Aggregator::RequestPublish() {
  if (!runs_writer_) return;
  {
    std::lock_guard lock(mutex_);
    publish_requested_ = true;
  }
  wake_.notify_one();
}

void Aggregator::Start() {
  // The server's first publish shows the runs a restart marked failed.
  if (config_.owner) RequestPublish();
  worker_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "aggregator");
    Loop();
  });
}

void Aggregator::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Aggregator::Loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || publish_requested_; });
    if (stopping_) return;  // queued runs stay queued; the next start marks them failed
    publish_requested_ = false;  // a run publishes when it ends
    if (queue_.empty()) {
      lock.unlock();
      PublishRuns();
      lock.lock();
      continue;
    }
    current_ = std::move(queue_.front());
    queue_.pop_front();
    AggregationRun run = *current_;
    lock.unlock();
    Execute(run);
    lock.lock();
    current_.reset();
  }
}

Result<iceberg::LoadedTable> Aggregator::LoadTradesTable(const AggregationRun& run) {
  if (!run.request_seq) return catalog_.LoadTable(kTradesTable);
  const int64_t needed = *run.request_seq;
  const auto deadline = std::chrono::steady_clock::now() + config_.lake_wait;
  while (true) {
    ASSIGN_OR_RETURN(iceberg::LoadedTable table, catalog_.LoadTable(kTradesTable));
    const iceberg::Snapshot* current = table.metadata.CurrentSnapshot();
    const int64_t watermark = current ? current->SummaryInt(iceberg::summary::kTradeaggWatermark).value_or(0) : 0;
    if (watermark >= needed) return table;
    // A shared store's seqs have holes (a seq taken by a duplicate, a conflict or a failed
    // append names no trade), and the table's watermark is the last trade it holds: the lake is
    // complete when no trade lies between the two, whatever the numbers say.
    ASSIGN_OR_RETURN(int64_t missing, trades_.CountTrades(watermark, needed));
    if (missing == 0) return table;
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("lake behind: watermark " + std::to_string(watermark) + ", needed " +
                                 std::to_string(needed) + " (waited " +
                                 std::to_string(config_.lake_wait.count()) + " ms for the export)");
    }
    // At every poll: the server's exporter takes it as a flag; the CLI exports a snapshot's
    // worth each time, so a backlog of several snapshots is worked off too.
    if (request_export_) request_export_();
    std::this_thread::sleep_for(config_.lake_poll);
  }
}

Status Aggregator::Compute(AggregationRun& run, std::vector<domain::ExposureRow>& rows) {
  const Date date = run.request.business_date;
  Stopwatch watch;

  // 0-1. What the run answers for (waiting for the lake to hold it), then the plan: the
  // snapshot and the date's files. The wait counts as planning time.
  ASSIGN_OR_RETURN(iceberg::LoadedTable table, LoadTradesTable(run));
  const iceberg::SnapshotSelector selector{run.request.as_of_snapshot_id, run.request.as_of_time};
  const iceberg::DateFilter filter{iceberg::trades_field::kBusinessDate, date, date};
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(objects_, table.metadata, selector, filter));
  if (plan.snapshot) {
    run.snapshot_id = plan.snapshot->snapshot_id;
    run.snapshot_committed_at = Timestamp::FromMicros(plan.snapshot->timestamp_ms * 1000);
    run.watermark = plan.snapshot->SummaryInt(iceberg::summary::kTradeaggWatermark).value_or(0);
  }
  run.data_files = static_cast<int64_t>(plan.files.size());
  run.data_files_pruned = plan.files_pruned;
  TRY(TagSnapshotRead(run));
  const iceberg::FileReads reads = config_.s3_reads ? iceberg::FileReads::kInPlace : iceberg::FileReads::kLocalCopies;
  ASSIGN_OR_RETURN(std::vector<std::string> paths, iceberg::FileLocationsOf(objects_, plan, reads));
  run.timings.plan_ms = watch.Lap();

  // 2. Query.
  ASSIGN_OR_RETURN(std::vector<TradeGroup> groups, QueryTradeGroups(connection_, paths, date));
  run.timings.query_ms = watch.Lap();

  // 3. Levels and the reporting currency.
  ExposureSet set = ExposureSet::FromGroups(groups);
  run.trades = set.trade_count();
  ASSIGN_OR_RETURN(domain::FxRates rates, results_.GetFxRates(date));
  run.reporting_currency = config_.reporting_currency;
  run.missing_rates = set.AddReportingTotals(rates, config_.reporting_currency);
  run.instrument_rows = set.CountAt(domain::ExposureLevel::kInstrument);
  run.counterparty_rows = set.CountAt(domain::ExposureLevel::kCounterparty);
  run.participant_rows = set.CountAt(domain::ExposureLevel::kParticipant);
  run.reporting_rows = set.CountAt(domain::ExposureLevel::kReporting);
  run.timings.rollup_ms = watch.Lap();

  // 4. Reconciliation with the store's trades up to the request (or up to the snapshot read,
  // which may hold more): a trade acknowledged but missing from the lake is a difference.
  const int64_t reconcile_at = std::max(run.request_seq.value_or(0), run.watermark);
  ASSIGN_OR_RETURN(BookView book, book_.ViewAt(date, reconcile_at));
  ExposureSet expected = ExposureSet::FromBook(book.view);
  run.store_trades = expected.trade_count();
  Reconciliation reconciliation = Reconcile(set, expected, config_.max_recorded_differences);
  run.book_watermark = book.live_watermark;
  run.difference_count = reconciliation.difference_count;
  run.differences = std::move(reconciliation.differences);
  run.reconciliation = run.difference_count == 0 ? domain::ReconciliationStatus::kMatched
                                                 : domain::ReconciliationStatus::kDifferences;
  run.timings.reconcile_ms = watch.Lap();
  rows = set.TakeRows();
  return Status::Ok();
}

Status Aggregator::TagSnapshotRead(AggregationRun& run) {
  if (run.request.kind != domain::RunKind::kEod || !run.snapshot_id) return Status::Ok();
  const std::string tag =
      "eod-" + run.request.business_date.ToString() + "-v" + std::to_string(run.version);
  std::optional<int64_t> max_age_ms;
  if (config_.eod_tag_max_age) max_age_ms = config_.eod_tag_max_age->count();
  Status tagged = iceberg::TagSnapshot(catalog_, objects_, kTradesTable, tag, *run.snapshot_id, max_age_ms);
  if (!tagged.ok()) {
    return Status(tagged.code(), "cannot tag the snapshot read as " + tag + ": " + tagged.message());
  }
  run.trades_tag = tag;
  return Status::Ok();
}

void Aggregator::PublishRuns() {
  if (!runs_writer_) return;
  store::RunQuery all;
  all.limit = std::numeric_limits<int32_t>::max();
  const Timestamp now = Timestamp::Now();
  auto runs = results_.ListRuns(all);
  Status status = runs.ok() ? FillMissingTrades(trades_, *runs) : runs.status();
  if (status.ok()) status = runs_writer_->Publish(*runs, now).status();
  if (!status.ok()) spdlog::error("tradeagg.runs not published (the next run or restart retries): {}", status.ToString());
}

void Aggregator::WriteLake(AggregationRun& run, const std::vector<domain::ExposureRow>& rows) {
  if (!lake_writer_ || rows.empty()) return;  // a day without trades adds nothing to the table
  Stopwatch watch;
  auto snapshot = lake_writer_->Append(run, rows, run.finished_at.value_or(Timestamp::Now()));
  run.timings.lake_ms = watch.Lap();
  if (snapshot.ok()) {
    run.exposures_snapshot_id = *snapshot;
  } else {
    run.lake_error = snapshot.status().ToString();
    spdlog::error("aggregation run {}: results not written to tradeagg.exposures (the store has them): {}",
                  run.run_id, run.lake_error);
  }
}

void Aggregator::Measure(const AggregationRun& run) const {
  const RunMetrics& m = config_.metrics;
  if (m.runs != nullptr) m.runs->With({domain::RunKindName(run.request.kind), domain::RunStatusName(run.status)}).Increment();
  if (m.run_micros != nullptr && run.started_at && run.finished_at) {
    m.run_micros->Observe(run.finished_at->micros() - run.started_at->micros());
  }
  if (m.differences != nullptr && run.status == RunStatus::kSucceeded) m.differences->Set(run.difference_count);
}

void Aggregator::Execute(AggregationRun& run) {
  run.status = RunStatus::kRunning;
  run.started_at = Timestamp::Now();
  if (Status s = results_.UpdateRun(run); !s.ok()) spdlog::warn("aggregation run {}: {}", run.run_id, s.ToString());

  std::vector<domain::ExposureRow> rows;
  Status status = Compute(run, rows);
  if (status.ok()) {
    // The analytics copy first, so that a run is succeeded only when all of it is done; the
    // store's commit then makes the results visible at once, with the copy's snapshot id.
    WriteLake(run, rows);
    run.status = RunStatus::kSucceeded;
    run.finished_at = Timestamp::Now();
    Stopwatch watch;
    status = results_.SaveResult(run, rows);
    run.timings.store_ms = watch.Lap();
    if (!status.ok() && run.exposures_snapshot_id) {
      status = Status(status.code(), status.message() + " (the rows are in tradeagg.exposures, snapshot " +
                                         std::to_string(*run.exposures_snapshot_id) + ", under this run id)");
    }
  }
  if (!status.ok()) {
    run.status = RunStatus::kFailed;
    run.error = status.ToString();
    run.finished_at = Timestamp::Now();
    if (Status s = results_.UpdateRun(run); !s.ok()) {
      spdlog::error("aggregation run {}: cannot record its failure: {}", run.run_id, s.ToString());
    }
    ++runs_failed_;
    Measure(run);
    spdlog::error("aggregation run {} ({} {}) failed: {}", run.run_id, domain::RunKindName(run.request.kind),
                  run.request.business_date.ToString(), run.error);
    PublishRuns();
    return;
  }
  // Only the store step's own duration is left to record.
  if (Status s = results_.UpdateRun(run); !s.ok()) spdlog::warn("aggregation run {}: {}", run.run_id, s.ToString());
  PublishRuns();
  ++runs_succeeded_;
  differences_ += run.difference_count;
  Measure(run);
  if (run.difference_count > 0) {
    spdlog::error("aggregation run {} ({} {}): {} differences with the position book at watermark {}", run.run_id,
                  domain::RunKindName(run.request.kind), run.request.business_date.ToString(),
                  run.difference_count, run.watermark);
  } else {
    spdlog::info("aggregation run {} ({} {} v{}): {} trades in {} files at watermark {}, reconciled; {} ms",
                 run.run_id, domain::RunKindName(run.request.kind), run.request.business_date.ToString(),
                 run.version, run.trades, run.data_files, run.watermark, run.timings.total_ms());
  }
}

}  // namespace tradeagg::agg
