// WalCheckpointer: moves WAL checkpoints off the commit path.
//
// SQLite's automatic checkpoint runs inside whichever COMMIT pushes the WAL past its threshold,
// so one unlucky group commit pays for copying thousands of pages into the database file and
// an extra fsync: a latency spike for every request in that group, and a drag on throughput
// that grows with the table. The store turns automatic checkpoints off on its writer and this
// class runs PASSIVE checkpoints from its own connection and thread instead. PASSIVE never
// blocks the writer or readers; the writer restarts the WAL from the top once a checkpoint has
// copied everything, so the file stays bounded.
// Thread safety: construct and destroy from one thread; the work runs on its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "tradeagg/core/status.h"
#include "tradeagg/store/sqlite/sqlite_db.h"

namespace tradeagg::store {

class WalCheckpointer {
 public:
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::filesystem::path& db_path,
                                                        std::chrono::milliseconds interval);
  ~WalCheckpointer();  // stops the thread after one last checkpoint

 private:
  WalCheckpointer(SqliteDb db, std::chrono::milliseconds interval) : db_(std::move(db)), interval_(interval) {}
  void Run();
  void CheckpointOnce();

  SqliteDb db_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace tradeagg::store
