// SqliteTradeStore: the embedded default TradeStore, one SQLite database file.
//
// Durability: journal_mode=WAL, and synchronous=FULL on the writing connection, so a COMMIT
// returns only after the WAL is fsync'd. Append() is one transaction per call (the caller
// batches: group commit), which is what makes it the durability point promised by TradeStore.
//
// Schema (versioned with PRAGMA user_version; Open() applies pending migrations in order and
// refuses a file written by a newer build):
//   trades(seq INTEGER PRIMARY KEY, participant, trade_id, counterparty, instrument, side,
//          quantity, price, notional, currency, trade_time, received_at, business_date)
//     UNIQUE(participant, trade_id) is the only secondary index: every index is paid for on the
//     hot path. Decimals are exact text (Decimal::ToString form), times UTC microseconds, dates
//     days since 1970-01-01, side 0 = BUY / 1 = SELL.
//
// Seqs: assigned here, consecutive in commit order (dense: a stronger promise than TradeStore's,
// which callers must not rely on). The last seq is kept in memory (loaded at
// Open) and given back when a request or a call is rolled back, so rolled-back work leaves no
// gap; after a failure whose effect is uncertain it is re-read from the file in the next
// transaction.
//
// Append() details beyond the TradeStore contract:
// - The idempotency rules are AppendPlan's; this store inserts each trade first and asks the
//   plan only about keys the insert found taken.
// - A conflict undoes only its request: the rows the request inserted (the seq range above the
//   last seq before it) are deleted again inside the transaction. (A SAVEPOINT per request does
//   the same but halved the insert rate of multi-trade requests.) A duplicate inside the same
//   request or call is seen (the first copy is visible to the second), and reported with the
//   first copy's seq.
// - outcomes, seqs and business_dates are resized to trades.size(); trades[i].seq is set for
//   accepted trades and left 0 otherwise. For a request rolled back on a conflict, only
//   conflict_index (and outcomes[conflict_index] == kConflict) is meaningful and every seq is 0.
// - On a non-OK status every trades[i].seq is 0 again. kUnavailable: a lock or I/O problem and
//   nothing was committed. kStateUnknown: COMMIT itself failed with an I/O error. kInternal:
//   corrupt data or a broken invariant (e.g. another process wrote seqs); nothing committed.
// - Fault point "store.append.before_commit" (core/fault_injector.h) fails a call just before
//   COMMIT, exactly like a commit that did not happen (rollback, kUnavailable).
//
// Reads: ListTrades walks seq order from the after_seq cursor and filters as it goes (there is
// no index on participant, date or instrument on purpose), so a page costs the rows it skips.
// ListTrades needs limit >= 1 (kInvalidArgument otherwise); next_after_seq is set only when
// another matching row exists.
//
// Thread safety: all methods may be called from any thread. Append writes on one read-write
// connection under a mutex. Reads use a small pool of read-only connections, one thread per
// connection at a time; WAL lets them read the last committed state while a write transaction
// is open. ScanTrades calls `visit` while it holds a
// read connection and an open read snapshot: visit may call the store (it gets another
// connection) but should be quick, because a long-open snapshot stops WAL checkpoints from
// completing. The store must outlive every call into it.
#pragma once

#include <cstdint>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/store/sqlite/sqlite_db.h"
#include "tradeagg/store/append_plan.h"
#include "tradeagg/store/sqlite/wal_checkpointer.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::store {

struct SqliteTradeStoreOptions {
  // How long a connection waits for a lock held by another connection before kUnavailable.
  int busy_timeout_ms = 5000;
  // WAL checkpoints run on their own thread at this interval (see wal_checkpointer.h).
  std::chrono::milliseconds checkpoint_interval{250};
  // The writer's page cache: large enough that the (participant, trade_id) index of a busy
  // day stays in memory. Negative: KiB, as SQLite's cache_size pragma.
  int64_t writer_cache_kib = 256 * 1024;
  // Keep trade_dates (DateTotals) at every append. Off only to measure what it costs
  // (bench/business_date_index.sh): DateTotals is then wrong.
  bool maintain_date_totals = true;
};

class SqliteTradeStore final : public TradeStore {
 public:
  // Opens or creates the database at `db_path` (and its parent directories), switches it to
  // WAL, and brings the schema up to date.
  static Result<std::unique_ptr<SqliteTradeStore>> Open(const std::filesystem::path& db_path);
  static Result<std::unique_ptr<SqliteTradeStore>> Open(const std::filesystem::path& db_path,
                                                        const SqliteTradeStoreOptions& options);

  ~SqliteTradeStore() override;
  SqliteTradeStore(const SqliteTradeStore&) = delete;
  SqliteTradeStore& operator=(const SqliteTradeStore&) = delete;

  // The schema version this build writes (PRAGMA user_version).
  static int64_t SchemaVersion();

  Status Append(std::span<AppendRequest* const> requests) override;

  Result<std::optional<domain::Trade>> FindTrade(std::string_view participant,
                                                  std::string_view trade_id) override;
  Result<TradePage> ListTrades(const TradeQuery& query) override;
  Status ScanTrades(int64_t after_seq, size_t limit,
                    const std::function<void(const domain::Trade&)>& visit) override;
  Result<int64_t> LastSeq() override;
  Result<int64_t> CountTrades(int64_t after_seq, int64_t through_seq) override;
  Result<DateTradeCount> DateTotals(Date business_date) override;

 private:
  struct Reader;  // a read-only connection with its prepared statements
  struct ReaderReturn {
    SqliteTradeStore* store;
    void operator()(Reader* reader) const;
  };
  using ReaderLease = std::unique_ptr<Reader, ReaderReturn>;

  SqliteTradeStore(std::filesystem::path db_path, SqliteTradeStoreOptions options, SqliteDb writer);

  Status PrepareWriterStatements();
  Result<std::unique_ptr<Reader>> OpenReader() const;
  Result<ReaderLease> AcquireReader();
  void ReleaseReader(Reader* reader);

  // Writer side; every *Locked method requires writer_mutex_.
  Status RecoverWriterLocked();
  // Request `request` (index r of the call) under `plan`; on a conflict it undoes the rows the
  // request inserted.
  Status AppendRequestLocked(AppendPlan& plan, AppendRequest& request, size_t r);
  Status UndoRowsLocked(int64_t after_seq, int64_t expected_rows);
  Result<bool> InsertTradeLocked(const domain::Trade& trade, int64_t seq);
  Status LoadStoredTradeLocked(const domain::Trade& trade);
  Status AbortAppendLocked(std::span<AppendRequest* const> requests, int64_t seq_before,
                           Status cause);
  // Adds the call's accepted trades to trade_dates, one upsert per business date.
  Status AddDateTotalsLocked(std::span<AppendRequest* const> requests);

  const std::filesystem::path db_path_;
  const SqliteTradeStoreOptions options_;

  std::mutex writer_mutex_;
  SqliteDb writer_;
  SqliteStatement begin_;
  SqliteStatement commit_;
  SqliteStatement rollback_;
  SqliteStatement delete_trades_after_;
  SqliteStatement insert_trade_;
  SqliteStatement find_trade_for_write_;
  SqliteStatement max_seq_;
  SqliteStatement add_date_totals_;
  int64_t last_seq_ = 0;          // highest seq committed or assigned in the open transaction
  bool last_seq_stale_ = false;   // re-read last_seq_ from the file before assigning seqs
  domain::Trade stored_;          // scratch for duplicate checks, reused to avoid allocations
  std::vector<std::pair<Date, DateTradeCount>> date_totals_;  // scratch for AddDateTotalsLocked

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Reader>> idle_readers_;

  // Last member: stopped first, before the connections it shares the file with close.
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace tradeagg::store
