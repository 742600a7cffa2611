#include "tradeagg/store/append_plan.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace tradeagg::store {
namespace {

using Decision = AppendPlan::Decision;

domain::Trade T(std::string participant, std::string id, int64_t quantity = 100) {
  domain::Trade t;
  t.participant = std::move(participant);
  t.trade_id = std::move(id);
  t.counterparty = "CPTY";
  t.instrument = "US0378331005";
  t.quantity = quantity;
  t.price = Decimal::FromUnits(100 * Decimal::kOne);
  t.notional = Decimal::FromUnits(quantity * 100 * Decimal::kOne);
  t.currency = "USD";
  t.trade_time = Timestamp::FromMicros(1'795'512'600'123'456);
  t.business_date = Date::FromCivil(2026, 11, 24);
  return t;
}

AppendRequest R(std::vector<domain::Trade> trades) {
  AppendRequest r;
  r.trades = std::move(trades);
  return r;
}

TEST(AppendPlanTest, FreeKeysAreAcceptedWithConsecutiveSeqs) {
  AppendRequest a = R({T("A", "1"), T("A", "2")});
  AppendRequest* requests[] = {&a};
  AppendPlan plan(requests, 10);
  auto inserts = plan.DecideAll([](const domain::Trade&) { return nullptr; });
  ASSERT_EQ(inserts.size(), 2u);
  EXPECT_EQ(a.seqs, (std::vector<int64_t>{11, 12}));
  EXPECT_EQ(plan.last_seq(), 12);
  EXPECT_EQ(a.outcomes, (std::vector<AppendOutcome>{AppendOutcome::kAccepted, AppendOutcome::kAccepted}));
}

TEST(AppendPlanTest, StoredEqualTradeIsADuplicateWithTheStoredSeqAndDate) {
  domain::Trade stored = T("A", "1");
  stored.seq = 3;
  stored.business_date = Date::FromCivil(2026, 11, 20);
  AppendRequest a = R({T("A", "1"), T("A", "2")});
  AppendRequest* requests[] = {&a};
  AppendPlan plan(requests, 10);
  auto inserts = plan.DecideAll([&](const domain::Trade& t) { return t.trade_id == "1" ? &stored : nullptr; });
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_EQ(a.outcomes[0], AppendOutcome::kDuplicate);
  EXPECT_EQ(a.seqs, (std::vector<int64_t>{3, 11}));
  EXPECT_EQ(a.business_dates[0], Date::FromCivil(2026, 11, 20));
}

TEST(AppendPlanTest, AConflictUndoesOnlyItsRequestAndGivesItsSeqsBack) {
  domain::Trade stored = T("A", "9", 5);
  stored.seq = 1;
  AppendRequest a = R({T("A", "1"), T("A", "9")});  // "9" differs from the stored one
  AppendRequest b = R({T("A", "1")});                // free again once a is undone
  AppendRequest* requests[] = {&a, &b};
  AppendPlan plan(requests, 10);
  auto inserts = plan.DecideAll([&](const domain::Trade& t) { return t.trade_id == "9" ? &stored : nullptr; });
  EXPECT_EQ(a.conflict_index, std::optional<size_t>(1));
  EXPECT_EQ(a.outcomes[1], AppendOutcome::kConflict);
  EXPECT_EQ(a.seqs, (std::vector<int64_t>{0, 0}));
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_EQ(inserts[0], &b.trades[0]);
  EXPECT_EQ(b.seqs, (std::vector<int64_t>{11}));  // a's seq 11 was given back
}

TEST(AppendPlanTest, DuplicatesInsideTheCallPointAtTheFirstCopy) {
  AppendRequest a = R({T("A", "1"), T("A", "1")});
  AppendRequest b = R({T("A", "1")});
  AppendRequest c = R({T("A", "1", 7)});  // same key, other content: conflict with a's copy
  AppendRequest* requests[] = {&a, &b, &c};
  AppendPlan plan(requests, 0);
  auto inserts = plan.DecideAll([](const domain::Trade&) { return nullptr; });
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_EQ(a.outcomes[1], AppendOutcome::kDuplicate);
  EXPECT_EQ(a.seqs, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(b.outcomes[0], AppendOutcome::kDuplicate);
  EXPECT_EQ(b.seqs[0], 1);
  EXPECT_EQ(c.conflict_index, std::optional<size_t>(0));
}

TEST(AppendPlanTest, PositionalNumberingKeepsSeqsWhateverElseHappens) {
  domain::Trade stored = T("A", "1", 5);
  stored.seq = 1;
  AppendRequest a = R({T("A", "1"), T("A", "2")});  // conflict on "1"
  AppendRequest b = R({T("A", "3"), T("A", "4")});
  AppendRequest* requests[] = {&a, &b};
  AppendPlan plan(requests, 100, AppendPlan::Numbering::kPositional);
  auto inserts = plan.DecideAll([&](const domain::Trade& t) { return t.trade_id == "1" ? &stored : nullptr; });
  ASSERT_EQ(inserts.size(), 2u);
  EXPECT_EQ(b.seqs, (std::vector<int64_t>{103, 104}));  // flat positions 2 and 3
  EXPECT_EQ(plan.last_seq(), 104);
}

TEST(AppendPlanTest, DefaultedTradeTimeIsIgnoredForIdempotency) {
  domain::Trade stored = T("A", "1");
  stored.seq = 4;
  domain::Trade retry = T("A", "1");
  retry.trade_time = Timestamp::FromMicros(1'795'512'999'000'000);  // defaulted to a later receive time
  retry.trade_time_defaulted = true;
  AppendRequest a = R({retry});
  AppendRequest* requests[] = {&a};
  AppendPlan plan(requests, 10);
  EXPECT_EQ(plan.Decide(0, 0, &stored), Decision::kDuplicate);
  EXPECT_EQ(a.seqs[0], 4);
}

}  // namespace
}  // namespace tradeagg::store
