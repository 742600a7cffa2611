// TradeStoreContract<Backend>: the rules of store/trade_store.h as a typed GoogleTest suite,
// which every TradeStore passes: the SQLite store, the in-memory fake the ingest, api and agg
// tests use, and the MongoDB store.
//
// A Backend is a class with `Result<std::unique_ptr<TradeStore>> Open()`, which opens a store on
// the backend's place (a fresh one per fixture; a second Open() of the same Backend object sees
// what the first wrote), and `static constexpr bool kPersists` (whether that second Open() is a
// real reopening, e.g. of a file, rather than a handle on the same object). Instantiate with
// INSTANTIATE_TYPED_TEST_SUITE_P(Name, TradeStoreContract, Types<...>).
//
// What the suite may assume about seqs is only what the role promises: positive, unique, kept
// forever, and the stable point LastSeq(). They need not be dense (MongoDB's have gaps), so no
// test names a seq value: each compares with what Append reported, or orders. Order across
// calls follows from the promise: with one writer, a call's trades are readable once Append
// returns, so they are <= LastSeq(), and no later trade may get a seq <= LastSeq(). Order
// within one call is not promised and not assumed. What one store promises beyond the role
// (SQLite's dense seqs, ListTrades' limit rules, re-entrant scans) is tested with that store.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testing/trade_builder.h"
#include "testing/trade_query_builder.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::store {

template <typename Backend>
class TradeStoreContract : public ::testing::Test {
 protected:
  using Trade = domain::Trade;

  static inline const Date kDay1 = testing::kTradeDate;
  static inline const Date kDay2 = testing::kTradeDate + 1;
  static constexpr const char* kI1 = "US0378331005";
  static constexpr const char* kI2 = "GB0002634946";

  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto opened = backend_.Open();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  Status Append(std::vector<AppendRequest*> requests) { return store_->Append(requests); }

  // Appends one single-request call and expects it to succeed.
  AppendRequest AppendOk(std::vector<Trade> trades) {
    AppendRequest request = testing::RequestOf(std::move(trades));
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

  std::vector<Trade> Scan(int64_t after_seq = 0, size_t limit = 0) {
    std::vector<Trade> trades;
    Status status = store_->ScanTrades(after_seq, limit, [&](const Trade& t) { trades.push_back(t); });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return trades;
  }

  TradePage List(TradeQuery query) {
    Result<TradePage> page = store_->ListTrades(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : TradePage{};
  }

  int64_t Count(int64_t after_seq, int64_t through_seq) {
    Result<int64_t> count = store_->CountTrades(after_seq, through_seq);
    EXPECT_TRUE(count.ok()) << count.status().ToString();
    return count.ok() ? *count : -1;
  }

  DateTradeCount Totals(Date date) {
    Result<DateTradeCount> totals = store_->DateTotals(date);
    EXPECT_TRUE(totals.ok()) << totals.status().ToString();
    return totals.ok() ? *totals : DateTradeCount{-1, -1};
  }

  static std::vector<std::string> IdsOf(const std::vector<Trade>& trades) {
    std::vector<std::string> ids;
    for (const Trade& t : trades) ids.push_back(t.participant + "/" + t.trade_id);
    return ids;
  }

  // The table the listing tests read, as participant / date / instrument per trade id:
  //  T1: A d1 I1   T2: B d1 I1   T3: A d2 I2   T4: A d1 I2   T5: B d2 I1   T6: A d1 I1   T7: C d1 I1
  // Returns the seq Append reported for each id.
  std::map<std::string, int64_t> AppendListTable() {
    const struct {
      const char* participant;
      Date date;
      const char* instrument;
    } rows[] = {
        {"A", kDay1, kI1}, {"B", kDay1, kI1}, {"A", kDay2, kI2}, {"A", kDay1, kI2},
        {"B", kDay2, kI1}, {"A", kDay1, kI1}, {"C", kDay1, kI1},
    };
    std::vector<Trade> trades;
    for (size_t i = 0; i < std::size(rows); ++i) {
      Trade t = testing::MakeTrade(rows[i].participant, "T" + std::to_string(i + 1));
      t.business_date = rows[i].date;
      t.instrument = rows[i].instrument;
      trades.push_back(t);
    }
    AppendRequest request = AppendOk(trades);
    std::map<std::string, int64_t> seqs;
    for (size_t i = 0; i < request.trades.size(); ++i) seqs[request.trades[i].trade_id] = request.seqs[i];
    return seqs;
  }

  // The seqs of `ids` in the table, ascending: the order every read returns trades in.
  static std::vector<int64_t> SeqsOfIds(const std::map<std::string, int64_t>& table,
                                        std::initializer_list<const char*> ids) {
    std::vector<int64_t> seqs;
    for (const char* id : ids) seqs.push_back(table.at(id));
    std::sort(seqs.begin(), seqs.end());
    return seqs;
  }

  Backend backend_;
  std::unique_ptr<TradeStore> store_;
};

TYPED_TEST_SUITE_P(TradeStoreContract);

// --- append and read back ---

TYPED_TEST_P(TradeStoreContract, AnEmptyStoreHasNoTrades) {
  EXPECT_EQ(this->LastSeq(), 0);
  EXPECT_TRUE(this->Scan().empty());
  EXPECT_TRUE(this->List(testing::Query()).trades.empty());
  EXPECT_FALSE(this->List(testing::Query()).next_after_seq.has_value());
  EXPECT_FALSE(this->Find("A", "T1").has_value());
  EXPECT_EQ(this->Count(0, std::numeric_limits<int64_t>::max()), 0);
  EXPECT_EQ(this->Totals(this->kDay1), (DateTradeCount{0, 0}));
}

TYPED_TEST_P(TradeStoreContract, AppendThenReadBackEveryFieldExactly) {
  using domain::Trade;
  Trade buy = testing::MakeTrade("ALPHA", "T1");
  Trade sell = testing::MakeTrade("ALPHA", "T2");
  sell.counterparty = "GAMMA";
  sell.instrument = this->kI2;
  sell.side = domain::Side::kSell;
  sell.quantity = 1'000'000'000'000;
  sell.price = testing::Dec("9999999999.99999999");
  sell.notional = testing::Dec("0.00000001");
  sell.currency = "GBP";
  sell.trade_time = Timestamp::FromMicros(-1);  // before the epoch, down to the microsecond
  sell.received_at = Timestamp::FromMicros(1);
  sell.business_date = this->kDay2;

  AppendRequest request = this->AppendOk({buy, sell});
  EXPECT_EQ(request.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kAccepted}));
  ASSERT_EQ(request.seqs.size(), 2u);
  EXPECT_GT(request.seqs[0], 0);
  EXPECT_GT(request.seqs[1], 0);
  EXPECT_NE(request.seqs[0], request.seqs[1]);
  EXPECT_EQ(testing::SeqsOf(request.trades), request.seqs);  // set on the accepted trades too
  EXPECT_EQ(request.business_dates, (std::vector<Date>{this->kDay1, this->kDay2}));
  EXPECT_FALSE(request.conflict_index.has_value());

  buy.seq = request.seqs[0];
  sell.seq = request.seqs[1];
  std::optional<Trade> found = this->Find("ALPHA", "T1");
  ASSERT_TRUE(found.has_value());
  testing::ExpectSameTrade(*found, buy);
  found = this->Find("ALPHA", "T2");
  ASSERT_TRUE(found.has_value());
  testing::ExpectSameTrade(*found, sell);
  EXPECT_FALSE(this->Find("ALPHA", "T3").has_value());
  EXPECT_FALSE(this->Find("BETA", "T1").has_value());
  EXPECT_FALSE(this->Find("alpha", "T1").has_value());  // keys are compared exactly
  EXPECT_GE(this->LastSeq(), std::max(buy.seq, sell.seq));
}

TYPED_TEST_P(TradeStoreContract, DecimalsAndTimesRoundTripExactly) {
  // Values beyond what validation admits still round-trip: the store is not the validator, and
  // the 128-bit range (integer parts of 2^64 and more) must survive too. The widest values are
  // the widest Decimal::Parse reads back (28 integer digits). No value may pass through a double.
  const std::vector<Decimal> values = {
      testing::Dec("0"),
      testing::Dec("1"),
      testing::Dec("-0.5"),
      testing::Dec("0.00000001"),
      testing::Dec("123.4"),
      testing::Dec("1234.56789012"),
      testing::Dec("0.1"),  // not exact in binary floating point
      testing::Dec("99999999999999.99999999"),
      testing::Dec("18446744073709551615.99999999"),
      testing::Dec("18446744073709551616.00000001"),
      testing::Dec("9999999999999999999999999999.99999999"),
      testing::Dec("-9999999999999999999999999999.99999999"),
      testing::Dec("-18446744073709551616"),
  };
  const std::vector<int64_t> micros = {
      0, 1, -1, 999'999, 1'000'001, 1'795'512'600'000'001, -62'135'596'800'000'000,  // 0001-01-01
      253'402'300'799'999'999,                                                    // 9999-12-31
  };
  std::vector<domain::Trade> trades;
  for (size_t i = 0; i < values.size(); ++i) {
    domain::Trade t = testing::MakeTrade("ALPHA", "D" + std::to_string(i));
    t.price = values[i];
    t.notional = values[values.size() - 1 - i];
    t.trade_time = Timestamp::FromMicros(micros[i % micros.size()]);
    t.received_at = Timestamp::FromMicros(micros[(i + 3) % micros.size()]);
    trades.push_back(t);
  }
  AppendRequest request = this->AppendOk(trades);
  for (size_t i = 0; i < trades.size(); ++i) {
    trades[i].seq = request.seqs[i];
    std::optional<domain::Trade> found = this->Find("ALPHA", trades[i].trade_id);
    ASSERT_TRUE(found.has_value()) << trades[i].trade_id;
    SCOPED_TRACE(trades[i].trade_id);
    testing::ExpectSameTrade(*found, trades[i]);
  }
  // And the same through the other reads.
  std::vector<domain::Trade> scanned = this->Scan();
  ASSERT_EQ(scanned.size(), trades.size());
  for (const domain::Trade& read : scanned) {
    auto it = std::find_if(trades.begin(), trades.end(), [&](const domain::Trade& t) { return t.seq == read.seq; });
    ASSERT_NE(it, trades.end()) << read.seq;
    SCOPED_TRACE(read.trade_id);
    testing::ExpectSameTrade(read, *it);
  }
  TradePage page = this->List(testing::Query().Limit(trades.size()));
  ASSERT_EQ(page.trades.size(), trades.size());
  EXPECT_EQ(testing::SeqsOf(page.trades), testing::SeqsOf(scanned));
}

TYPED_TEST_P(TradeStoreContract, SeqsArePositiveUniqueAndGrowFromCallToCall) {
  using testing::MakeTrade;
  std::vector<int64_t> all;
  int64_t previous_max = 0;
  auto check_call = [&](const std::vector<AppendRequest*>& requests) {
    int64_t min = std::numeric_limits<int64_t>::max();
    int64_t max = 0;
    for (const AppendRequest* request : requests) {
      for (int64_t seq : request->seqs) {
        EXPECT_GT(seq, 0);
        min = std::min(min, seq);
        max = std::max(max, seq);
        all.push_back(seq);
      }
    }
    EXPECT_GT(min, previous_max) << "a later call's trades come after the earlier call's";
    EXPECT_GE(this->LastSeq(), max) << "an acknowledged call is readable, so within the stable point";
    previous_max = max;
  };

  AppendRequest first = this->AppendOk({MakeTrade("A", "1"), MakeTrade("A", "2"), MakeTrade("A", "3")});
  check_call({&first});
  AppendRequest r1 = testing::RequestOf({MakeTrade("B", "1")});
  AppendRequest r2 = testing::RequestOf({MakeTrade("C", "1"), MakeTrade("C", "2")});
  ASSERT_TRUE(this->Append({&r1, &r2}).ok());
  check_call({&r1, &r2});
  AppendRequest last = this->AppendOk({MakeTrade("A", "4")});
  check_call({&last});

  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), all.size()) << "unique";
  std::sort(all.begin(), all.end());
  EXPECT_EQ(testing::SeqsOf(this->Scan()), all);  // every trade once, in seq order
  EXPECT_EQ(this->Count(0, this->LastSeq()), 7);  // counted, never subtracted
  EXPECT_EQ(this->Find("C", "2")->seq, r2.seqs[1]);  // a trade keeps the seq it was given
}

TYPED_TEST_P(TradeStoreContract, EmptyCallsAndEmptyRequestsDoNothing) {
  EXPECT_TRUE(this->Append({}).ok());
  EXPECT_TRUE(this->Scan().empty());
  AppendRequest empty;
  AppendRequest one = testing::RequestOf({testing::MakeTrade("A", "1")});
  ASSERT_TRUE(this->Append({&empty, &one, &empty}).ok());
  EXPECT_TRUE(empty.outcomes.empty());
  EXPECT_TRUE(empty.seqs.empty());
  EXPECT_FALSE(empty.conflict_index.has_value());
  EXPECT_EQ(one.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted}));
  EXPECT_EQ(this->Scan().size(), 1u);
}

// --- duplicates ---

TYPED_TEST_P(TradeStoreContract, DuplicateWithinOneRequestIsStoredOnce) {
  domain::Trade t = testing::MakeTrade("A", "T1");
  AppendRequest request = this->AppendOk({t, testing::MakeTrade("A", "T2"), t});
  EXPECT_EQ(request.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kAccepted,
                                                          AppendOutcome::kDuplicate}));
  EXPECT_EQ(request.seqs[2], request.seqs[0]);  // the first copy's seq
  EXPECT_NE(request.seqs[1], request.seqs[0]);
  EXPECT_EQ(request.trades[2].seq, 0);  // seq is set on accepted trades only
  EXPECT_EQ(request.business_dates[2], this->kDay1);
  EXPECT_EQ(this->Scan().size(), 2u);
  EXPECT_EQ(this->Find("A", "T1")->seq, request.seqs[0]);
}

TYPED_TEST_P(TradeStoreContract, DuplicateAcrossRequestsOfOneCall) {
  AppendRequest r1 = testing::RequestOf({testing::MakeTrade("A", "T1")});
  AppendRequest r2 = testing::RequestOf({testing::MakeTrade("A", "T2"), testing::MakeTrade("A", "T1")});
  ASSERT_TRUE(this->Append({&r1, &r2}).ok());
  EXPECT_EQ(r1.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted}));
  EXPECT_EQ(r2.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kDuplicate}));
  EXPECT_EQ(r2.seqs[1], r1.seqs[0]);
  EXPECT_EQ(r2.trades[1].seq, 0);
  EXPECT_EQ(this->Scan().size(), 2u);
}

TYPED_TEST_P(TradeStoreContract, DuplicateAcrossCallsReportsTheStoredSeqAndBusinessDate) {
  AppendRequest first = this->AppendOk({testing::MakeTrade("A", "T1"), testing::MakeTrade("A", "T2")});
  domain::Trade again = testing::MakeTrade("A", "T2");
  // What the store derives or records itself is not content: a retry received later (and, say,
  // after the cut-off) is still the same trade, and reports the stored business date.
  again.received_at = Timestamp::FromMicros(again.received_at.micros() + 86'400'000'000);
  again.business_date = this->kDay2;
  AppendRequest retry = this->AppendOk({again, testing::MakeTrade("A", "T3")});
  EXPECT_EQ(retry.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kDuplicate, AppendOutcome::kAccepted}));
  EXPECT_EQ(retry.seqs[0], first.seqs[1]);
  EXPECT_GT(retry.seqs[1], std::max(first.seqs[0], first.seqs[1]));
  EXPECT_EQ(retry.business_dates, (std::vector<Date>{this->kDay1, this->kDay1}));
  EXPECT_EQ(retry.trades[0].seq, 0);

  std::optional<domain::Trade> stored = this->Find("A", "T2");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->received_at.micros(), testing::MakeTrade("A", "T2").received_at.micros());
  EXPECT_EQ(stored->business_date, this->kDay1);
  EXPECT_EQ(this->Scan().size(), 3u);
}

TYPED_TEST_P(TradeStoreContract, SameTradeIdForAnotherParticipantIsAnotherTrade) {
  AppendRequest r = this->AppendOk({testing::MakeTrade("A", "T1"), testing::MakeTrade("B", "T1")});
  EXPECT_EQ(r.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kAccepted}));
  EXPECT_NE(r.seqs[0], r.seqs[1]);
  EXPECT_EQ(this->Find("B", "T1")->seq, r.seqs[1]);
}

TYPED_TEST_P(TradeStoreContract, DefaultedTradeTimeIsIgnoredForIdempotency) {
  domain::Trade original = testing::MakeTrade("A", "T1");
  original.trade_time_defaulted = true;  // not stored
  AppendRequest first = this->AppendOk({original});

  // A retry without trade_time gets a new default (its own receive time): still a duplicate.
  domain::Trade retry = original;
  retry.trade_time = Timestamp::FromMicros(original.trade_time.micros() + 5'000'000);
  retry.received_at = retry.trade_time;
  AppendRequest r = this->AppendOk({retry});
  EXPECT_EQ(r.outcomes[0], AppendOutcome::kDuplicate);
  EXPECT_EQ(r.seqs[0], first.seqs[0]);
  std::optional<domain::Trade> stored = this->Find("A", "T1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->trade_time.micros(), original.trade_time.micros());
  EXPECT_FALSE(stored->trade_time_defaulted);

  // An explicit, different trade_time is different content.
  domain::Trade explicit_time = retry;
  explicit_time.trade_time_defaulted = false;
  AppendRequest conflict = testing::RequestOf({explicit_time});
  ASSERT_TRUE(this->Append({&conflict}).ok());
  EXPECT_EQ(conflict.conflict_index, std::optional<size_t>(0));

  // And the explicit original time is the same content.
  domain::Trade explicit_same = original;
  explicit_same.trade_time_defaulted = false;
  r = this->AppendOk({explicit_same});
  EXPECT_EQ(r.outcomes[0], AppendOutcome::kDuplicate);
  EXPECT_EQ(this->Scan().size(), 1u);
}

// --- conflicts ---

TYPED_TEST_P(TradeStoreContract, ConflictRollsBackOnlyItsRequest) {
  using testing::MakeTrade;
  AppendRequest stored = this->AppendOk({MakeTrade("A", "X1")});

  domain::Trade changed = MakeTrade("A", "X1");
  changed.quantity = 101;
  AppendRequest before = testing::RequestOf({MakeTrade("B", "1")});
  AppendRequest conflicting =
      testing::RequestOf({MakeTrade("A", "Y1"), MakeTrade("A", "Y2"), changed, MakeTrade("A", "Y3")});
  AppendRequest after = testing::RequestOf({MakeTrade("C", "1"), MakeTrade("C", "2")});
  ASSERT_TRUE(this->Append({&before, &conflicting, &after}).ok());

  EXPECT_EQ(before.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted}));
  EXPECT_FALSE(before.conflict_index.has_value());
  EXPECT_EQ(conflicting.conflict_index, std::optional<size_t>(2));
  EXPECT_EQ(conflicting.outcomes[2], AppendOutcome::kConflict);
  EXPECT_EQ(testing::SeqsOf(conflicting.trades), (std::vector<int64_t>{0, 0, 0, 0}));  // none accepted
  EXPECT_EQ(after.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kAccepted}));
  EXPECT_FALSE(after.conflict_index.has_value());

  EXPECT_FALSE(this->Find("A", "Y1").has_value());
  EXPECT_FALSE(this->Find("A", "Y2").has_value());
  EXPECT_FALSE(this->Find("A", "Y3").has_value());
  EXPECT_EQ(this->Find("A", "X1")->quantity, 100);  // the stored trade is untouched
  EXPECT_EQ(this->Find("A", "X1")->seq, stored.seqs[0]);
  EXPECT_EQ(this->Find("C", "2")->seq, after.seqs[1]);
  std::vector<int64_t> expected = {stored.seqs[0], before.seqs[0], after.seqs[0], after.seqs[1]};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(testing::SeqsOf(this->Scan()), expected);
  EXPECT_EQ(this->Count(0, this->LastSeq()), 4);
}

TYPED_TEST_P(TradeStoreContract, AChangeOfAnyContentFieldIsAConflict) {
  this->AppendOk({testing::MakeTrade("A", "T1")});
  const std::vector<void (*)(domain::Trade&)> changes = {
      [](domain::Trade& t) { t.counterparty = "OTHER"; },
      [](domain::Trade& t) { t.instrument = "GB0002634946"; },
      [](domain::Trade& t) { t.side = domain::Side::kSell; },
      [](domain::Trade& t) { t.quantity += 1; },
      [](domain::Trade& t) { t.price = t.price + Decimal::FromUnits(1); },  // by 1e-8
      [](domain::Trade& t) { t.notional = t.notional + Decimal::FromUnits(1); },
      [](domain::Trade& t) { t.currency = "EUR"; },
      [](domain::Trade& t) { t.trade_time = Timestamp::FromMicros(t.trade_time.micros() + 1); },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    domain::Trade t = testing::MakeTrade("A", "T1");
    changes[i](t);
    AppendRequest conflict = testing::RequestOf({t});
    AppendRequest fine = testing::RequestOf({testing::MakeTrade("A", "N" + std::to_string(i))});
    ASSERT_TRUE(this->Append({&conflict, &fine}).ok());
    EXPECT_EQ(conflict.conflict_index, std::optional<size_t>(0)) << "change " << i;
    EXPECT_EQ(conflict.outcomes[0], AppendOutcome::kConflict) << "change " << i;
    EXPECT_EQ(fine.outcomes[0], AppendOutcome::kAccepted) << "change " << i;
  }
  EXPECT_EQ(this->Scan().size(), 1 + changes.size());
  std::optional<domain::Trade> stored = this->Find("A", "T1");
  ASSERT_TRUE(stored.has_value());
  domain::Trade original = testing::MakeTrade("A", "T1");
  original.seq = stored->seq;
  testing::ExpectSameTrade(*stored, original);  // no conflict touched it
}

TYPED_TEST_P(TradeStoreContract, ConflictInsideOneRequestRollsItBack) {
  domain::Trade changed = testing::MakeTrade("A", "T1");
  changed.side = domain::Side::kSell;
  AppendRequest request =
      testing::RequestOf({testing::MakeTrade("A", "T1"), testing::MakeTrade("A", "T2"), changed});
  ASSERT_TRUE(this->Append({&request}).ok());
  EXPECT_EQ(request.conflict_index, std::optional<size_t>(2));
  EXPECT_EQ(request.outcomes[2], AppendOutcome::kConflict);
  // No trade; the stable point may still have moved over seqs the call reserved (gaps).
  EXPECT_EQ(this->Count(0, this->LastSeq()), 0);
  EXPECT_TRUE(this->Scan().empty());
  EXPECT_EQ(this->Totals(this->kDay1), (DateTradeCount{0, 0}));

  // Nothing of it was kept: the original content is now free to be stored.
  AppendRequest next = this->AppendOk({testing::MakeTrade("A", "T1")});
  EXPECT_EQ(next.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted}));
  EXPECT_GT(next.seqs[0], 0);
}

TYPED_TEST_P(TradeStoreContract, ConflictUndoKeepsTradesTheRequestOnlyDuplicated) {
  using testing::MakeTrade;
  AppendRequest earlier = testing::RequestOf({MakeTrade("A", "S1"), MakeTrade("A", "S2")});
  domain::Trade changed = MakeTrade("A", "S2");
  changed.price = testing::Dec("101.26");
  // The conflicting request first repeats a trade stored in this very call, then adds new ones.
  AppendRequest conflicting =
      testing::RequestOf({MakeTrade("A", "S1"), MakeTrade("A", "N1"), MakeTrade("A", "N2"), changed});
  AppendRequest later = testing::RequestOf({MakeTrade("A", "N1")});
  ASSERT_TRUE(this->Append({&earlier, &conflicting, &later}).ok());
  EXPECT_EQ(earlier.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kAccepted}));
  EXPECT_EQ(conflicting.conflict_index, std::optional<size_t>(3));
  // N1 was undone with its request, so the later request stores it afresh.
  EXPECT_EQ(later.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted}));
  EXPECT_EQ(this->Find("A", "N1")->seq, later.seqs[0]);
  EXPECT_EQ(this->Find("A", "S1")->seq, earlier.seqs[0]);
  EXPECT_FALSE(this->Find("A", "N2").has_value());
  std::vector<std::string> ids = this->IdsOf(this->Scan());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"A/N1", "A/S1", "A/S2"}));
}

TYPED_TEST_P(TradeStoreContract, RetryOfConflictedRequestWithFixedTradeIsAccepted) {
  AppendRequest stored = this->AppendOk({testing::MakeTrade("A", "T1")});
  domain::Trade changed = testing::MakeTrade("A", "T1");
  changed.quantity = 5;
  AppendRequest request = testing::RequestOf({testing::MakeTrade("A", "T2"), changed});
  ASSERT_TRUE(this->Append({&request}).ok());
  ASSERT_TRUE(request.conflict_index.has_value());

  // Reusing the request object: Append resets its outputs.
  request.trades[1] = testing::MakeTrade("A", "T1");
  ASSERT_TRUE(this->Append({&request}).ok());
  EXPECT_FALSE(request.conflict_index.has_value());
  EXPECT_EQ(request.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kDuplicate}));
  EXPECT_GT(request.seqs[0], stored.seqs[0]);
  EXPECT_EQ(request.seqs[1], stored.seqs[0]);
  EXPECT_EQ(request.trades[0].seq, request.seqs[0]);
  EXPECT_EQ(request.trades[1].seq, 0);
}

// --- the stable point, counts and totals ---

TYPED_TEST_P(TradeStoreContract, LastSeqIsAStablePoint) {
  using testing::MakeTrade;
  this->AppendOk({MakeTrade("A", "1"), MakeTrade("A", "2"), MakeTrade("B", "1")});
  const int64_t w = this->LastSeq();
  ASSERT_GT(w, 0);
  EXPECT_EQ(this->Count(0, w), 3);
  const std::vector<int64_t> through_w = testing::SeqsOf(this->Scan());

  AppendRequest more = this->AppendOk({MakeTrade("A", "3"), MakeTrade("C", "1")});
  // The set "every trade with seq <= w" did not change; everything new is above w.
  EXPECT_EQ(this->Count(0, w), 3);
  for (int64_t seq : more.seqs) EXPECT_GT(seq, w);
  std::vector<int64_t> now = testing::SeqsOf(this->Scan());
  now.erase(std::remove_if(now.begin(), now.end(), [&](int64_t seq) { return seq > w; }), now.end());
  EXPECT_EQ(now, through_w);
  // A reader that has seen everything up to w and reads (w, LastSeq()] misses nothing.
  std::vector<int64_t> after_w = testing::SeqsOf(this->Scan(w));
  std::vector<int64_t> expected = more.seqs;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(after_w, expected);
  EXPECT_EQ(this->Count(w, this->LastSeq()), 2);
  EXPECT_GE(this->LastSeq(), w);
}

TYPED_TEST_P(TradeStoreContract, StablePointHoldsWhileOneWriterAppends) {
  constexpr int kCalls = 20;
  constexpr int kTradesPerCall = 10;
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::thread writer([&] {
    for (int c = 0; c < kCalls; ++c) {
      AppendRequest a;
      AppendRequest b;
      for (int i = 0; i < kTradesPerCall; ++i) {
        (i % 2 ? a : b).trades.push_back(
            testing::MakeTrade(i % 3 ? "A" : "B", std::to_string(c) + "-" + std::to_string(i)));
      }
      if (!this->store_->Append(std::vector<AppendRequest*>{&a, &b}).ok()) ++errors;
    }
    done = true;
  });
  // Each reader takes a stable point w and checks that the set of trades up to w stays what it
  // first counted, however much the writer adds meanwhile.
  auto reader = [&] {
    int64_t last = 0;
    bool last_pass = false;
    while (!last_pass) {
      last_pass = done;
      Result<int64_t> w = this->store_->LastSeq();
      if (!w.ok() || *w < last) {
        ++errors;
        continue;
      }
      last = *w;
      Result<int64_t> counted = this->store_->CountTrades(0, *w);
      int64_t scanned = 0;
      int64_t previous = 0;
      Status scan = this->store_->ScanTrades(0, 0, [&](const domain::Trade& t) {
        if (t.seq <= previous) ++errors;  // seq order
        previous = t.seq;
        if (t.seq <= *w) ++scanned;
      });
      Result<int64_t> recounted = this->store_->CountTrades(0, *w);
      if (!counted.ok() || !scan.ok() || !recounted.ok() || *counted != scanned || *recounted != *counted) ++errors;
      Result<TradePage> page = this->store_->ListTrades(testing::Query().Participant("A").After(*w / 2).Limit(50));
      if (!page.ok()) {
        ++errors;
        continue;
      }
      for (size_t i = 1; i < page->trades.size(); ++i) {
        if (page->trades[i].seq <= page->trades[i - 1].seq) ++errors;
      }
    }
  };
  std::thread reader1(reader);
  std::thread reader2(reader);
  writer.join();
  reader1.join();
  reader2.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(this->Count(0, this->LastSeq()), kCalls * kTradesPerCall);
  EXPECT_EQ(this->Scan().size(), static_cast<size_t>(kCalls * kTradesPerCall));
}

TYPED_TEST_P(TradeStoreContract, CountTradesCountsASeqRange) {
  using testing::MakeTrade;
  AppendRequest first = this->AppendOk({MakeTrade("A", "1"), MakeTrade("A", "2")});
  AppendRequest second = this->AppendOk({MakeTrade("A", "3"), MakeTrade("A", "4"), MakeTrade("A", "5")});
  const int64_t last = this->LastSeq();
  const int64_t first_max = std::max(first.seqs[0], first.seqs[1]);
  EXPECT_EQ(this->Count(0, last), 5);
  EXPECT_EQ(this->Count(0, first_max), 2);
  EXPECT_EQ(this->Count(first_max, last), 3);
  EXPECT_EQ(this->Count(first_max, first_max), 0);
  EXPECT_EQ(this->Count(last, first_max), 0);  // an empty range
  EXPECT_EQ(this->Count(last, std::numeric_limits<int64_t>::max()), 0);
  const int64_t one = second.seqs[1];
  EXPECT_EQ(this->Count(one - 1, one), 1);  // through_seq is inclusive, after_seq exclusive
  EXPECT_EQ(this->Count(one, one), 0);
}

TYPED_TEST_P(TradeStoreContract, DateTotalsCountEachDatesAcceptedTradesOnly) {
  std::vector<domain::Trade> trades;
  for (int i = 0; i < 6; ++i) {
    domain::Trade t = testing::MakeTrade("ALPHA", "T" + std::to_string(i));
    t.business_date = i % 2 == 0 ? this->kDay1 : this->kDay2;
    trades.push_back(t);
  }
  AppendRequest first = this->AppendOk(trades);
  EXPECT_EQ(this->Totals(this->kDay1), (DateTradeCount{3, std::max({first.seqs[0], first.seqs[2], first.seqs[4]})}));
  const DateTradeCount day2{3, std::max({first.seqs[1], first.seqs[3], first.seqs[5]})};
  EXPECT_EQ(this->Totals(this->kDay2), day2);
  EXPECT_EQ(this->Totals(this->kDay1 - 1), (DateTradeCount{0, 0}));

  // Duplicates add nothing; a conflicted request adds nothing; the other request of the call does.
  AppendRequest duplicate = testing::RequestOf({trades[0]});
  domain::Trade conflicting = trades[1];
  conflicting.quantity += 1;
  domain::Trade new_on_day2 = testing::MakeTrade("ALPHA", "T-new");
  new_on_day2.business_date = this->kDay2;
  AppendRequest conflict = testing::RequestOf({new_on_day2, conflicting});
  AppendRequest late = testing::RequestOf({testing::MakeTrade("ALPHA", "T-late")});  // on day 1
  ASSERT_TRUE(this->Append({&duplicate, &conflict, &late}).ok());
  ASSERT_EQ(duplicate.outcomes[0], AppendOutcome::kDuplicate);
  ASSERT_TRUE(conflict.conflict_index.has_value());
  EXPECT_EQ(this->Totals(this->kDay1), (DateTradeCount{4, late.seqs[0]}));
  EXPECT_EQ(this->Totals(this->kDay2), day2);
}

// --- listing and scanning ---

TYPED_TEST_P(TradeStoreContract, ListFiltersAloneAndCombined) {
  const auto table = this->AppendListTable();
  auto seqs = [&](std::initializer_list<const char*> ids) { return TestFixture::SeqsOfIds(table, ids); };
  auto list = [&](TradeQuery query) { return testing::SeqsOf(this->List(query).trades); };
  using testing::Query;
  const Date d1 = this->kDay1;
  const Date d2 = this->kDay2;
  EXPECT_EQ(list(Query()), seqs({"T1", "T2", "T3", "T4", "T5", "T6", "T7"}));
  EXPECT_EQ(list(Query().Participant("A")), seqs({"T1", "T3", "T4", "T6"}));
  EXPECT_EQ(list(Query().On(d2)), seqs({"T3", "T5"}));
  EXPECT_EQ(list(Query().Instrument(this->kI2)), seqs({"T3", "T4"}));
  EXPECT_TRUE(list(Query().Participant("Z")).empty());
  EXPECT_TRUE(list(Query().Participant("a")).empty());  // compared exactly
  EXPECT_TRUE(list(Query().On(d1 + 7)).empty());

  EXPECT_EQ(list(Query().Participant("A").On(d1)), seqs({"T1", "T4", "T6"}));
  EXPECT_EQ(list(Query().Participant("A").On(d1).Instrument(this->kI1)), seqs({"T1", "T6"}));
  EXPECT_EQ(list(Query().On(d2).Instrument(this->kI1)), seqs({"T5"}));
  EXPECT_TRUE(list(Query().Participant("C").On(d2)).empty());

  // The cursor: only trades after a seq, with the other filters.
  const std::vector<int64_t> a = seqs({"T1", "T3", "T4", "T6"});
  EXPECT_EQ(list(Query().Participant("A").After(a[1])), (std::vector<int64_t>{a[2], a[3]}));
  EXPECT_TRUE(list(Query().After(this->LastSeq())).empty());
}

TYPED_TEST_P(TradeStoreContract, ListReturnsFullTrades) {
  const auto table = this->AppendListTable();
  TradePage page = this->List(testing::Query().Participant("B").On(this->kDay2));
  ASSERT_EQ(page.trades.size(), 1u);
  domain::Trade expected = testing::MakeTrade("B", "T5");
  expected.business_date = this->kDay2;
  expected.seq = table.at("T5");
  testing::ExpectSameTrade(page.trades[0], expected);
}

TYPED_TEST_P(TradeStoreContract, CursorPagingVisitsEveryTradeOnceInSeqOrder) {
  const auto table = this->AppendListTable();
  // Pages of every size, with and without a filter: following next_after_seq until it is unset
  // returns each matching trade exactly once, in seq order, never more than `limit` per page.
  // (Whether a last full page announces a next one is the store's business: "more may follow".)
  auto walk = [&](testing::TradeQueryBuilder builder, size_t limit) {
    std::vector<int64_t> walked;
    TradeQuery query = builder.Limit(limit);
    for (int pages = 0; pages < 20; ++pages) {
      TradePage page = this->List(query);
      EXPECT_LE(page.trades.size(), limit);
      for (const domain::Trade& t : page.trades) walked.push_back(t.seq);
      if (!page.next_after_seq) return walked;
      EXPECT_GT(*page.next_after_seq, query.after_seq) << "the cursor moves on";
      query.after_seq = *page.next_after_seq;
    }
    ADD_FAILURE() << "paging did not end";
    return walked;
  };
  const std::vector<int64_t> all = TestFixture::SeqsOfIds(table, {"T1", "T2", "T3", "T4", "T5", "T6", "T7"});
  const std::vector<int64_t> a = TestFixture::SeqsOfIds(table, {"T1", "T3", "T4", "T6"});
  for (size_t limit : {1, 2, 3, 4, 7, 8}) {
    EXPECT_EQ(walk(testing::Query(), limit), all) << "limit " << limit;
    EXPECT_EQ(walk(testing::Query().Participant("A"), limit), a) << "limit " << limit;
  }

  // A page that is not the last one says where to go on.
  TradePage first = this->List(testing::Query().Participant("A").Limit(3));
  EXPECT_EQ(testing::SeqsOf(first.trades), (std::vector<int64_t>{a[0], a[1], a[2]}));
  ASSERT_TRUE(first.next_after_seq.has_value());
  TradePage second = this->List(testing::Query().Participant("A").Limit(3).After(*first.next_after_seq));
  EXPECT_EQ(testing::SeqsOf(second.trades), (std::vector<int64_t>{a[3]}));

  EXPECT_EQ(this->List(testing::Query().Limit(std::numeric_limits<size_t>::max())).trades.size(), 7u);
}

TYPED_TEST_P(TradeStoreContract, ScanAfterSeqWithLimit) {
  const auto table = this->AppendListTable();
  const std::vector<int64_t> all = TestFixture::SeqsOfIds(table, {"T1", "T2", "T3", "T4", "T5", "T6", "T7"});
  EXPECT_EQ(testing::SeqsOf(this->Scan(0, 0)), all);  // 0: no limit
  EXPECT_EQ(testing::SeqsOf(this->Scan(all[1], 3)), (std::vector<int64_t>{all[2], all[3], all[4]}));
  EXPECT_EQ(testing::SeqsOf(this->Scan(all[4], 0)), (std::vector<int64_t>{all[5], all[6]}));
  EXPECT_EQ(testing::SeqsOf(this->Scan(all[4], 100)), (std::vector<int64_t>{all[5], all[6]}));
  EXPECT_EQ(testing::SeqsOf(this->Scan(all[4] - 1, 1)), (std::vector<int64_t>{all[4]}));
  EXPECT_TRUE(this->Scan(all[6], 10).empty());
  EXPECT_TRUE(this->Scan(this->LastSeq(), 0).empty());
}

// --- persistence ---

TYPED_TEST_P(TradeStoreContract, TradesAndTheirIdempotencySurviveReopening) {
  AppendRequest request = this->AppendOk({testing::MakeTrade("A", "1"), testing::MakeTrade("B", "1")});
  const int64_t last = this->LastSeq();
  const DateTradeCount totals = this->Totals(this->kDay1);
  // A backend that does not persist has nothing to reopen: the rest holds on the same store.
  if (TypeParam::kPersists) this->Reopen();

  EXPECT_EQ(this->LastSeq(), last);
  EXPECT_EQ(this->Totals(this->kDay1), totals);
  EXPECT_EQ(this->Count(0, last), 2);
  std::vector<domain::Trade> trades = this->Scan();
  ASSERT_EQ(trades.size(), 2u);
  for (const domain::Trade& read : trades) {
    const domain::Trade& written = read.seq == request.trades[0].seq ? request.trades[0] : request.trades[1];
    testing::ExpectSameTrade(read, written);
  }

  // Idempotency survives the restart too, and new trades still come after the old ones.
  AppendRequest retry = this->AppendOk({testing::MakeTrade("B", "1"), testing::MakeTrade("C", "1")});
  EXPECT_EQ(retry.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kDuplicate, AppendOutcome::kAccepted}));
  EXPECT_EQ(retry.seqs[0], request.seqs[1]);
  EXPECT_GT(retry.seqs[1], last);
}

REGISTER_TYPED_TEST_SUITE_P(TradeStoreContract, AnEmptyStoreHasNoTrades, AppendThenReadBackEveryFieldExactly,
                            DecimalsAndTimesRoundTripExactly, SeqsArePositiveUniqueAndGrowFromCallToCall,
                            EmptyCallsAndEmptyRequestsDoNothing, DuplicateWithinOneRequestIsStoredOnce,
                            DuplicateAcrossRequestsOfOneCall, DuplicateAcrossCallsReportsTheStoredSeqAndBusinessDate,
                            SameTradeIdForAnotherParticipantIsAnotherTrade, DefaultedTradeTimeIsIgnoredForIdempotency,
                            ConflictRollsBackOnlyItsRequest, AChangeOfAnyContentFieldIsAConflict,
                            ConflictInsideOneRequestRollsItBack, ConflictUndoKeepsTradesTheRequestOnlyDuplicated,
                            RetryOfConflictedRequestWithFixedTradeIsAccepted, LastSeqIsAStablePoint,
                            StablePointHoldsWhileOneWriterAppends, CountTradesCountsASeqRange,
                            DateTotalsCountEachDatesAcceptedTradesOnly, ListFiltersAloneAndCombined,
                            ListReturnsFullTrades, CursorPagingVisitsEveryTradeOnceInSeqOrder, ScanAfterSeqWithLimit,
                            TradesAndTheirIdempotencySurviveReopening);

}  // namespace tradeagg::store
