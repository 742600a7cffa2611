// Exporter: copies committed trades from the TradeStore into the Iceberg table tradeagg.trades,
// exactly once.
//
// One export cycle reads the trades after the table's watermark (the highest store seq already
// in the table, kept in the current snapshot's summary as "tradeagg.watermark"), streams them
// into DuckDB, writes one Parquet file per business date touched, and commits one snapshot
// whose summary carries the new watermark (iceberg::MergeAppend: a manifest for the new files,
// small manifests merged once there are many, snapshots past the table's retention expired). The watermark lives in the table itself, not in a side file, so the commit that
// adds the trades and the one that records them as exported are the same atomic catalog swap:
//   - a crash before the swap leaves files nobody references (orphans, removed at the next
//     start) and the old watermark, so the same trades are exported again;
//   - a crash after the swap leaves the new watermark, so they are not;
//   - a swap whose outcome is unknown is settled by re-reading the table's watermark.
// The background loop flushes when the oldest unexported trade is `flush_interval` old or
// `flush_trades` are pending, whichever comes first, or at once when asked (RequestExport: an
// aggregation run waiting for every acknowledged trade to be in the lake).
// Several instances on one shared store export to one lake: with a lease (UseLease) only its
// holder exports and sweeps; the others follow the table's watermark (status()), reading it
// every lease_check_interval and at once when asked to export.
// Thread safety: Start/Stop/ExportOnce from one thread at a time; status() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "tradeagg/engine/connection.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/object_store.h"
#include "tradeagg/store/trade_store.h"
#include "tradeagg/store/work_lease.h"

namespace tradeagg::lake {

struct ExporterConfig {
  iceberg::TableIdentifier table{"tradeagg", "trades"};
  std::chrono::milliseconds flush_interval{2000};  // the most a trade waits to be exported
  size_t flush_trades = 100'000;                   // export early when this many are pending
  size_t max_snapshot_trades = 1'000'000;          // the most trades one snapshot adds
  std::chrono::milliseconds poll_interval{100};
  // While running, files no snapshot refers to (merged-away manifests once the snapshots that
  // listed them expired; leftovers of failed exports) are swept this often, if older than
  // orphan_min_age: a file that young may belong to an export in flight (the CLI's).
  std::chrono::milliseconds orphan_sweep_interval{3'600'000};
  std::chrono::milliseconds orphan_min_age{900'000};
  std::filesystem::path staging_dir;               // local scratch for Parquet files
  // DuckDB threads for writing Parquet. The server's background exporter keeps to one so that it
  // never takes a core from ingestion; a one-shot export (the CLI) may use every core.
  int duckdb_threads = 1;
  // With a lease: how often the loop renews it (holder) or asks for it and re-reads the table
  // (the others). Well below the lease's time.
  std::chrono::milliseconds lease_check_interval{1000};
  // The longest wait after failed cycles (each failure doubles it from poll_interval).
  std::chrono::milliseconds retry_backoff_max{30'000};
};

struct ExportStatus {
  int64_t watermark = 0;               // highest store seq in the table
  std::optional<int64_t> snapshot_id;  // current snapshot
  int64_t snapshot_timestamp_ms = 0;
  int64_t total_records = 0;
  int64_t total_data_files = 0;
  int64_t snapshots_committed = 0;     // by this process
  int64_t trades_exported = 0;         // by this process
  std::string last_error;              // of the last failed cycle; empty after a success
};

struct ExportCycle {
  int64_t trades = 0;      // exported by this cycle (0: nothing was pending)
  int64_t data_files = 0;
  int64_t watermark = 0;   // after the cycle
  // The first business date's file is written while the store is read, so the two overlap:
  int64_t read_ms = 0;     // from the start to the end of the store scan
  int64_t write_ms = 0;    // after the scan: the rest of the Parquet files, manifest and
                           // manifest list written and stored
  int64_t commit_ms = 0;   // metadata file written and the catalog swapped
};

class Exporter {
 public:
  Exporter(store::TradeStore& store, iceberg::Catalog& catalog, ObjectStore& objects, engine::Connection& duckdb,
           ExporterConfig config);
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Creates the namespace and the table if absent and reads the watermark. With
  // remove_orphans it also deletes files a crashed export left behind: only the table's one
  // background writer (the server, at start, before exporting) may do that, since another
  // process's export in flight would look the same.
  Status Open(bool remove_orphans);
  // Exports everything pending (at most max_snapshot_trades) as one snapshot.
  Result<ExportCycle> ExportOnce();

  // Exports only while holding `lease` (borrowed; outlives the exporter). Before Start.
  void UseLease(store::WorkLease* lease) { lease_ = lease; }
  void Start();
  void Stop();
  // Asks the background loop to export whatever is pending at its next poll, without waiting
  // for the flush interval. Returns at once.
  void RequestExport();
  ExportStatus status() const;

 private:
  void Loop();
  // Are at least flush_trades trades waiting above the watermark?
  bool EnoughPending(int64_t watermark, int64_t last_seq);
  // Deletes unreferenced files of the table last modified more than `min_age` ago.
  Status RemoveOrphans(const iceberg::LoadedTable& table, std::chrono::milliseconds min_age);
  void Record(const Result<ExportCycle>& cycle);
  // Holds the lease (or has none to hold)? Asks the lease at most every lease_check_interval.
  bool HoldsLease(bool requested);
  // The table's watermark and current snapshot into status_: another instance exports.
  Status ReloadStatus();
  void SetTableStatus(const iceberg::TableMetadata& metadata);

  store::TradeStore& store_;
  iceberg::Catalog& catalog_;
  ObjectStore& objects_;
  engine::Connection& duckdb_;
  ExporterConfig config_;
  store::WorkLease* lease_ = nullptr;  // null: this exporter is the table's only writer
  bool holding_ = false;               // loop thread only: the lease's last answer
  std::chrono::steady_clock::time_point next_lease_check_{};  // loop thread only

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  bool export_requested_ = false;  // guarded by mutex_
  ExportStatus status_;    // guarded by mutex_
  std::thread thread_;
};

}  // namespace tradeagg::lake
