#include "tradeagg/agg/reconciler.h"

#include <gtest/gtest.h>

namespace tradeagg::agg {
namespace {

using domain::ExposureLevel;
using domain::Side;

Decimal D(const char* text) { return *Decimal::Parse(text); }

ExposureSet Set(std::vector<TradeGroup> groups) { return ExposureSet::FromGroups(groups); }

const std::vector<TradeGroup> kGroups = {
    {ExposureLevel::kInstrument, "A", "US0378331005", "USD", Side::kBuy, 100, D("10000.5"), 2},
    {ExposureLevel::kCounterparty, "A", "B", "USD", Side::kBuy, 100, D("10000.5"), 2},
    {ExposureLevel::kInstrument, "A", "GB0007980591", "GBP", Side::kSell, 10, D("55.5"), 1},
    {ExposureLevel::kCounterparty, "A", "B", "GBP", Side::kSell, 10, D("55.5"), 1},
};

TEST(ReconcilerTest, EqualSetsHaveNoDifferences) {
  ExposureSet lake = Set(kGroups);
  ExposureSet book = Set(kGroups);
  lake.AddReportingTotals({}, "USD");  // reporting rows are not compared
  Reconciliation r = Reconcile(lake, book);
  EXPECT_EQ(r.difference_count, 0);
  EXPECT_TRUE(r.differences.empty());
}

TEST(ReconcilerTest, EveryDifferingFieldIsCountedAndNamed) {
  std::vector<TradeGroup> changed = kGroups;
  changed[0].notional = D("10000.50000001");  // one hundred-millionth
  changed[1].notional = D("10000.50000001");
  Reconciliation r = Reconcile(Set(changed), Set(kGroups));
  // The instrument, counterparty and participant rows of A/USD each differ in buy_notional.
  EXPECT_EQ(r.difference_count, 3);
  ASSERT_EQ(r.differences.size(), 3u);
  const domain::ReconciliationDifference& d = r.differences[0];
  EXPECT_EQ(d.level, ExposureLevel::kInstrument);
  EXPECT_EQ(d.participant, "A");
  EXPECT_EQ(d.key, "US0378331005");
  EXPECT_EQ(d.field, "buy_notional");
  EXPECT_EQ(d.lake, "10000.50000001");
  EXPECT_EQ(d.book, "10000.5");
}

TEST(ReconcilerTest, TradeCountsPerSideAreCompared) {
  // Same sums, same total count, but one trade on the other side: a real difference.
  std::vector<TradeGroup> changed = kGroups;
  changed[0].trades = 1;
  changed[1].trades = 1;
  changed.push_back({ExposureLevel::kInstrument, "A", "US0378331005", "USD", Side::kSell, 0, D("0"), 1});
  changed.push_back({ExposureLevel::kCounterparty, "A", "B", "USD", Side::kSell, 0, D("0"), 1});
  Reconciliation r = Reconcile(Set(changed), Set(kGroups));
  // buy_trades and sell_trades in A/USD's instrument, counterparty and participant rows.
  EXPECT_EQ(r.difference_count, 6);
  ASSERT_EQ(r.differences.size(), 6u);
  EXPECT_EQ(r.differences[0].field, "buy_trades");
  EXPECT_EQ(r.differences[0].lake, "1");
  EXPECT_EQ(r.differences[0].book, "2");
  EXPECT_EQ(r.differences[1].field, "sell_trades");
}

TEST(ReconcilerTest, ARowOnOneSideOnlyDiffersInEveryFieldAndOnlyTheFirstAreKept) {
  std::vector<TradeGroup> more = kGroups;
  more.push_back({ExposureLevel::kInstrument, "C", "US0378331005", "USD", Side::kBuy, 1, D("1"), 1});
  more.push_back({ExposureLevel::kCounterparty, "C", "A", "USD", Side::kBuy, 1, D("1"), 1});
  Reconciliation r = Reconcile(Set(more), Set(kGroups), /*max_recorded=*/4);
  EXPECT_EQ(r.difference_count, 3 * 7);  // C's three rows, seven fields each
  ASSERT_EQ(r.differences.size(), 4u);
  EXPECT_EQ(r.differences[0].participant, "C");
  EXPECT_EQ(r.differences[0].book, "");
  Reconciliation reverse = Reconcile(Set(kGroups), Set(more));
  EXPECT_EQ(reverse.difference_count, 21);
  EXPECT_EQ(reverse.differences[0].lake, "");
}

}  // namespace
}  // namespace tradeagg::agg
