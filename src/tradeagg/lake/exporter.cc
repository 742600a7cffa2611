#include "tradeagg/lake/exporter.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/manifest.h"
#include "tradeagg/lake/iceberg/manifest_list.h"
#include "tradeagg/lake/iceberg/metadata_files.h"
#include "tradeagg/lake/iceberg/partition_spec_json.h"
#include "tradeagg/lake/iceberg/schema_json.h"
#include "tradeagg/lake/iceberg/table_commit.h"
#include "tradeagg/lake/iceberg/trades_table.h"
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

Result<std::string> ReadLocalFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Everything one export attempt wrote, so that a certainly failed attempt can take it back.
struct WrittenFiles {
  std::vector<std::string> keys;
  void Remove(ObjectStore& objects) const {
    for (const auto& key : keys) (void)objects.Delete(key);
  }
};

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
  if (remove_orphans) TRY(RemoveOrphans(*loaded));
  std::lock_guard lock(mutex_);
  status_.watermark = WatermarkOf(loaded->metadata);
  if (const auto* snapshot = loaded->metadata.CurrentSnapshot()) {
    status_.snapshot_id = snapshot->snapshot_id;
    status_.snapshot_timestamp_ms = snapshot->timestamp_ms;
    status_.total_records = snapshot->SummaryInt(iceberg::summary::kTotalRecords).value_or(0);
    status_.total_data_files = snapshot->SummaryInt(iceberg::summary::kTotalDataFiles).value_or(0);
  }
  return Status::Ok();
}

// Files under the table's data/ and metadata/ that no snapshot and no metadata file refers to
// were written by an export that crashed before its commit. Called only by the table's
// background writer at its start, before it exports, so nothing in flight is mistaken for an
// orphan.
Status Exporter::RemoveOrphans(const LoadedTable& table) {
  ASSIGN_OR_RETURN(std::string table_key, objects_.KeyForUri(table.metadata.location));
  std::set<std::string> referenced;
  auto reference = [&](std::string_view uri) {
    auto key = objects_.KeyForUri(uri);
    if (key.ok()) referenced.insert(*key);
  };
  reference(table.metadata_location);
  for (const auto& entry : table.metadata.metadata_log) reference(entry.metadata_file);
  for (const auto& snapshot : table.metadata.snapshots) {
    reference(snapshot.manifest_list);
    ASSIGN_OR_RETURN(std::string list_key, objects_.KeyForUri(snapshot.manifest_list));
    ASSIGN_OR_RETURN(std::string list_bytes, objects_.Get(list_key));
    ASSIGN_OR_RETURN(iceberg::ManifestList list, iceberg::ReadManifestList(list_bytes));
    for (const auto& manifest_file : list.manifests) {
      ASSIGN_OR_RETURN(std::string manifest_key, objects_.KeyForUri(manifest_file.manifest_path));
      if (referenced.contains(manifest_key)) continue;  // listed by an earlier snapshot too
      referenced.insert(manifest_key);
      ASSIGN_OR_RETURN(std::string manifest_bytes, objects_.Get(manifest_key));
      ASSIGN_OR_RETURN(iceberg::Manifest manifest, iceberg::ReadManifest(manifest_bytes));
      for (const auto& entry : manifest.entries) reference(entry.data_file.file_path);
    }
  }
  size_t removed = 0;
  for (std::string_view dir : {"/data/", "/metadata/"}) {
    ASSIGN_OR_RETURN(auto objects, objects_.List(table_key + std::string(dir)));
    for (const auto& object : objects) {
      bool is_hint = object.key.ends_with("/version-hint.text");
      if (is_hint || referenced.contains(object.key)) continue;
      TRY(objects_.Delete(object.key));
      ++removed;
    }
  }
  if (removed > 0) spdlog::warn("lake: removed {} orphaned files left by an interrupted export", removed);
  return Status::Ok();
}

Result<ExportCycle> Exporter::ExportOnce() {
  using Clock = std::chrono::steady_clock;
  auto elapsed_ms = [](Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
  };
  Clock::time_point started = Clock::now();
  ASSIGN_OR_RETURN(LoadedTable base, catalog_.LoadTable(config_.table));
  const iceberg::TableMetadata& metadata = base.metadata;
  ExportCycle cycle;
  cycle.watermark = WatermarkOf(metadata);

  // Trades after the watermark, grouped by business date (one data file each).
  std::map<int32_t, std::vector<domain::Trade>> by_date;
  int64_t new_watermark = cycle.watermark;
  TRY(store_.ScanTrades(cycle.watermark, config_.max_snapshot_trades, [&](const domain::Trade& trade) {
    by_date[trade.business_date.days()].push_back(trade);
    new_watermark = trade.seq;
    ++cycle.trades;
  }));
  if (cycle.trades == 0) return cycle;
  cycle.read_ms = elapsed_ms(started);
  Clock::time_point writing = Clock::now();

  ASSIGN_OR_RETURN(std::string table_key, objects_.KeyForUri(metadata.location));
  ASSIGN_OR_RETURN(std::string metadata_dir, iceberg::MetadataDirectoryKey(objects_, metadata));
  const iceberg::Schema* schema = metadata.CurrentSchema();
  const iceberg::PartitionSpec* spec = metadata.DefaultSpec();
  if (schema == nullptr || spec == nullptr) return Status::Internal("table metadata has no current schema or spec");

  const int64_t snapshot_id = iceberg::NewSnapshotId();
  const int64_t sequence_number = metadata.next_sequence_number();
  WrittenFiles written;
  auto fail = [&](Status status) {
    written.Remove(objects_);
    return status;
  };

  // 1. Data files.
  TradesParquetWriter parquet(duckdb_);
  std::vector<iceberg::ManifestEntry> entries;
  int64_t added_bytes = 0;
  for (auto& [days, trades] : by_date) {
    std::string name = iceberg::NewUuid() + ".parquet";
    std::string key = table_key + "/data/business_date=" + Date::FromDays(days).ToString() + "/" + name;
    std::filesystem::path staged = config_.staging_dir / name;
    auto file = parquet.Write(trades, staged, objects_.Uri(key));
    if (!file.ok()) return fail(file.status());
    auto bytes = ReadLocalFile(staged);
    std::filesystem::remove(staged);
    if (!bytes.ok()) return fail(bytes.status());
    written.keys.push_back(key);
    if (Status put = objects_.Put(key, *bytes); !put.ok()) return fail(put);
    added_bytes += file->file_size_in_bytes;
    iceberg::ManifestEntry entry;
    entry.status = iceberg::ManifestEntryStatus::kAdded;
    entry.snapshot_id = snapshot_id;
    entry.data_file = std::move(file).value();
    entries.push_back(std::move(entry));
  }
  CrashIfArmed("lake.export.after_data_files");

  // 2. The manifest of the new files.
  iceberg::ManifestMetadata manifest_metadata{iceberg::SchemaToJson(*schema), schema->schema_id,
                                              iceberg::PartitionFieldsToJson(*spec), spec->spec_id};
  auto manifest_bytes = iceberg::WriteManifest(manifest_metadata, entries);
  if (!manifest_bytes.ok()) return fail(manifest_bytes.status());
  std::string manifest_key = metadata_dir + "/" + iceberg::NewUuid() + "-m0.avro";
  written.keys.push_back(manifest_key);
  if (Status put = objects_.Put(manifest_key, *manifest_bytes); !put.ok()) return fail(put);

  // 3. The manifest list: every manifest of the parent snapshot, then the new one.
  std::vector<iceberg::ManifestFile> manifests;
  if (const auto* parent = metadata.CurrentSnapshot()) {
    auto list_key = objects_.KeyForUri(parent->manifest_list);
    if (!list_key.ok()) return fail(list_key.status());
    auto list_bytes = objects_.Get(*list_key);
    if (!list_bytes.ok()) return fail(list_bytes.status());
    auto list = iceberg::ReadManifestList(*list_bytes);
    if (!list.ok()) return fail(list.status());
    manifests = std::move(list->manifests);
  }
  manifests.push_back(iceberg::DescribeManifest(objects_.Uri(manifest_key),
                                                static_cast<int64_t>(manifest_bytes->size()), spec->spec_id,
                                                snapshot_id, sequence_number, entries, spec->fields.size()));
  std::optional<int64_t> parent_id;
  if (metadata.current_snapshot_id) parent_id = *metadata.current_snapshot_id;
  auto list_bytes = iceberg::WriteManifestList({snapshot_id, parent_id, sequence_number}, manifests);
  if (!list_bytes.ok()) return fail(list_bytes.status());
  std::string list_key =
      metadata_dir + "/snap-" + std::to_string(snapshot_id) + "-1-" + iceberg::NewUuid() + ".avro";
  written.keys.push_back(list_key);
  if (Status put = objects_.Put(list_key, *list_bytes); !put.ok()) return fail(put);

  // 4. The snapshot, carrying the watermark, committed by swapping the catalog pointer.
  iceberg::SnapshotAppend append;
  append.snapshot_id = snapshot_id;
  append.manifest_list = objects_.Uri(list_key);
  append.timestamp_ms = NowMs();
  append.added_data_files = static_cast<int64_t>(entries.size());
  append.added_records = cycle.trades;
  append.added_files_size = added_bytes;
  append.changed_partition_count = static_cast<int64_t>(by_date.size());
  append.extra_summary[std::string(iceberg::summary::kTradeaggWatermark)] = std::to_string(new_watermark);
  auto updated = iceberg::AppendSnapshot(metadata, base.metadata_location, append);
  if (!updated.ok()) return fail(updated.status());
  CrashIfArmed("lake.export.before_commit");
  cycle.write_ms = elapsed_ms(writing);
  Clock::time_point committing = Clock::now();

  iceberg::CommitAttempt attempt = iceberg::CommitMetadata(catalog_, objects_, config_.table, base, *updated);
  if (attempt.result.outcome == iceberg::CommitOutcome::kFailed) return fail(attempt.result.status);
  if (attempt.result.outcome == iceberg::CommitOutcome::kStateUnknown) {
    // Settle it by reading the table: our watermark there means our snapshot is.
    ASSIGN_OR_RETURN(LoadedTable now, catalog_.LoadTable(config_.table));
    if (WatermarkOf(now.metadata) < new_watermark) {
      // Not committed. The files stay: the next start removes them once nothing refers to them.
      return Status::Unavailable("lake commit outcome unknown and not visible: " + attempt.result.status.message());
    }
  }
  CrashIfArmed("lake.export.after_commit");
  cycle.commit_ms = elapsed_ms(committing);
  cycle.data_files = static_cast<int64_t>(entries.size());
  cycle.watermark = new_watermark;
  {
    std::lock_guard lock(mutex_);
    status_.snapshot_id = snapshot_id;
    status_.snapshot_timestamp_ms = append.timestamp_ms;
    const iceberg::Snapshot* committed = updated->CurrentSnapshot();
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

ExportStatus Exporter::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void Exporter::Loop() {
  using Clock = std::chrono::steady_clock;
  // When trades were first seen pending; time_point::max() while nothing is pending.
  Clock::time_point pending_since = Clock::time_point::max();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, config_.poll_interval, [&] { return stopping_; });
    if (stopping_) break;
    int64_t watermark = status_.watermark;
    lock.unlock();
    auto last_seq = store_.LastSeq();
    bool flush = false;
    if (last_seq.ok() && *last_seq > watermark) {
      Clock::time_point now = Clock::now();
      if (pending_since == Clock::time_point::max()) pending_since = now;
      flush = static_cast<size_t>(*last_seq - watermark) >= config_.flush_trades ||
              now - pending_since >= config_.flush_interval;
    }
    if (flush) {
      auto cycle = ExportOnce();
      if (!cycle.ok()) spdlog::error("lake export failed (will retry): {}", cycle.status().ToString());
      Record(cycle);
      if (cycle.ok()) pending_since = Clock::time_point::max();
    }
    lock.lock();
  }
}

}  // namespace tradeagg::lake
