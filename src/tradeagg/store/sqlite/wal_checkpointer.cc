#include "tradeagg/store/sqlite/wal_checkpointer.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace tradeagg::store {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::filesystem::path& db_path,
                                                                std::chrono::milliseconds interval) {
  ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(db_path, SqliteDb::Mode::kReadWriteCreate, /*busy_timeout_ms=*/0));
  // The checkpoint's own fsync of the database file is what lets the WAL be reused safely.
  TRY(db.Exec("PRAGMA synchronous = FULL"));
  std::unique_ptr<WalCheckpointer> checkpointer(new WalCheckpointer(std::move(db), interval));
  checkpointer->thread_ = std::thread([raw = checkpointer.get()] {
    pthread_setname_np(pthread_self(), "wal-checkpoint");
    raw->Run();
  });
  return checkpointer;
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [&] { return stopping_; });
    lock.unlock();
    CheckpointOnce();
    lock.lock();
  }
}

void WalCheckpointer::CheckpointOnce() {
  int wal_frames = 0;
  int checkpointed = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &checkpointed);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    spdlog::warn("WAL checkpoint failed: {}", sqlite3_errstr(rc));
  }
}

}  // namespace tradeagg::store
