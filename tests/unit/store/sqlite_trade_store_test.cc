// What the SQLite store promises beyond the TradeStore contract (dense seqs, its schema and
// file, failures it can be made to have, WAL readers and checkpoints). The role's own rules are
// tested for every store by the contract suite (trade_store_contract_test.cc).
#include "tradeagg/store/sqlite/sqlite_trade_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "testing/temp_dir.h"
#include "testing/trade_builder.h"
#include "testing/trade_query_builder.h"
#include "tradeagg/core/fault_injector.h"
#include "tradeagg/store/sqlite/sqlite_db.h"

namespace tradeagg::store {
namespace {

using domain::Side;
using domain::Trade;

constexpr const char* kFaultPoint = "store.append.before_commit";

using testing::MakeTrade;
using testing::Query;
using testing::RequestOf;
using testing::SeqsOf;

Decimal D(std::string_view text) { return testing::Dec(text); }

const Date kDay1 = testing::kTradeDate;
const Date kDay2 = kDay1 + 1;

class SqliteTradeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_ / "nested" / "dir" / "trades.db";  // Open creates the parents
    Reopen();
  }

  void TearDown() override {
    FaultInjector::Global().Arm(kFaultPoint, 0);
    store_.reset();
  }

  void Reopen(SqliteTradeStoreOptions options = {}) {
    store_.reset();
    Result<std::unique_ptr<SqliteTradeStore>> opened = SqliteTradeStore::Open(path_, options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  Status Append(std::vector<AppendRequest*> requests) { return store_->Append(requests); }

  // Appends one single-request call and expects it to succeed.
  AppendRequest AppendOk(std::vector<Trade> trades) {
    AppendRequest request = RequestOf(std::move(trades));
    Status status = Append({&request});
    EXPECT_TRUE(status.ok()) << status.ToString();
    return request;
  }

  std::optional<Trade> Find(std::string_view participant, std::string_view trade_id) {
    Result<std::optional<Trade>> found = store_->FindTrade(participant, trade_id);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }

  int64_t LastSeq() {
    Result<int64_t> seq = store_->LastSeq();
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? *seq : -1;
  }

  std::vector<Trade> ScanAll() {
    std::vector<Trade> trades;
    Status status = store_->ScanTrades(0, 0, [&](const Trade& t) { trades.push_back(t); });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return trades;
  }

  // A second, independent connection to the same file, as another process would have.
  SqliteDb RawConnection() {
    Result<SqliteDb> db = SqliteDb::Open(path_, SqliteDb::Mode::kReadWriteCreate, 1000);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(db).value();
  }

  testing::TempDir dir_{"tradeagg-store-test"};
  std::filesystem::path path_;
  std::unique_ptr<SqliteTradeStore> store_;
};

// --- opening and schema ---

TEST_F(SqliteTradeStoreTest, OpenCreatesDirectoriesAndVersionedWalSchema) {
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(LastSeq(), 0);
  EXPECT_TRUE(ScanAll().empty());

  SqliteDb raw = RawConnection();
  EXPECT_EQ(*raw.QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*raw.QueryInt64("PRAGMA user_version"), SqliteTradeStore::SchemaVersion());
  // Every index costs on the hot path: the trades table has the unique idempotency key only
  // (each date's totals are kept per commit in trade_dates instead of a per-trade index).
  EXPECT_EQ(*raw.QueryInt64("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'trades'"), 1);
  EXPECT_EQ(*raw.QueryText("SELECT group_concat(name) FROM pragma_index_info("
                           "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'trades'))"),
            "participant,trade_id");
}

// trade_dates is written in the trades' transaction: a call that fails before COMMIT leaves the
// totals as they were (the rest of DateTotals is the contract suite's).
TEST_F(SqliteTradeStoreTest, DateTotalsAreUntouchedByAFailedCommit) {
  AppendOk({MakeTrade("ALPHA", "T1"), MakeTrade("ALPHA", "T2")});
  EXPECT_EQ(*store_->DateTotals(kDay1), (DateTradeCount{2, 2}));
  FaultInjector::Global().Arm(kFaultPoint, 1);
  AppendRequest lost = RequestOf({MakeTrade("ALPHA", "T-lost")});
  EXPECT_FALSE(Append({&lost}).ok());
  EXPECT_EQ(*store_->DateTotals(kDay1), (DateTradeCount{2, 2}));
  Reopen();
  EXPECT_EQ(*store_->DateTotals(kDay1), (DateTradeCount{2, 2}));
}

TEST_F(SqliteTradeStoreTest, ReopenKeepsSchemaVersion) {
  Reopen();
  Reopen();
  SqliteDb raw = RawConnection();
  EXPECT_EQ(*raw.QueryInt64("PRAGMA user_version"), SqliteTradeStore::SchemaVersion());
}

TEST_F(SqliteTradeStoreTest, RefusesSchemaFromNewerBuild) {
  store_.reset();
  {
    SqliteDb raw = RawConnection();
    ASSERT_TRUE(raw.Exec("PRAGMA user_version = 999").ok());
  }
  Result<std::unique_ptr<SqliteTradeStore>> opened = SqliteTradeStore::Open(path_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInternal);
  EXPECT_NE(opened.status().message().find("newer"), std::string::npos) << opened.status().message();
}

TEST_F(SqliteTradeStoreTest, OpenFailsWhenParentIsAFile) {
  std::filesystem::path file = dir_ / "plain-file";
  { std::FILE* f = std::fopen(file.c_str(), "w"); ASSERT_NE(f, nullptr); std::fclose(f); }
  Result<std::unique_ptr<SqliteTradeStore>> opened = SqliteTradeStore::Open(file / "trades.db");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
}

// --- the file's contents ---

TEST_F(SqliteTradeStoreTest, DecimalsAreStoredAsExactCanonicalText) {
  // That they round-trip is the contract suite's; here: the column holds Decimal::ToString's
  // text, never a REAL, also for values beyond what validation admits (the 128-bit formatting
  // path, integer parts of 2^64 and more, up to the 28 integer digits Decimal::Parse reads).
  const std::vector<Decimal> values = {
      D("0"), D("1"), D("-0.5"), D("0.00000001"), D("123.4"), D("1234.56789012"),
      D("99999999999999.99999999"), D("18446744073709551615.99999999"),
      D("18446744073709551616.00000001"), D("9999999999999999999999999999.99999999"),
      D("-9999999999999999999999999999.99999999"), D("-18446744073709551616"),
  };
  std::vector<Trade> trades;
  for (size_t i = 0; i < values.size(); ++i) {
    Trade t = MakeTrade("ALPHA", "D" + std::to_string(i));
    t.price = values[i];
    t.notional = values[values.size() - 1 - i];
    trades.push_back(t);
  }
  AppendOk(trades);

  SqliteDb raw = RawConnection();
  Result<SqliteStatement> select = raw.Prepare("SELECT price, notional, typeof(price) FROM trades ORDER BY seq");
  ASSERT_TRUE(select.ok());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(*select->Step());
    EXPECT_EQ(select->ColumnText(0), values[i].ToString());
    EXPECT_EQ(select->ColumnText(1), values[values.size() - 1 - i].ToString());
    EXPECT_EQ(select->ColumnText(2), "text");
  }
  select->Reset();
}

TEST_F(SqliteTradeStoreTest, SeqsAreConsecutiveAcrossCallsAndReopen) {
  AppendRequest first = AppendOk({MakeTrade("A", "1"), MakeTrade("A", "2"), MakeTrade("A", "3")});
  EXPECT_EQ(first.seqs, (std::vector<int64_t>{1, 2, 3}));

  AppendRequest r1 = RequestOf({MakeTrade("B", "1")});
  AppendRequest r2 = RequestOf({MakeTrade("C", "1"), MakeTrade("C", "2")});
  ASSERT_TRUE(Append({&r1, &r2}).ok());
  EXPECT_EQ(r1.seqs, (std::vector<int64_t>{4}));
  EXPECT_EQ(r2.seqs, (std::vector<int64_t>{5, 6}));

  Reopen();
  EXPECT_EQ(LastSeq(), 6);
  AppendRequest after = AppendOk({MakeTrade("A", "4")});
  EXPECT_EQ(after.seqs, (std::vector<int64_t>{7}));
  EXPECT_EQ(SeqsOf(ScanAll()), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
}

// --- seqs ---

// Dense seqs, a promise beyond the contract: a request undone on a conflict gives its seqs back,
// so the rest of its call and the next call go on without a gap, and a duplicate takes none.
TEST_F(SqliteTradeStoreTest, UndoneRequestsAndDuplicatesLeaveNoGaps) {
  AppendOk({MakeTrade("A", "X1")});  // seq 1

  Trade changed = MakeTrade("A", "X1");
  changed.quantity = 101;
  AppendRequest before = RequestOf({MakeTrade("B", "1")});
  AppendRequest conflicting = RequestOf({MakeTrade("A", "Y1"), MakeTrade("A", "Y2"), changed, MakeTrade("A", "Y3")});
  AppendRequest after = RequestOf({MakeTrade("C", "1"), MakeTrade("C", "2")});
  ASSERT_TRUE(Append({&before, &conflicting, &after}).ok());
  ASSERT_EQ(conflicting.conflict_index, std::optional<size_t>(2));
  EXPECT_EQ(before.seqs, (std::vector<int64_t>{2}));
  EXPECT_EQ(after.seqs, (std::vector<int64_t>{3, 4}));

  // A request undone after storing a new trade that a later request of the call stores afresh.
  Trade changed_c = MakeTrade("C", "1");
  changed_c.side = Side::kSell;
  AppendRequest undone = RequestOf({MakeTrade("D", "1"), changed_c});
  AppendRequest later = RequestOf({MakeTrade("D", "1")});
  ASSERT_TRUE(Append({&undone, &later}).ok());
  ASSERT_TRUE(undone.conflict_index.has_value());
  EXPECT_EQ(later.seqs, (std::vector<int64_t>{5}));

  // A conflict in the only request of a call: the next call starts where the last commit ended.
  AppendRequest alone = RequestOf({MakeTrade("E", "1"), changed});
  ASSERT_TRUE(Append({&alone}).ok());
  ASSERT_TRUE(alone.conflict_index.has_value());
  AppendRequest with_duplicate = AppendOk({MakeTrade("E", "1"), MakeTrade("D", "1"), MakeTrade("E", "2")});
  EXPECT_EQ(with_duplicate.seqs, (std::vector<int64_t>{6, 5, 7}));
  EXPECT_EQ(SeqsOf(ScanAll()), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(LastSeq(), 7);
}

// --- failures ---

TEST_F(SqliteTradeStoreTest, FailureBeforeCommitStoresNothingOfTheCall) {
  AppendOk({MakeTrade("A", "0")});
  FaultInjector::Global().Arm(kFaultPoint, 1);
  AppendRequest r1 = RequestOf({MakeTrade("A", "1"), MakeTrade("A", "2")});
  AppendRequest r2 = RequestOf({MakeTrade("B", "1"), MakeTrade("A", "0")});
  Status status = Append({&r1, &r2});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_EQ(SeqsOf(r1.trades), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(SeqsOf(r2.trades), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(LastSeq(), 1);
  EXPECT_FALSE(Find("A", "1").has_value());
  EXPECT_FALSE(Find("B", "1").has_value());

  // The retry is answered as if the failed call never happened.
  ASSERT_TRUE(Append({&r1, &r2}).ok());
  EXPECT_EQ(r1.seqs, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(r2.seqs, (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(r2.outcomes[1], AppendOutcome::kDuplicate);
}

TEST_F(SqliteTradeStoreTest, FailureMidTransactionRollsBackTheWholeCall) {
  {
    SqliteDb raw = RawConnection();
    ASSERT_TRUE(raw.Exec("CREATE TRIGGER boom BEFORE INSERT ON trades WHEN NEW.trade_id = 'BOOM' "
                         "BEGIN SELECT RAISE(ABORT, 'injected'); END")
                    .ok());
  }
  AppendRequest r1 = RequestOf({MakeTrade("A", "1")});
  AppendRequest r2 = RequestOf({MakeTrade("A", "2"), MakeTrade("A", "BOOM")});
  Status status = Append({&r1, &r2});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("injected"), std::string::npos) << status.ToString();
  EXPECT_EQ(SeqsOf(r1.trades), (std::vector<int64_t>{0}));
  EXPECT_EQ(LastSeq(), 0);
  EXPECT_TRUE(ScanAll().empty());

  AppendRequest next = AppendOk({MakeTrade("A", "1")});
  EXPECT_EQ(next.seqs, (std::vector<int64_t>{1}));
}

TEST_F(SqliteTradeStoreTest, LockedDatabaseIsUnavailableButReadable) {
  AppendOk({MakeTrade("A", "1")});
  Reopen(SqliteTradeStoreOptions{.busy_timeout_ms = 20});

  SqliteDb other = RawConnection();
  ASSERT_TRUE(other.Exec("BEGIN IMMEDIATE; DELETE FROM trades;").ok());  // holds the write lock

  AppendRequest request = RequestOf({MakeTrade("A", "2")});
  Status status = Append({&request});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_EQ(request.trades[0].seq, 0);

  // WAL: readers are not blocked by the writer and see the last committed state only.
  EXPECT_EQ(LastSeq(), 1);
  EXPECT_TRUE(Find("A", "1").has_value());

  ASSERT_TRUE(other.Exec("ROLLBACK").ok());
  ASSERT_TRUE(Append({&request}).ok());
  EXPECT_EQ(request.seqs, (std::vector<int64_t>{2}));
}

TEST_F(SqliteTradeStoreTest, CorruptRowIsInternalError) {
  AppendOk({MakeTrade("A", "1")});
  {
    SqliteDb raw = RawConnection();
    ASSERT_TRUE(raw.Exec("UPDATE trades SET price = '1e5' WHERE seq = 1").ok());
  }
  Result<std::optional<Trade>> found = store_->FindTrade("A", "1");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kInternal);
  // A duplicate check that reads the corrupt row fails the call rather than guessing.
  AppendRequest again = RequestOf({MakeTrade("A", "1")});
  EXPECT_EQ(Append({&again}).code(), StatusCode::kInternal);
}

// --- listing and scanning ---

class SqliteTradeStoreListTest : public SqliteTradeStoreTest {
 protected:
  void SetUp() override {
    SqliteTradeStoreTest::SetUp();
    // seq: participant / date / instrument
    //  1: A d1 I1   2: B d1 I1   3: A d2 I2   4: A d1 I2   5: B d2 I1   6: A d1 I1   7: C d1 I1
    const struct { const char* participant; Date date; const char* instrument; } rows[] = {
        {"A", kDay1, kI1}, {"B", kDay1, kI1}, {"A", kDay2, kI2}, {"A", kDay1, kI2},
        {"B", kDay2, kI1}, {"A", kDay1, kI1}, {"C", kDay1, kI1},
    };
    std::vector<Trade> trades;
    for (size_t i = 0; i < std::size(rows); ++i) {
      Trade t = MakeTrade(rows[i].participant, "T" + std::to_string(i + 1));
      t.business_date = rows[i].date;
      t.instrument = rows[i].instrument;
      trades.push_back(t);
    }
    AppendOk(trades);
  }

  TradePage List(TradeQuery query) {
    Result<TradePage> page = store_->ListTrades(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : TradePage{};
  }

  static constexpr const char* kI1 = "US0378331005";
  static constexpr const char* kI2 = "GB0002634946";
};

// The SQLite store looks one row ahead: next_after_seq is set only when another matching row
// exists (the contract only says "when more may follow").
TEST_F(SqliteTradeStoreListTest, NextPageIsAnnouncedOnlyWhenARowFollows) {
  TradePage page = List(Query().Participant("A").Limit(3));
  EXPECT_EQ(SeqsOf(page.trades), (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(page.next_after_seq, std::optional<int64_t>(4));
  page = List(Query().Participant("A").Limit(4));  // exactly `limit` rows left
  EXPECT_EQ(page.trades.size(), 4u);
  EXPECT_FALSE(page.next_after_seq.has_value());
  page = List(Query().Participant("A").After(4).Limit(3));
  EXPECT_EQ(SeqsOf(page.trades), (std::vector<int64_t>{6}));
  EXPECT_FALSE(page.next_after_seq.has_value());
}

TEST_F(SqliteTradeStoreListTest, ZeroLimitIsInvalid) {
  Result<TradePage> page = store_->ListTrades(Query().Limit(0));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteTradeStoreListTest, ScanVisitorMayUseTheStore) {
  // The visitor holds one read connection; the store hands the nested calls others, and the
  // scan keeps reading its own snapshot while a write commits.
  std::vector<int64_t> seen;
  Status status = store_->ScanTrades(0, 0, [&](const Trade& t) {
    seen.push_back(t.seq);
    EXPECT_TRUE(Find(t.participant, t.trade_id).has_value());
    if (t.seq == 1) AppendOk({MakeTrade("D", "late")});
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(LastSeq(), 8);
}

// --- concurrency ---

// Beyond the contract's stable point (its suite checks that for every store): here a reader
// sees whole calls only, which dense seqs make visible as multiples of the call size.
TEST_F(SqliteTradeStoreTest, ReadersRunWhileOneWriterAppends) {
  constexpr int kCalls = 40;
  constexpr int kTradesPerCall = 25;
  std::atomic<bool> done{false};
  std::atomic<int> read_errors{0};

  std::thread writer([&] {
    for (int c = 0; c < kCalls; ++c) {
      AppendRequest a = RequestOf({});
      AppendRequest b = RequestOf({});
      for (int i = 0; i < kTradesPerCall; ++i) {
        (i % 2 ? a : b).trades.push_back(MakeTrade(i % 3 ? "A" : "B", std::to_string(c) + "-" + std::to_string(i)));
      }
      EXPECT_TRUE(Append({&a, &b}).ok());
    }
    done = true;
  });
  auto reader = [&] {
    int64_t last = 0;
    while (!done) {
      Result<int64_t> seq = store_->LastSeq();
      if (!seq.ok() || *seq < last || *seq % kTradesPerCall != 0) ++read_errors;  // whole calls only
      if (seq.ok()) last = *seq;
      Result<TradePage> page = store_->ListTrades(Query().Participant("A").After(last / 2).Limit(50));
      if (!page.ok()) {
        ++read_errors;
        continue;
      }
      for (size_t i = 1; i < page->trades.size(); ++i) {
        if (page->trades[i].seq <= page->trades[i - 1].seq) ++read_errors;
      }
    }
  };
  std::thread reader1(reader);
  std::thread reader2(reader);
  writer.join();
  reader1.join();
  reader2.join();
  EXPECT_EQ(read_errors, 0);
  EXPECT_EQ(LastSeq(), kCalls * kTradesPerCall);
  EXPECT_EQ(ScanAll().size(), static_cast<size_t>(kCalls * kTradesPerCall));
}

// The fault point fails exactly one call when armed once, and the store carries on as if that
// call never happened: no row, no seq used, the next call gets the next seq.
TEST_F(SqliteTradeStoreTest, InjectedCommitFaultFailsOneCallThenRecovers) {
  AppendOk({MakeTrade("A", "1")});
  ASSERT_EQ(LastSeq(), 1);

  FaultInjector::Global().Arm(kFaultPoint, 1);
  AppendRequest failed = RequestOf({MakeTrade("A", "2")});
  Status status = Append({&failed});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_EQ(status.message(), "injected fault: store.append.before_commit");
  EXPECT_EQ(SeqsOf(failed.trades), (std::vector<int64_t>{0}));
  EXPECT_EQ(LastSeq(), 1);
  EXPECT_FALSE(Find("A", "2").has_value());
  EXPECT_EQ(ScanAll().size(), 1u);

  // Armed once: the point is spent, so a different trade now commits with seq 2 (no gap).
  AppendRequest next = AppendOk({MakeTrade("A", "3")});
  EXPECT_EQ(next.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted}));
  EXPECT_EQ(next.seqs, (std::vector<int64_t>{2}));
  EXPECT_EQ(LastSeq(), 2);
  EXPECT_FALSE(Find("A", "2").has_value());
  ASSERT_TRUE(Find("A", "3").has_value());
  EXPECT_EQ(Find("A", "3")->seq, 2);
}

}  // namespace
// Commits never checkpoint (wal_autocheckpoint is off on the writer); the WalCheckpointer's
// thread copies committed pages into the database file on its own. Without it the main file
// would stay at its size after creation however much is committed.
TEST_F(SqliteTradeStoreTest, WalIsCheckpointedInTheBackground) {
  SqliteTradeStoreOptions options;
  options.checkpoint_interval = std::chrono::milliseconds(20);
  Reopen(options);
  const auto size_before = std::filesystem::file_size(path_);
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<Trade> trades;
    for (int i = 0; i < 500; ++i) trades.push_back(MakeTrade("WAL", std::to_string(batch) + "-" + std::to_string(i)));
    AppendOk(std::move(trades));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::filesystem::file_size(path_) <= size_before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(std::filesystem::file_size(path_), size_before);
}

}  // namespace tradeagg::store
