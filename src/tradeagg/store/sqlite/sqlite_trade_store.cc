#include "tradeagg/store/sqlite/sqlite_trade_store.h"

#include <algorithm>
#include <array>
#include <climits>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/store/append_plan.h"
#include "tradeagg/store/sqlite/schema.h"

namespace tradeagg::store {

namespace {

// Keep more idle read connections than this and the extra ones are closed when returned.
constexpr size_t kMaxIdleReaders = 4;

// Column order shared by every trade SELECT and by ReadTradeRow.
#define TRADE_COLUMNS                                                                       \
  "seq, participant, trade_id, counterparty, instrument, side, quantity, price, notional, " \
  "currency, trade_time, received_at, business_date"

constexpr std::string_view kInsertTradeSql =
    "INSERT INTO trades (" TRADE_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    " ON CONFLICT (participant, trade_id) DO NOTHING";
constexpr std::string_view kFindTradeSql =
    "SELECT " TRADE_COLUMNS " FROM trades WHERE participant = ?1 AND trade_id = ?2";
// One statement for every filter combination: an absent filter is bound as NULL. The plan is a
// rowid range scan from the cursor in seq order, which the LIMIT stops early.
constexpr std::string_view kListTradesSql =
    "SELECT " TRADE_COLUMNS " FROM trades WHERE seq > ?1"
    " AND (?2 IS NULL OR participant = ?2)"
    " AND (?3 IS NULL OR business_date = ?3)"
    " AND (?4 IS NULL OR instrument = ?4)"
    " ORDER BY seq LIMIT ?5";
constexpr std::string_view kScanTradesSql =
    "SELECT " TRADE_COLUMNS " FROM trades WHERE seq > ?1 ORDER BY seq LIMIT ?2";
constexpr std::string_view kDeleteTradesAfterSql = "DELETE FROM trades WHERE seq > ?1";
constexpr std::string_view kMaxSeqSql = "SELECT COALESCE(MAX(seq), 0) FROM trades";
constexpr std::string_view kCountTradesSql = "SELECT COUNT(*) FROM trades WHERE seq > ?1 AND seq <= ?2";
constexpr std::string_view kAddDateTotalsSql =
    "INSERT INTO trade_dates (business_date, trades, last_seq) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (business_date) DO UPDATE SET trades = trades + excluded.trades,"
    " last_seq = MAX(last_seq, excluded.last_seq)";
constexpr std::string_view kDateTotalsSql = "SELECT trades, last_seq FROM trade_dates WHERE business_date = ?1";

#undef TRADE_COLUMNS

// --- decimals as text, without allocating on the insert path ---

// Longest Decimal text: '-', 31 integer digits (|units| < 2^127 ~ 1.7e38, so < 1.7e30 whole
// units), '.', 8 fractional digits.
constexpr size_t kDecimalTextCapacity = 48;
using DecimalBuffer = std::array<char, kDecimalTextCapacity>;

// Writes exactly what Decimal::ToString() writes (shortest exact text) into `buffer`, right
// aligned, and returns a view of it.
std::string_view FormatDecimal(Decimal value, DecimalBuffer& buffer) {
  const int128 units = value.units();
  const bool negative = units < 0;
  // Negate as unsigned so the most negative value is handled too.
  const uint128 magnitude = negative ? -static_cast<uint128>(units) : static_cast<uint128>(units);
  uint128 whole = magnitude / static_cast<uint128>(Decimal::kOne);
  auto fraction = static_cast<uint32_t>(magnitude % static_cast<uint128>(Decimal::kOne));

  char* const end = buffer.data() + buffer.size();
  char* p = end;
  if (fraction != 0) {
    int digits = Decimal::kScale;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --digits;
    }
    for (int i = 0; i < digits; ++i) {
      *--p = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    *--p = '.';
  }
  // Prices and notionals fit in 64 bits; 128-bit division is only for the rare giant.
  while (whole > UINT64_MAX) {
    *--p = static_cast<char>('0' + static_cast<int>(whole % 10));
    whole /= 10;
  }
  auto small = static_cast<uint64_t>(whole);
  do {
    *--p = static_cast<char>('0' + small % 10);
    small /= 10;
  } while (small != 0);
  if (negative) *--p = '-';
  return {p, static_cast<size_t>(end - p)};
}

// --- row decoding ---

Status CorruptRow(std::string_view table, int64_t key, std::string_view column, std::string_view why) {
  return Status::Internal("corrupt " + std::string(table) + " row " + std::to_string(key) + ": " +
                          std::string(column) + " " + std::string(why));
}

// Reads the current row (TRADE_COLUMNS order) into `trade`, reusing its string capacity.
Status ReadTradeRow(const SqliteStatement& row, domain::Trade& trade) {
  trade.seq = row.ColumnInt64(0);
  trade.participant.assign(row.ColumnText(1));
  trade.trade_id.assign(row.ColumnText(2));
  trade.counterparty.assign(row.ColumnText(3));
  trade.instrument.assign(row.ColumnText(4));
  const int64_t side = row.ColumnInt64(5);
  if (side != 0 && side != 1) return CorruptRow("trades", trade.seq, "side", "is not 0 or 1");
  trade.side = static_cast<domain::Side>(side);
  trade.quantity = row.ColumnInt64(6);
  Result<Decimal> price = Decimal::Parse(row.ColumnText(7));
  if (!price.ok()) return CorruptRow("trades", trade.seq, "price", price.status().message());
  trade.price = *price;
  Result<Decimal> notional = Decimal::Parse(row.ColumnText(8));
  if (!notional.ok()) return CorruptRow("trades", trade.seq, "notional", notional.status().message());
  trade.notional = *notional;
  trade.currency.assign(row.ColumnText(9));
  trade.trade_time = Timestamp::FromMicros(row.ColumnInt64(10));
  trade.received_at = Timestamp::FromMicros(row.ColumnInt64(11));
  const int64_t days = row.ColumnInt64(12);
  if (days < INT32_MIN || days > INT32_MAX) {
    return CorruptRow("trades", trade.seq, "business_date", "is out of range");
  }
  trade.business_date = Date::FromDays(static_cast<int32_t>(days));
  trade.trade_time_defaulted = false;  // not stored: only meaningful for an incoming trade
  return Status::Ok();
}


// SQLite takes LIMIT as a signed 64-bit value.
int64_t SaturatingLimit(size_t limit) {
  return limit >= static_cast<size_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(limit);
}

// --- opening ---

Status ConfigureConnection(SqliteDb& db) {
  // synchronous is per connection: FULL makes every COMMIT fsync the WAL.
  return db.Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
}

// Inside Append every failure leaves the call uncommitted; a constraint error there can only
// mean our seq counter disagrees with the file, which is a broken invariant, not a conflict.
Status AsAppendFailure(Status status) {
  if (status.ok() || status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kInternal) {
    return status;
  }
  return Status::Internal("append: " + status.message());
}

void ClearSeqs(std::span<AppendRequest* const> requests) {
  for (AppendRequest* request : requests) {
    for (domain::Trade& trade : request->trades) trade.seq = 0;
  }
}

}  // namespace

// A read-only connection and its statements; used by one thread at a time (see AcquireReader).
struct SqliteTradeStore::Reader {
  SqliteDb db;
  SqliteStatement date_totals;
  SqliteStatement find_trade;
  SqliteStatement list_trades;
  SqliteStatement scan_trades;
  SqliteStatement max_seq;
  SqliteStatement count_trades;
};

void SqliteTradeStore::ReaderReturn::operator()(Reader* reader) const { store->ReleaseReader(reader); }

SqliteTradeStore::SqliteTradeStore(std::filesystem::path db_path, SqliteTradeStoreOptions options,
                                   SqliteDb writer)
    : db_path_(std::move(db_path)), options_(options), writer_(std::move(writer)) {}

SqliteTradeStore::~SqliteTradeStore() = default;

int64_t SqliteTradeStore::SchemaVersion() { return CurrentSchemaVersion(); }

Result<std::unique_ptr<SqliteTradeStore>> SqliteTradeStore::Open(const std::filesystem::path& db_path) {
  return Open(db_path, SqliteTradeStoreOptions{});
}

Result<std::unique_ptr<SqliteTradeStore>> SqliteTradeStore::Open(const std::filesystem::path& db_path,
                                                                 const SqliteTradeStoreOptions& options) {
  if (db_path.empty()) return Status::InvalidArgument("the SQLite database path is empty");
  if (db_path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(db_path.parent_path(), error);
    if (error) {
      return Status::Unavailable("create directory " + db_path.parent_path().string() + ": " +
                                 error.message());
    }
  }
  ASSIGN_OR_RETURN(SqliteDb writer,
                   SqliteDb::Open(db_path, SqliteDb::Mode::kReadWriteCreate, options.busy_timeout_ms));
  TRY(EnableWal(writer));
  TRY(ConfigureConnection(writer));
  TRY(MigrateSchema(writer));
  // Checkpoints are the WalCheckpointer's job, off the commit path.
  TRY(writer.Exec("PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -" +
                  std::to_string(options.writer_cache_kib)));

  std::unique_ptr<SqliteTradeStore> store(new SqliteTradeStore(db_path, options, std::move(writer)));
  TRY(store->PrepareWriterStatements());
  ASSIGN_OR_RETURN(store->last_seq_, store->writer_.QueryInt64(kMaxSeqSql));
  // Open the first reader now so that a setup that cannot read fails at start, not later.
  ASSIGN_OR_RETURN(std::unique_ptr<Reader> reader, store->OpenReader());
  store->idle_readers_.push_back(std::move(reader));
  ASSIGN_OR_RETURN(store->checkpointer_, WalCheckpointer::Start(db_path, options.checkpoint_interval));
  return store;
}

Status SqliteTradeStore::PrepareWriterStatements() {
  ASSIGN_OR_RETURN(begin_, writer_.Prepare("BEGIN IMMEDIATE"));
  ASSIGN_OR_RETURN(commit_, writer_.Prepare("COMMIT"));
  ASSIGN_OR_RETURN(rollback_, writer_.Prepare("ROLLBACK"));
  ASSIGN_OR_RETURN(delete_trades_after_, writer_.Prepare(kDeleteTradesAfterSql));
  ASSIGN_OR_RETURN(insert_trade_, writer_.Prepare(kInsertTradeSql));
  ASSIGN_OR_RETURN(find_trade_for_write_, writer_.Prepare(kFindTradeSql));
  ASSIGN_OR_RETURN(max_seq_, writer_.Prepare(kMaxSeqSql));
  ASSIGN_OR_RETURN(add_date_totals_, writer_.Prepare(kAddDateTotalsSql));
  return Status::Ok();
}

// --- read connections ---

Result<std::unique_ptr<SqliteTradeStore::Reader>> SqliteTradeStore::OpenReader() const {
  auto reader = std::make_unique<Reader>();
  ASSIGN_OR_RETURN(reader->db,
                   SqliteDb::Open(db_path_, SqliteDb::Mode::kReadOnly, options_.busy_timeout_ms));
  ASSIGN_OR_RETURN(reader->find_trade, reader->db.Prepare(kFindTradeSql));
  ASSIGN_OR_RETURN(reader->list_trades, reader->db.Prepare(kListTradesSql));
  ASSIGN_OR_RETURN(reader->scan_trades, reader->db.Prepare(kScanTradesSql));
  ASSIGN_OR_RETURN(reader->max_seq, reader->db.Prepare(kMaxSeqSql));
  ASSIGN_OR_RETURN(reader->date_totals, reader->db.Prepare(kDateTotalsSql));
  ASSIGN_OR_RETURN(reader->count_trades, reader->db.Prepare(kCountTradesSql));
  return reader;
}

Result<SqliteTradeStore::ReaderLease> SqliteTradeStore::AcquireReader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      Reader* reader = idle_readers_.back().release();
      idle_readers_.pop_back();
      return ReaderLease(reader, ReaderReturn{this});
    }
  }
  // Every pooled connection is busy: open another (outside the lock; it touches the file).
  ASSIGN_OR_RETURN(std::unique_ptr<Reader> reader, OpenReader());
  return ReaderLease(reader.release(), ReaderReturn{this});
}

void SqliteTradeStore::ReleaseReader(Reader* reader) {
  std::unique_ptr<Reader> owned(reader);
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(owned));
}

// --- Append ---

Status SqliteTradeStore::RecoverWriterLocked() {
  // A transaction can be left open only if a ROLLBACK failed earlier; end it before going on.
  if (writer_.in_transaction()) {
    TRY(rollback_.Run());
    last_seq_stale_ = true;
  }
  return Status::Ok();
}

Status SqliteTradeStore::Append(std::span<AppendRequest* const> requests) {
  std::lock_guard lock(writer_mutex_);
  size_t trade_count = 0;
  for (const AppendRequest* request : requests) trade_count += request->trades.size();
  if (trade_count == 0) {
    const AppendPlan sized(requests, last_seq_);  // sizes the out fields, decides nothing
    return Status::Ok();
  }
  ClearSeqs(requests);

  TRY(AsAppendFailure(RecoverWriterLocked()));
  // IMMEDIATE takes the write lock now, so nothing later in the transaction waits for it.
  TRY(AsAppendFailure(begin_.Run()));
  if (last_seq_stale_) {
    // Inside the write transaction, so the value cannot move before we use it.
    Result<bool> row = max_seq_.Step();
    if (row.ok() && *row) last_seq_ = max_seq_.ColumnInt64(0);
    max_seq_.Reset();
    if (!row.ok()) return AbortAppendLocked(requests, last_seq_, row.status());
    last_seq_stale_ = false;
  }
  const int64_t seq_before = last_seq_;
  AppendPlan plan(requests, last_seq_, AppendPlan::Numbering::kDense, AppendPlan::Lookup::kIncludesCall);
  for (size_t r = 0; r < requests.size(); ++r) {
    Status status = AppendRequestLocked(plan, *requests[r], r);
    if (!status.ok()) return AbortAppendLocked(requests, seq_before, status);
  }
  last_seq_ = plan.last_seq();
  if (options_.maintain_date_totals) {
    Status counted = AddDateTotalsLocked(requests);
    if (!counted.ok()) return AbortAppendLocked(requests, seq_before, counted);
  }

  // Test hook: fails the call exactly like a COMMIT that did not happen (rollback, seqs given
  // back, kUnavailable), so tests can drive the failure path of a real transaction.
  if (Fault("store.append.before_commit")) {
    return AbortAppendLocked(requests, seq_before,
                             Status::Unavailable("injected fault: store.append.before_commit"));
  }
  Result<bool> committed = commit_.Step();
  const int commit_rc = committed.ok() ? 0 : writer_.last_error_code();
  commit_.Reset();
  if (committed.ok()) return Status::Ok();
  if (SqliteDb::IsIoError(commit_rc)) {
    // The WAL frames may or may not have reached the disk: only a re-read can tell.
    Status abort = AbortAppendLocked(requests, seq_before, committed.status());
    last_seq_stale_ = true;
    return Status::StateUnknown(abort.message());
  }
  return AbortAppendLocked(requests, seq_before, committed.status());
}

Status SqliteTradeStore::AbortAppendLocked(std::span<AppendRequest* const> requests,
                                           int64_t seq_before, Status cause) {
  ClearSeqs(requests);
  last_seq_ = seq_before;
  Status status = AsAppendFailure(std::move(cause));
  // SQLite ends the transaction by itself after some errors; ROLLBACK only one still open.
  if (writer_.in_transaction()) {
    Status rollback = rollback_.Run();
    if (!rollback.ok()) {
      last_seq_stale_ = true;  // we no longer know what the open transaction holds
      return Status(status.code(), status.message() + "; rollback failed: " + rollback.message());
    }
  }
  return status;
}

Status SqliteTradeStore::AddDateTotalsLocked(std::span<AppendRequest* const> requests) {
  // A call holds a few dates (the current one, now and then a late one): a flat list beats a map.
  date_totals_.clear();
  for (const AppendRequest* request : requests) {
    if (request->conflict_index) continue;  // undone
    for (size_t i = 0; i < request->trades.size(); ++i) {
      if (request->outcomes[i] != AppendOutcome::kAccepted) continue;
      const Date date = request->business_dates[i];
      auto it = std::find_if(date_totals_.begin(), date_totals_.end(), [&](const auto& d) { return d.first == date; });
      if (it == date_totals_.end()) it = date_totals_.insert(date_totals_.end(), {date, DateTradeCount{}});
      ++it->second.trades;
      it->second.last_seq = std::max(it->second.last_seq, request->seqs[i]);
    }
  }
  for (const auto& [date, totals] : date_totals_) {
    add_date_totals_.BindInt64(1, date.days());
    add_date_totals_.BindInt64(2, totals.trades);
    add_date_totals_.BindInt64(3, totals.last_seq);
    TRY(add_date_totals_.Run());
  }
  return Status::Ok();
}

// Insert first, ask the plan after: the unique (participant, trade_id) index answers whether
// the key is free in the same B-tree probe that inserts, so a fresh trade (nearly all of them)
// costs one statement; only a taken key is read back for the plan to compare.
Status SqliteTradeStore::AppendRequestLocked(AppendPlan& plan, AppendRequest& request, size_t r) {
  int64_t inserted_rows = 0;
  for (size_t i = 0; i < request.trades.size(); ++i) {
    const domain::Trade& trade = request.trades[i];
    ASSIGN_OR_RETURN(bool inserted, InsertTradeLocked(trade, plan.last_seq() + 1));
    const domain::Trade* stored = nullptr;
    if (!inserted) {
      // The key is taken: stored before this call, or by an earlier trade of it; the row read
      // here is the holder either way (an undone request's rows are deleted again).
      TRY(LoadStoredTradeLocked(trade));
      stored = &stored_;
    }
    const AppendPlan::Decision decision = plan.Decide(r, i, stored);
    if (inserted != (decision == AppendPlan::Decision::kInsert)) {
      return Status::Internal("append: the file and the plan disagree on whether (" + trade.participant + ", " +
                              trade.trade_id + ") is free");
    }
    if (decision == AppendPlan::Decision::kInsert) ++inserted_rows;
    if (decision == AppendPlan::Decision::kConflict) return UndoRowsLocked(plan.undo_after_seq(), inserted_rows);
  }
  return Status::Ok();
}

Status SqliteTradeStore::UndoRowsLocked(int64_t after_seq, int64_t expected_rows) {
  // The request's inserts are exactly the rows above after_seq: seqs are consecutive, the
  // request is the last thing this transaction wrote, and nobody else writes. Deleting that
  // rowid range replaces a SAVEPOINT per request, which measured at half the insert rate
  // (every savepoint journals the pages it touches again); a conflict is rare, a request
  // is not.
  if (expected_rows == 0) return Status::Ok();
  delete_trades_after_.BindInt64(1, after_seq);
  TRY(delete_trades_after_.Run());
  if (writer_.changes() != expected_rows) {
    return Status::Internal("append: undoing a conflicted request deleted " + std::to_string(writer_.changes()) +
                            " rows, expected " + std::to_string(expected_rows));
  }
  return Status::Ok();
}

Result<bool> SqliteTradeStore::InsertTradeLocked(const domain::Trade& trade, int64_t seq) {
  SqliteStatement& insert = insert_trade_;
  SqliteStatement::ResetGuard reset(insert);
  // Bound without copies: the buffers and the trade outlive the step.
  DecimalBuffer price_text;
  DecimalBuffer notional_text;
  insert.BindInt64(1, seq);
  insert.BindText(2, trade.participant);
  insert.BindText(3, trade.trade_id);
  insert.BindText(4, trade.counterparty);
  insert.BindText(5, trade.instrument);
  insert.BindInt64(6, static_cast<int64_t>(trade.side));
  insert.BindInt64(7, trade.quantity);
  insert.BindText(8, FormatDecimal(trade.price, price_text));
  insert.BindText(9, FormatDecimal(trade.notional, notional_text));
  insert.BindText(10, trade.currency);
  insert.BindInt64(11, trade.trade_time.micros());
  insert.BindInt64(12, trade.received_at.micros());
  insert.BindInt64(13, trade.business_date.days());
  ASSIGN_OR_RETURN(bool row, insert.Step());
  (void)row;  // an INSERT without RETURNING yields no row
  // ON CONFLICT DO NOTHING completes with no change when the key is taken.
  return writer_.changes() == 1;
}

Status SqliteTradeStore::LoadStoredTradeLocked(const domain::Trade& trade) {
  SqliteStatement& find = find_trade_for_write_;
  SqliteStatement::ResetGuard reset(find);
  find.BindText(1, trade.participant);
  find.BindText(2, trade.trade_id);
  ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) {
    return Status::Internal("append: (" + trade.participant + ", " + trade.trade_id +
                            ") was reported taken but cannot be read back");
  }
  return ReadTradeRow(find, stored_);
}

// --- trade reads ---

Result<std::optional<domain::Trade>> SqliteTradeStore::FindTrade(std::string_view participant,
                                                                  std::string_view trade_id) {
  ASSIGN_OR_RETURN(ReaderLease reader, AcquireReader());
  SqliteStatement& find = reader->find_trade;
  SqliteStatement::ResetGuard reset(find);
  find.BindText(1, participant);
  find.BindText(2, trade_id);
  ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return std::optional<domain::Trade>();
  domain::Trade trade;
  TRY(ReadTradeRow(find, trade));
  return std::optional<domain::Trade>(std::move(trade));
}

Result<TradePage> SqliteTradeStore::ListTrades(const TradeQuery& query) {
  if (query.limit == 0) return Status::InvalidArgument("limit must be at least 1");
  ASSIGN_OR_RETURN(ReaderLease reader, AcquireReader());
  SqliteStatement& list = reader->list_trades;
  SqliteStatement::ResetGuard reset(list);
  list.BindInt64(1, query.after_seq);
  if (query.participant) list.BindText(2, *query.participant); else list.BindNull(2);
  if (query.business_date) list.BindInt64(3, query.business_date->days()); else list.BindNull(3);
  if (query.instrument) list.BindText(4, *query.instrument); else list.BindNull(4);
  // One row more than asked tells whether another page exists.
  const int64_t limit = SaturatingLimit(query.limit);
  list.BindInt64(5, limit == INT64_MAX ? limit : limit + 1);

  TradePage page;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    if (page.trades.size() == query.limit) {
      page.next_after_seq = page.trades.back().seq;
      break;
    }
    TRY(ReadTradeRow(list, page.trades.emplace_back()));
  }
  return page;
}

Status SqliteTradeStore::ScanTrades(int64_t after_seq, size_t limit,
                                    const std::function<void(const domain::Trade&)>& visit) {
  ASSIGN_OR_RETURN(ReaderLease reader, AcquireReader());
  SqliteStatement& scan = reader->scan_trades;
  SqliteStatement::ResetGuard reset(scan);
  scan.BindInt64(1, after_seq);
  scan.BindInt64(2, limit == 0 ? -1 : SaturatingLimit(limit));  // a negative LIMIT is no limit
  domain::Trade trade;  // reused for every row so its strings keep their capacity
  while (true) {
    ASSIGN_OR_RETURN(bool row, scan.Step());
    if (!row) return Status::Ok();
    TRY(ReadTradeRow(scan, trade));
    visit(trade);
  }
}

Result<int64_t> SqliteTradeStore::LastSeq() {
  // From the file rather than last_seq_: a reader must see committed seqs only.
  ASSIGN_OR_RETURN(ReaderLease reader, AcquireReader());
  SqliteStatement& max_seq = reader->max_seq;
  SqliteStatement::ResetGuard reset(max_seq);
  ASSIGN_OR_RETURN(bool row, max_seq.Step());
  return row ? max_seq.ColumnInt64(0) : int64_t{0};
}

Result<int64_t> SqliteTradeStore::CountTrades(int64_t after_seq, int64_t through_seq) {
  if (through_seq <= after_seq) return int64_t{0};
  ASSIGN_OR_RETURN(ReaderLease reader, AcquireReader());
  SqliteStatement& count = reader->count_trades;
  SqliteStatement::ResetGuard reset(count);
  count.BindInt64(1, after_seq);
  count.BindInt64(2, through_seq);
  ASSIGN_OR_RETURN(bool row, count.Step());
  return row ? count.ColumnInt64(0) : int64_t{0};
}

Result<DateTradeCount> SqliteTradeStore::DateTotals(Date business_date) {
  ASSIGN_OR_RETURN(ReaderLease reader, AcquireReader());
  SqliteStatement& query = reader->date_totals;
  SqliteStatement::ResetGuard reset(query);
  query.BindInt64(1, business_date.days());
  ASSIGN_OR_RETURN(bool row, query.Step());
  if (!row) return DateTradeCount{};
  return DateTradeCount{query.ColumnInt64(0), query.ColumnInt64(1)};
}

}  // namespace tradeagg::store
