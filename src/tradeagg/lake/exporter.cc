#include "tradeagg/lake/exporter.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/merge_append.h"
#include "tradeagg/lake/iceberg/orphan_files.h"
#include "tradeagg/lake/iceberg/table_commit.h"
#include "tradeagg/lake/iceberg/trades_table.h"
#include "tradeagg/lake/trade_batch_pipe.h"
#include "tradeagg/lake/trades_parquet_writer.h"

namespace tradeagg::lake {

namespace {

using iceberg::LoadedTable;

// Crash points for the exactly-once tests: the process dies as it would on a power cut.
void CrashIfArmed(std::string_view point) {
  if (Fault(point)) {
    spdlog::critical("fault injection: crashing at {}", point);
    std::_Exit(86);
  }
}

int64_t WatermarkOf(const iceberg::TableMetadata& metadata) {
  const iceberg::Snapshot* snapshot = metadata.CurrentSnapshot();
  if (snapshot == nullptr) return 0;
  return snapshot->SummaryInt(iceberg::summary::kTradeaggWatermark).value_or(0);
}

int64_t NowMs() { return Timestamp::Now().micros() / 1000; }

// Three batches of 4,096 trades in flight: enough to keep both threads busy, small enough
// (a few MiB) to cost nothing.
constexpr size_t kScanBatchTrades = 4096;
constexpr size_t kScanBatches = 3;

}  // namespace

Exporter::Exporter(store::TradeStore& store, iceberg::Catalog& catalog, ObjectStore& objects,
                   engine::Connection& duckdb, ExporterConfig config)
    : store_(store), catalog_(catalog), objects_(objects), duckdb_(duckdb), config_(std::move(config)) {}

Exporter::~Exporter() { Stop(); }

Status Exporter::Open(bool remove_orphans) {
  ASSIGN_OR_RETURN(bool ns_exists, catalog_.NamespaceExists(config_.table.ns));
  if (!ns_exists) {
    Status created = catalog_.CreateNamespace(config_.table.ns);
    if (!created.ok() && created.code() != StatusCode::kAlreadyExists) return created;
  }
  auto loaded = catalog_.LoadTable(config_.table);
  if (!loaded.ok() && loaded.status().code() == StatusCode::kNotFound) {
    loaded = catalog_.CreateTable(config_.table, iceberg::TradesTableDefinition());
    if (!loaded.ok() && loaded.status().code() == StatusCode::kAlreadyExists) loaded = catalog_.LoadTable(config_.table);
  }
  if (!loaded.ok()) return loaded.status();
  std::error_code ec;
  std::filesystem::create_directories(config_.staging_dir, ec);
  if (ec) return Status::Unavailable("cannot create " + config_.staging_dir.string() + ": " + ec.message());
  if (remove_orphans) TRY(RemoveOrphans(*loaded, std::chrono::milliseconds(0)));
  SetTableStatus(loaded->metadata);
  return Status::Ok();
}

void Exporter::SetTableStatus(const iceberg::TableMetadata& metadata) {
  std::lock_guard lock(mutex_);
  status_.watermark = WatermarkOf(metadata);
  if (const auto* snapshot = metadata.CurrentSnapshot()) {
    status_.snapshot_id = snapshot->snapshot_id;
    status_.snapshot_timestamp_ms = snapshot->timestamp_ms;
    status_.total_records = snapshot->SummaryInt(iceberg::summary::kTotalRecords).value_or(0);
    status_.total_data_files = snapshot->SummaryInt(iceberg::summary::kTotalDataFiles).value_or(0);
  }
}

Status Exporter::ReloadStatus() {
  ASSIGN_OR_RETURN(LoadedTable table, catalog_.LoadTable(config_.table));
  SetTableStatus(table.metadata);
  return Status::Ok();
}

bool Exporter::HoldsLease(bool requested) {
  if (lease_ == nullptr) return true;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_lease_check_ && !(requested && !holding_)) return holding_;
  next_lease_check_ = now + config_.lease_check_interval;
  Result<bool> held = lease_->Hold();
  if (!held.ok()) spdlog::warn("lake: cannot ask for the export lease: {}", held.status().ToString());
  const bool holding = held.ok() && *held;
  if (holding != holding_) spdlog::info("lake: {} the export lease", holding ? "took" : "lost");
  // A crashed earlier life's leftovers were swept at start (the server asks the lease before it
  // opens the lake); from here on only the periodic sweep of old files runs, because a CLI
  // export beside the server may be in flight.
  // Whoever exported last may be another instance: start from the table, not from memory.
  if (!holding || !holding_) {
    if (Status reloaded = ReloadStatus(); !reloaded.ok()) {
      spdlog::warn("lake: cannot read the table's watermark: {}", reloaded.ToString());
    }
  }
  holding_ = holding;
  return holding_;
}

// At start (min_age 0) only the table's background writer sweeps, before it exports; later
// sweeps skip young files, which may belong to a CLI export in flight (orphan_files.h).
Status Exporter::RemoveOrphans(const LoadedTable& table, std::chrono::milliseconds min_age) {
  ASSIGN_OR_RETURN(size_t removed, iceberg::RemoveOrphanFiles(objects_, table, min_age));
  if (removed > 0) spdlog::info("lake: removed {} files no snapshot of {} refers to", removed, config_.table.ToString());
  return Status::Ok();
}

Result<ExportCycle> Exporter::ExportOnce() {
  using Clock = std::chrono::steady_clock;
  auto elapsed_ms = [](Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
  };
  Clock::time_point started = Clock::now();
  // Test hook: an export that fails (a lake that cannot catch up).
  if (Fault("lake.export.before_read")) return Status::Unavailable("injected fault: lake.export.before_read");
  ASSIGN_OR_RETURN(LoadedTable base, catalog_.LoadTable(config_.table));
  ExportCycle cycle;
  cycle.watermark = WatermarkOf(base.metadata);

  // The trades after the watermark go from the store scan (on a reader thread) into the Parquet
  // writer, batch by batch. The business date of the first trade (the one nearly every cycle
  // has alone) is written while the scan goes on: DuckDB pulls the batches itself as it needs
  // them (WriteDateWhileAdding), so reading the store and writing Parquet overlap. Any other
  // dates are staged meanwhile and written after.
  ASSIGN_OR_RETURN(std::string table_key, objects_.KeyForUri(base.metadata.location));
  TradesParquetWriter parquet(duckdb_);
  TradeBatchPipe pipe(kScanBatchTrades, kScanBatches);
  // From here on every return joins the reader first (stop_reading, or after the scan ended).
  std::thread reader([&] {
    Status scanned = store_.ScanTrades(cycle.watermark, config_.max_snapshot_trades,
                                       [&](const domain::Trade& trade) { (void)pipe.Push(trade); });
    pipe.Close(std::move(scanned));
  });
  TradeBatchPipe::Batch* batch = nullptr;
  int64_t new_watermark = cycle.watermark;
  Clock::time_point read_end = started;
  // The next batch (giving the previous one back), empty at the end of the scan.
  auto next_batch = [&]() -> Result<std::span<const domain::Trade>> {
    if (batch != nullptr) pipe.Recycle(batch);
    batch = pipe.Next();
    if (batch == nullptr) {
      read_end = Clock::now();
      TRY(pipe.status());
      return std::span<const domain::Trade>();
    }
    new_watermark = batch->trades[batch->count - 1].seq;
    return std::span<const domain::Trade>(batch->trades.data(), batch->count);
  };
  // After a failure: stop the scan, give back what is in flight, wait for the reader.
  auto stop_reading = [&] {
    pipe.Cancel();
    if (batch != nullptr) pipe.Recycle(batch);
    while ((batch = pipe.Next()) != nullptr) pipe.Recycle(batch);
    reader.join();
  };

  iceberg::MergeAppend append(objects_, base);
  std::vector<std::string> data_keys;
  auto fail = [&](Status status) {
    iceberg::DeleteQuietly(objects_, data_keys);
    return status;
  };
  // 1. One data file per business date: put each into the lake.
  auto store_file = [&](Date date, const std::function<Result<iceberg::DataFile>(const std::filesystem::path&,
                                                                                   std::string)>& write) -> Status {
    std::string name = iceberg::NewUuid() + ".parquet";
    std::string key = table_key + "/data/business_date=" + date.ToString() + "/" + name;
    std::filesystem::path staged_path = config_.staging_dir / name;
    ASSIGN_OR_RETURN(iceberg::DataFile file, write(staged_path, objects_.Uri(key)));
    data_keys.push_back(key);
    Status put = objects_.PutFile(key, staged_path);
    std::error_code ignored;
    std::filesystem::remove(staged_path, ignored);
    TRY(put);
    append.AddFile(std::move(file));
    return Status::Ok();
  };

  Result<std::span<const domain::Trade>> first = next_batch();
  Status staged = first.status();
  for (size_t i = 0; staged.ok() && first.ok() && i < first->size(); ++i) staged = parquet.Add((*first)[i]);
  if (!staged.ok() || first->empty()) {
    stop_reading();
    TRY(staged);
    return cycle;  // nothing after the watermark
  }
  const Date streamed_date = first->front().business_date;
  Status written = store_file(streamed_date, [&](const std::filesystem::path& path, std::string location) {
    return parquet.WriteDateWhileAdding(streamed_date, path, std::move(location), next_batch);
  });
  if (!written.ok()) {
    stop_reading();
    return fail(written);
  }
  reader.join();
  cycle.trades = parquet.staged_trades();
  // Reading and writing overlap: read_ms ends with the scan, write_ms is what came after it.
  cycle.read_ms = std::chrono::duration_cast<std::chrono::milliseconds>(read_end - started).count();
  const Clock::time_point writing = read_end;
  for (const auto& [date, count] : parquet.staged_dates()) {
    if (date == streamed_date) continue;
    written = store_file(date, [&](const std::filesystem::path& path, std::string location) {
      return parquet.WriteDate(date, path, std::move(location));
    });
    if (!written.ok()) return fail(written);
  }
  cycle.data_files = static_cast<int64_t>(data_keys.size());
  CrashIfArmed("lake.export.after_data_files");

  // 2. Manifests, manifest list and the snapshot carrying the watermark.
  append.SetSummary(std::string(iceberg::summary::kTradeaggWatermark), std::to_string(new_watermark));
  auto prepared = append.Prepare(NowMs());
  if (!prepared.ok()) return fail(prepared.status());
  CrashIfArmed("lake.export.before_commit");
  cycle.write_ms = elapsed_ms(writing);
  Clock::time_point committing = Clock::now();

  // 3. The catalog swap.
  iceberg::CommitAttempt attempt = iceberg::CommitMetadata(catalog_, objects_, config_.table, base, prepared->updated);
  if (attempt.result.outcome == iceberg::CommitOutcome::kFailed) {
    iceberg::DeleteQuietly(objects_, prepared->written_keys);
    return fail(attempt.result.status);
  }
  if (attempt.result.outcome == iceberg::CommitOutcome::kStateUnknown) {
    // Settle it by reading the table: our watermark there means our snapshot is.
    ASSIGN_OR_RETURN(LoadedTable now, catalog_.LoadTable(config_.table));
    if (WatermarkOf(now.metadata) < new_watermark) {
      // Not committed. The files stay: the next start removes them once nothing refers to them.
      return Status::Unavailable("lake commit outcome unknown and not visible: " + attempt.result.status.message());
    }
    spdlog::info("lake: commit outcome unknown ({}), but the table holds watermark {}: committed",
                 attempt.result.status.message(), new_watermark);
  }
  CrashIfArmed("lake.export.after_commit");
  iceberg::DeleteQuietly(objects_, prepared->expired_manifest_lists);
  cycle.commit_ms = elapsed_ms(committing);
  cycle.watermark = new_watermark;
  {
    std::lock_guard lock(mutex_);
    const iceberg::Snapshot* committed = prepared->updated.CurrentSnapshot();
    status_.snapshot_id = committed->snapshot_id;
    status_.snapshot_timestamp_ms = committed->timestamp_ms;
    status_.total_records = committed->SummaryInt(iceberg::summary::kTotalRecords).value_or(0);
    status_.total_data_files = committed->SummaryInt(iceberg::summary::kTotalDataFiles).value_or(0);
  }
  return cycle;
}

void Exporter::Record(const Result<ExportCycle>& cycle) {
  std::lock_guard lock(mutex_);
  if (!cycle.ok()) {
    status_.last_error = cycle.status().ToString();
    return;
  }
  status_.last_error.clear();
  status_.watermark = cycle->watermark;
  if (cycle->trades > 0) {
    ++status_.snapshots_committed;
    status_.trades_exported += cycle->trades;
  }
}

void Exporter::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "lake-exporter");
    Loop();
  });
}

void Exporter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Exporter::RequestExport() {
  {
    std::lock_guard lock(mutex_);
    export_requested_ = true;
  }
  wake_.notify_all();
}

ExportStatus Exporter::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

bool Exporter::EnoughPending(int64_t watermark, int64_t last_seq) {
  // The seq distance bounds the count from above (seqs may have gaps), so the count is asked
  // for only when the distance alone could reach the threshold.
  if (static_cast<uint64_t>(last_seq - watermark) < config_.flush_trades) return false;
  auto pending = store_.CountTrades(watermark, last_seq);
  return !pending.ok() || static_cast<uint64_t>(*pending) >= config_.flush_trades;  // unknown: try an export
}

void Exporter::Loop() {
  using Clock = std::chrono::steady_clock;
  // When trades were first seen pending; time_point::max() while nothing is pending.
  Clock::time_point pending_since = Clock::time_point::max();
  Clock::time_point next_sweep = Clock::now() + config_.orphan_sweep_interval;
  // After a failed cycle (storage or catalog down) the next waits twice as long each time, up
  // to retry_backoff_max, so that an outage is not hammered; a success resets it.
  int failures = 0;
  Clock::time_point retry_at = Clock::time_point::min();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, config_.poll_interval, [&] { return stopping_ || export_requested_; });
    if (stopping_) break;
    int64_t watermark = status_.watermark;
    const bool requested = std::exchange(export_requested_, false);
    lock.unlock();
    if (!HoldsLease(requested)) {
      lock.lock();
      continue;
    }
    {
      std::lock_guard status_lock(mutex_);
      watermark = status_.watermark;  // perhaps just re-read from the table
    }
    auto last_seq = store_.LastSeq();
    bool flush = false;
    if (last_seq.ok() && *last_seq > watermark) {
      Clock::time_point now = Clock::now();
      if (pending_since == Clock::time_point::max()) pending_since = now;
      flush = requested || now - pending_since >= config_.flush_interval || EnoughPending(watermark, *last_seq);
    }
    if (flush && Clock::now() >= retry_at) {
      auto cycle = ExportOnce();
      Record(cycle);
      if (cycle.ok()) {
        pending_since = Clock::time_point::max();
        failures = 0;
        retry_at = Clock::time_point::min();
      } else {
        const auto wait = std::min<std::chrono::milliseconds>(config_.retry_backoff_max,
                                                              config_.poll_interval * (int64_t{1} << std::min(++failures, 16)));
        retry_at = Clock::now() + wait;
        spdlog::error("lake export failed (retry in {} ms): {}", wait.count(), cycle.status().ToString());
      }
    }
    if (Clock::now() >= next_sweep) {
      next_sweep = Clock::now() + config_.orphan_sweep_interval;
      auto table = catalog_.LoadTable(config_.table);
      Status swept = table.ok() ? RemoveOrphans(*table, config_.orphan_min_age) : table.status();
      if (!swept.ok()) spdlog::warn("lake: orphan sweep failed (will retry): {}", swept.ToString());
    }
    lock.lock();
  }
}

}  // namespace tradeagg::lake
