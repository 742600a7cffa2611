#include "tradeagg/store/sqlite/sqlite_trade_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/store/sqlite/sqlite_db.h"

namespace tradeagg::store {
namespace {

using domain::Side;
using domain::Trade;

constexpr const char* kFaultPoint = "store.append.before_commit";

Decimal D(std::string_view text) {
  Result<Decimal> d = Decimal::Parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Decimal();
}

const Date kDay1 = Date::FromCivil(2026, 11, 24);
const Date kDay2 = Date::FromCivil(2026, 11, 25);

Trade MakeTrade(std::string participant, std::string trade_id) {
  Trade t;
  t.trade_id = std::move(trade_id);
  t.participant = std::move(participant);
  t.counterparty = "CPTY";
  t.instrument = "US0378331005";
  t.side = Side::kBuy;
  t.quantity = 100;
  t.price = D("101.25");
  t.notional = D("10125");
  t.currency = "USD";
  t.trade_time = Timestamp::FromMicros(1'795'512'600'123'456);  // microseconds matter
  t.received_at = Timestamp::FromMicros(1'795'512'600'654'321);
  t.business_date = kDay1;
  return t;
}

AppendRequest Request(std::vector<Trade> trades) {
  AppendRequest request;
  request.trades = std::move(trades);
  return request;
}

void ExpectSameTrade(const Trade& actual, const Trade& expected) {
  EXPECT_EQ(actual.seq, expected.seq);
  EXPECT_EQ(actual.trade_id, expected.trade_id);
  EXPECT_EQ(actual.participant, expected.participant);
  EXPECT_EQ(actual.counterparty, expected.counterparty);
  EXPECT_EQ(actual.instrument, expected.instrument);
  EXPECT_EQ(actual.side, expected.side);
  EXPECT_EQ(actual.quantity, expected.quantity);
  EXPECT_EQ(actual.price.ToString(), expected.price.ToString());
  EXPECT_TRUE(actual.price == expected.price);
  EXPECT_EQ(actual.notional.ToString(), expected.notional.ToString());
  EXPECT_TRUE(actual.notional == expected.notional);
  EXPECT_EQ(actual.currency, expected.currency);
  EXPECT_EQ(actual.trade_time.micros(), expected.trade_time.micros());
  EXPECT_EQ(actual.received_at.micros(), expected.received_at.micros());
  EXPECT_EQ(actual.business_date.days(), expected.business_date.days());
  EXPECT_FALSE(actual.trade_time_defaulted);
}

std::vector<int64_t> Seqs(const std::vector<Trade>& trades) {
  std::vector<int64_t> seqs;
  for (const Trade& t : trades) seqs.push_back(t.seq);
  return seqs;
}

// TradeQuery has optional members without initializers, so designated initializers would trip
// -Wmissing-field-initializers; tests build queries fluently instead.
struct QueryBuilder {
  TradeQuery query;
  QueryBuilder& Participant(std::string participant) {
    query.participant = std::move(participant);
    return *this;
  }
  QueryBuilder& On(Date date) {
    query.business_date = date;
    return *this;
  }
  QueryBuilder& Instrument(std::string instrument) {
    query.instrument = std::move(instrument);
    return *this;
  }
  QueryBuilder& After(int64_t seq) {
    query.after_seq = seq;
    return *this;
  }
  QueryBuilder& Limit(size_t limit) {
    query.limit = limit;
    return *this;
  }
  operator TradeQuery() const { return query; }  // NOLINT(google-explicit-constructor)
};

QueryBuilder Query() { return QueryBuilder(); }

class SqliteTradeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "tradeagg-store-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    path_ = dir_ / "nested" / "dir" / "trades.db";  // Open creates the parents
    Reopen();
  }

  void TearDown() override {
    FaultInjector::Global().Arm(kFaultPoint, 0);
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
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
    AppendRequest request = Request(std::move(trades));
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

  std::filesystem::path dir_;
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

TEST_F(SqliteTradeStoreTest, DateTotalsCountEachDatesAcceptedTradesOnly) {
  std::vector<Trade> trades;
  for (int i = 0; i < 6; ++i) {
    Trade t = MakeTrade("ALPHA", "T" + std::to_string(i));
    t.business_date = i % 2 == 0 ? kDay1 : kDay2;  // seqs 1, 3, 5 on day 1; 2, 4, 6 on day 2
    trades.push_back(t);
  }
  AppendOk(trades);
  auto day1 = store_->DateTotals(kDay1);
  ASSERT_TRUE(day1.ok()) << day1.status().ToString();
  EXPECT_EQ(*day1, (DateTradeCount{3, 5}));
  EXPECT_EQ(*store_->DateTotals(kDay2), (DateTradeCount{3, 6}));
  EXPECT_EQ(*store_->DateTotals(Date::FromDays(kDay1.days() - 1)), (DateTradeCount{0, 0}));

  // Duplicates add nothing; a conflicted request adds nothing; the other request of the call does.
  AppendRequest duplicate = Request({trades[0]});
  Trade conflicting = trades[1];
  conflicting.quantity += 1;
  AppendRequest conflict = Request({MakeTrade("ALPHA", "T-new"), conflicting});
  Trade late = MakeTrade("ALPHA", "T-late");
  late.business_date = kDay1;
  AppendRequest accepted = Request({late});
  ASSERT_TRUE(Append({&duplicate, &conflict, &accepted}).ok());
  ASSERT_TRUE(conflict.conflict_index.has_value());
  EXPECT_EQ(*store_->DateTotals(kDay1), (DateTradeCount{4, accepted.seqs[0]}));
  EXPECT_EQ(*store_->DateTotals(kDay2), (DateTradeCount{3, 6}));

  // A failed commit adds nothing; a reopen keeps the totals.
  FaultInjector::Global().Arm(kFaultPoint, 1);
  AppendRequest lost = Request({MakeTrade("ALPHA", "T-lost")});
  EXPECT_FALSE(Append({&lost}).ok());
  Reopen();
  EXPECT_EQ(*store_->DateTotals(kDay1), (DateTradeCount{4, accepted.seqs[0]}));
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

// --- append and read back ---

TEST_F(SqliteTradeStoreTest, AppendThenReadBackEveryFieldExactly) {
  Trade buy = MakeTrade("ALPHA", "T1");
  Trade sell = MakeTrade("ALPHA", "T2");
  sell.counterparty = "GAMMA";
  sell.instrument = "GB0002634946";
  sell.side = Side::kSell;
  sell.quantity = 1'000'000'000'000;
  sell.price = D("9999999999.99999999");
  sell.notional = D("0.00000001");
  sell.currency = "GBP";
  sell.trade_time = Timestamp::FromMicros(-1);  // before the epoch, down to the microsecond
  sell.received_at = Timestamp::FromMicros(1);
  sell.business_date = kDay2;

  AppendRequest request = AppendOk({buy, sell});
  ASSERT_EQ(request.outcomes.size(), 2u);
  EXPECT_EQ(request.outcomes[0], AppendOutcome::kAccepted);
  EXPECT_EQ(request.outcomes[1], AppendOutcome::kAccepted);
  EXPECT_EQ(request.seqs, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Seqs(request.trades), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(request.business_dates, (std::vector<Date>{kDay1, kDay2}));
  EXPECT_FALSE(request.conflict_index.has_value());

  buy.seq = 1;
  sell.seq = 2;
  std::optional<Trade> found = Find("ALPHA", "T1");
  ASSERT_TRUE(found.has_value());
  ExpectSameTrade(*found, buy);
  found = Find("ALPHA", "T2");
  ASSERT_TRUE(found.has_value());
  ExpectSameTrade(*found, sell);
  EXPECT_FALSE(Find("ALPHA", "T3").has_value());
  EXPECT_FALSE(Find("BETA", "T1").has_value());
  EXPECT_EQ(LastSeq(), 2);
}

TEST_F(SqliteTradeStoreTest, DecimalsAreStoredAsExactCanonicalText) {
  // Values beyond what validation admits still round-trip: the store is not the validator, and
  // the 128-bit formatting path (integer part of 2^64 and more) must be right too. The widest
  // values are the widest Decimal::Parse reads back (28 integer digits).
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

  std::vector<Trade> read = ScanAll();
  ASSERT_EQ(read.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_TRUE(read[i].price == values[i]) << values[i].ToString();
    EXPECT_TRUE(read[i].notional == values[values.size() - 1 - i]);
  }
}

TEST_F(SqliteTradeStoreTest, SeqsAreConsecutiveAcrossCallsAndReopen) {
  AppendRequest first = AppendOk({MakeTrade("A", "1"), MakeTrade("A", "2"), MakeTrade("A", "3")});
  EXPECT_EQ(first.seqs, (std::vector<int64_t>{1, 2, 3}));

  AppendRequest r1 = Request({MakeTrade("B", "1")});
  AppendRequest r2 = Request({MakeTrade("C", "1"), MakeTrade("C", "2")});
  ASSERT_TRUE(Append({&r1, &r2}).ok());
  EXPECT_EQ(r1.seqs, (std::vector<int64_t>{4}));
  EXPECT_EQ(r2.seqs, (std::vector<int64_t>{5, 6}));

  Reopen();
  EXPECT_EQ(LastSeq(), 6);
  AppendRequest after = AppendOk({MakeTrade("A", "4")});
  EXPECT_EQ(after.seqs, (std::vector<int64_t>{7}));
  EXPECT_EQ(Seqs(ScanAll()), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
}

TEST_F(SqliteTradeStoreTest, EmptyCallsAndEmptyRequestsDoNothing) {
  EXPECT_TRUE(Append({}).ok());
  AppendRequest empty;
  AppendRequest one = Request({MakeTrade("A", "1")});
  ASSERT_TRUE(Append({&empty, &one, &empty}).ok());
  EXPECT_TRUE(empty.outcomes.empty());
  EXPECT_EQ(one.seqs, (std::vector<int64_t>{1}));
  EXPECT_EQ(LastSeq(), 1);
}

// --- duplicates ---

TEST_F(SqliteTradeStoreTest, DuplicateWithinOneRequestIsStoredOnce) {
  Trade t = MakeTrade("A", "T1");
  AppendRequest request = AppendOk({t, MakeTrade("A", "T2"), t});
  EXPECT_EQ(request.outcomes,
            (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kAccepted,
                                        AppendOutcome::kDuplicate}));
  EXPECT_EQ(request.seqs, (std::vector<int64_t>{1, 2, 1}));
  EXPECT_EQ(Seqs(request.trades), (std::vector<int64_t>{1, 2, 0}));  // seq set for accepted only
  EXPECT_EQ(request.business_dates[2], kDay1);
  EXPECT_EQ(ScanAll().size(), 2u);
}

TEST_F(SqliteTradeStoreTest, DuplicateAcrossRequestsOfOneCall) {
  AppendRequest r1 = Request({MakeTrade("A", "T1")});
  AppendRequest r2 = Request({MakeTrade("A", "T2"), MakeTrade("A", "T1")});
  ASSERT_TRUE(Append({&r1, &r2}).ok());
  EXPECT_EQ(r1.outcomes[0], AppendOutcome::kAccepted);
  EXPECT_EQ(r2.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kDuplicate}));
  EXPECT_EQ(r2.seqs, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(LastSeq(), 2);
}

TEST_F(SqliteTradeStoreTest, DuplicateAcrossCallsReportsTheStoredSeqAndBusinessDate) {
  AppendOk({MakeTrade("A", "T1"), MakeTrade("A", "T2")});
  Trade again = MakeTrade("A", "T2");
  // What the store derives or records itself is not content: a retry received later (and, say,
  // after the cut-off) is still the same trade, and reports the stored business date.
  again.received_at = Timestamp::FromMicros(again.received_at.micros() + 86'400'000'000);
  again.business_date = kDay2;
  AppendRequest retry = AppendOk({again, MakeTrade("A", "T3")});
  EXPECT_EQ(retry.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kDuplicate, AppendOutcome::kAccepted}));
  EXPECT_EQ(retry.seqs, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(retry.business_dates, (std::vector<Date>{kDay1, kDay1}));
  EXPECT_EQ(retry.trades[0].seq, 0);

  std::optional<Trade> stored = Find("A", "T2");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->received_at.micros(), MakeTrade("A", "T2").received_at.micros());
  EXPECT_EQ(stored->business_date, kDay1);
}

TEST_F(SqliteTradeStoreTest, SameTradeIdForAnotherParticipantIsAnotherTrade) {
  AppendRequest r = AppendOk({MakeTrade("A", "T1"), MakeTrade("B", "T1")});
  EXPECT_EQ(r.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kAccepted}));
  EXPECT_EQ(r.seqs, (std::vector<int64_t>{1, 2}));
}

TEST_F(SqliteTradeStoreTest, DefaultedTradeTimeIsIgnoredForIdempotency) {
  Trade original = MakeTrade("A", "T1");
  original.trade_time_defaulted = true;  // not stored
  AppendOk({original});

  // A retry without trade_time gets a new default (its own receive time): still a duplicate.
  Trade retry = original;
  retry.trade_time = Timestamp::FromMicros(original.trade_time.micros() + 5'000'000);
  retry.received_at = retry.trade_time;
  AppendRequest r = AppendOk({retry});
  EXPECT_EQ(r.outcomes[0], AppendOutcome::kDuplicate);
  EXPECT_EQ(r.seqs[0], 1);
  std::optional<Trade> stored = Find("A", "T1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->trade_time.micros(), original.trade_time.micros());
  EXPECT_FALSE(stored->trade_time_defaulted);

  // An explicit, different trade_time is different content.
  Trade explicit_time = retry;
  explicit_time.trade_time_defaulted = false;
  AppendRequest conflict = Request({explicit_time});
  ASSERT_TRUE(Append({&conflict}).ok());
  EXPECT_EQ(conflict.conflict_index, std::optional<size_t>(0));

  // And the explicit original time is the same content.
  Trade explicit_same = original;
  explicit_same.trade_time_defaulted = false;
  r = AppendOk({explicit_same});
  EXPECT_EQ(r.outcomes[0], AppendOutcome::kDuplicate);
}

// --- conflicts ---

TEST_F(SqliteTradeStoreTest, ConflictRollsBackOnlyItsRequest) {
  AppendOk({MakeTrade("A", "X1")});  // seq 1

  Trade changed = MakeTrade("A", "X1");
  changed.quantity = 101;
  AppendRequest before = Request({MakeTrade("B", "1")});
  AppendRequest conflicting = Request({MakeTrade("A", "Y1"), MakeTrade("A", "Y2"), changed, MakeTrade("A", "Y3")});
  AppendRequest after = Request({MakeTrade("C", "1"), MakeTrade("C", "2")});
  ASSERT_TRUE(Append({&before, &conflicting, &after}).ok());

  EXPECT_EQ(before.seqs, (std::vector<int64_t>{2}));
  EXPECT_EQ(conflicting.conflict_index, std::optional<size_t>(2));
  EXPECT_EQ(conflicting.outcomes[2], AppendOutcome::kConflict);
  EXPECT_EQ(Seqs(conflicting.trades), (std::vector<int64_t>{0, 0, 0, 0}));
  // The rolled-back request's seqs are given back: no gap.
  EXPECT_EQ(after.seqs, (std::vector<int64_t>{3, 4}));
  EXPECT_FALSE(after.conflict_index.has_value());

  EXPECT_FALSE(Find("A", "Y1").has_value());
  EXPECT_FALSE(Find("A", "Y2").has_value());
  EXPECT_FALSE(Find("A", "Y3").has_value());
  EXPECT_EQ(Find("A", "X1")->quantity, 100);  // the stored trade is untouched
  EXPECT_EQ(Seqs(ScanAll()), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST_F(SqliteTradeStoreTest, SingleTradeConflictAndEveryContentField) {
  AppendOk({MakeTrade("A", "T1")});
  const std::vector<void (*)(Trade&)> changes = {
      [](Trade& t) { t.counterparty = "OTHER"; },
      [](Trade& t) { t.instrument = "GB0002634946"; },
      [](Trade& t) { t.side = Side::kSell; },
      [](Trade& t) { t.quantity += 1; },
      [](Trade& t) { t.price = t.price + Decimal::FromUnits(1); },
      [](Trade& t) { t.notional = t.notional + Decimal::FromUnits(1); },
      [](Trade& t) { t.currency = "EUR"; },
      [](Trade& t) { t.trade_time = Timestamp::FromMicros(t.trade_time.micros() + 1); },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    Trade t = MakeTrade("A", "T1");
    changes[i](t);
    AppendRequest conflict = Request({t});
    AppendRequest fine = Request({MakeTrade("A", "N" + std::to_string(i))});
    ASSERT_TRUE(Append({&conflict, &fine}).ok());
    EXPECT_EQ(conflict.conflict_index, std::optional<size_t>(0)) << "change " << i;
    EXPECT_EQ(conflict.outcomes[0], AppendOutcome::kConflict);
    EXPECT_EQ(fine.seqs[0], static_cast<int64_t>(i) + 2) << "change " << i;
  }
}

TEST_F(SqliteTradeStoreTest, ConflictInsideOneRequestRollsItBack) {
  Trade changed = MakeTrade("A", "T1");
  changed.side = Side::kSell;
  AppendRequest request = Request({MakeTrade("A", "T1"), MakeTrade("A", "T2"), changed});
  ASSERT_TRUE(Append({&request}).ok());
  EXPECT_EQ(request.conflict_index, std::optional<size_t>(2));
  EXPECT_EQ(LastSeq(), 0);
  EXPECT_TRUE(ScanAll().empty());
  AppendRequest next = AppendOk({MakeTrade("A", "T1")});
  EXPECT_EQ(next.seqs[0], 1);
}

TEST_F(SqliteTradeStoreTest, ConflictUndoKeepsTradesTheRequestOnlyDuplicated) {
  AppendRequest earlier = Request({MakeTrade("A", "S1"), MakeTrade("A", "S2")});  // seqs 1, 2
  Trade changed = MakeTrade("A", "S2");
  changed.price = D("101.26");
  // The conflicting request first repeats a trade stored in this very call, then adds new ones.
  AppendRequest conflicting =
      Request({MakeTrade("A", "S1"), MakeTrade("A", "N1"), MakeTrade("A", "N2"), changed});
  AppendRequest later = Request({MakeTrade("A", "N1")});
  ASSERT_TRUE(Append({&earlier, &conflicting, &later}).ok());
  EXPECT_EQ(earlier.seqs, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(conflicting.conflict_index, std::optional<size_t>(3));
  // N1 was undone with its request, so the later request stores it afresh.
  EXPECT_EQ(later.outcomes[0], AppendOutcome::kAccepted);
  EXPECT_EQ(later.seqs, (std::vector<int64_t>{3}));
  EXPECT_EQ(Seqs(ScanAll()), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(Find("A", "S1").has_value());
  EXPECT_FALSE(Find("A", "N2").has_value());
}

TEST_F(SqliteTradeStoreTest, RetryOfConflictedRequestWithFixedTradeIsAccepted) {
  AppendOk({MakeTrade("A", "T1")});
  Trade changed = MakeTrade("A", "T1");
  changed.quantity = 5;
  AppendRequest request = Request({MakeTrade("A", "T2"), changed});
  ASSERT_TRUE(Append({&request}).ok());
  ASSERT_TRUE(request.conflict_index.has_value());

  // Reusing the request object: outputs are reset by Append.
  request.trades[1] = MakeTrade("A", "T1");
  ASSERT_TRUE(Append({&request}).ok());
  EXPECT_FALSE(request.conflict_index.has_value());
  EXPECT_EQ(request.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kDuplicate}));
  EXPECT_EQ(request.seqs, (std::vector<int64_t>{2, 1}));
}

// --- failures ---

TEST_F(SqliteTradeStoreTest, FailureBeforeCommitStoresNothingOfTheCall) {
  AppendOk({MakeTrade("A", "0")});
  FaultInjector::Global().Arm(kFaultPoint, 1);
  AppendRequest r1 = Request({MakeTrade("A", "1"), MakeTrade("A", "2")});
  AppendRequest r2 = Request({MakeTrade("B", "1"), MakeTrade("A", "0")});
  Status status = Append({&r1, &r2});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_EQ(Seqs(r1.trades), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(Seqs(r2.trades), (std::vector<int64_t>{0, 0}));
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
  AppendRequest r1 = Request({MakeTrade("A", "1")});
  AppendRequest r2 = Request({MakeTrade("A", "2"), MakeTrade("A", "BOOM")});
  Status status = Append({&r1, &r2});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("injected"), std::string::npos) << status.ToString();
  EXPECT_EQ(Seqs(r1.trades), (std::vector<int64_t>{0}));
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

  AppendRequest request = Request({MakeTrade("A", "2")});
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
  AppendRequest again = Request({MakeTrade("A", "1")});
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

TEST_F(SqliteTradeStoreListTest, FiltersAlone) {
  EXPECT_EQ(Seqs(List(Query()).trades), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Seqs(List(Query().Participant("A")).trades), (std::vector<int64_t>{1, 3, 4, 6}));
  EXPECT_EQ(Seqs(List(Query().On(kDay2)).trades), (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(Seqs(List(Query().Instrument(kI2)).trades), (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(List(Query().Participant("Z")).trades.empty());
  EXPECT_FALSE(List(Query().Participant("Z")).next_after_seq.has_value());
}

TEST_F(SqliteTradeStoreListTest, FiltersCombined) {
  EXPECT_EQ(Seqs(List(Query().Participant("A").On(kDay1)).trades), (std::vector<int64_t>{1, 4, 6}));
  EXPECT_EQ(Seqs(List(Query().Participant("A").On(kDay1).Instrument(kI1)).trades),
            (std::vector<int64_t>{1, 6}));
  EXPECT_EQ(Seqs(List(Query().On(kDay2).Instrument(kI1)).trades), (std::vector<int64_t>{5}));
  EXPECT_EQ(Seqs(List(Query().Participant("A").After(3)).trades), (std::vector<int64_t>{4, 6}));
}

TEST_F(SqliteTradeStoreListTest, ReturnsFullTrades) {
  TradePage page = List(Query().Participant("B").On(kDay2));
  ASSERT_EQ(page.trades.size(), 1u);
  Trade expected = MakeTrade("B", "T5");
  expected.business_date = kDay2;
  expected.seq = 5;
  ExpectSameTrade(page.trades[0], expected);
}

TEST_F(SqliteTradeStoreListTest, CursorPaging) {
  TradeQuery query = Query().Participant("A").Limit(3);
  TradePage page = List(query);
  EXPECT_EQ(Seqs(page.trades), (std::vector<int64_t>{1, 3, 4}));
  ASSERT_EQ(page.next_after_seq, std::optional<int64_t>(4));

  query.after_seq = *page.next_after_seq;
  page = List(query);
  EXPECT_EQ(Seqs(page.trades), (std::vector<int64_t>{6}));
  EXPECT_FALSE(page.next_after_seq.has_value());

  // Exactly `limit` rows left: no next page is announced.
  page = List(Query().Participant("A").Limit(4));
  EXPECT_EQ(page.trades.size(), 4u);
  EXPECT_FALSE(page.next_after_seq.has_value());

  // Walking the whole table one row at a time visits every row once.
  std::vector<int64_t> walked;
  TradeQuery one = Query().Limit(1);
  while (true) {
    page = List(one);
    for (const Trade& t : page.trades) walked.push_back(t.seq);
    if (!page.next_after_seq) break;
    one.after_seq = *page.next_after_seq;
  }
  EXPECT_EQ(walked, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));

  EXPECT_EQ(List(Query().Limit(std::numeric_limits<size_t>::max())).trades.size(), 7u);
  EXPECT_TRUE(List(Query().After(7)).trades.empty());
}

TEST_F(SqliteTradeStoreListTest, ZeroLimitIsInvalid) {
  Result<TradePage> page = store_->ListTrades(Query().Limit(0));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteTradeStoreListTest, ScanAfterSeqWithLimit) {
  std::vector<int64_t> seen;
  auto collect = [&](const Trade& t) { seen.push_back(t.seq); };
  ASSERT_TRUE(store_->ScanTrades(0, 0, collect).ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  seen.clear();
  ASSERT_TRUE(store_->ScanTrades(2, 3, collect).ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{3, 4, 5}));
  seen.clear();
  ASSERT_TRUE(store_->ScanTrades(5, 0, collect).ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{6, 7}));
  seen.clear();
  ASSERT_TRUE(store_->ScanTrades(7, 10, collect).ok());
  EXPECT_TRUE(seen.empty());
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

TEST_F(SqliteTradeStoreTest, ReopenPersistsTrades) {
  AppendRequest request = AppendOk({MakeTrade("A", "1"), MakeTrade("B", "1")});

  Reopen();
  EXPECT_EQ(LastSeq(), 2);
  std::vector<Trade> trades = ScanAll();
  ASSERT_EQ(trades.size(), 2u);
  ExpectSameTrade(trades[0], request.trades[0]);
  ExpectSameTrade(trades[1], request.trades[1]);

  // Idempotency survives the restart too.
  AppendRequest retry = AppendOk({MakeTrade("B", "1")});
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kDuplicate);
  EXPECT_EQ(retry.seqs[0], 2);
}

// --- concurrency ---

TEST_F(SqliteTradeStoreTest, ReadersRunWhileOneWriterAppends) {
  constexpr int kCalls = 40;
  constexpr int kTradesPerCall = 25;
  std::atomic<bool> done{false};
  std::atomic<int> read_errors{0};

  std::thread writer([&] {
    for (int c = 0; c < kCalls; ++c) {
      AppendRequest a = Request({});
      AppendRequest b = Request({});
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
  AppendRequest failed = Request({MakeTrade("A", "2")});
  Status status = Append({&failed});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_EQ(status.message(), "injected fault: store.append.before_commit");
  EXPECT_EQ(Seqs(failed.trades), (std::vector<int64_t>{0}));
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
