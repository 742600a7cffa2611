#include "tradeagg/agg/exposure_set.h"

#include <gtest/gtest.h>

namespace tradeagg::agg {
namespace {

using domain::ExposureLevel;
using domain::ExposureRow;
using domain::Side;

Decimal D(const char* text) { return *Decimal::Parse(text); }

// The two groups the query gives for trades of one participant, instrument, counterparty,
// currency and side.
std::vector<TradeGroup> Groups(std::string participant, std::string instrument, std::string counterparty,
                               std::string currency, Side side, int128 quantity, const char* notional, int64_t trades) {
  return {{ExposureLevel::kInstrument, participant, std::move(instrument), currency, side, quantity, D(notional), trades},
          {ExposureLevel::kCounterparty, participant, std::move(counterparty), currency, side, quantity, D(notional),
           trades}};
}

const ExposureRow* Find(const ExposureSet& set, ExposureLevel level, std::string_view participant,
                        std::string_view key, std::string_view currency) {
  for (const ExposureRow& row : set.rows()) {
    if (row.level == level && row.participant == participant && row.key == key && row.currency == currency) return &row;
  }
  return nullptr;
}

ExposureSet Sample() {
  std::vector<TradeGroup> groups;
  for (auto part : {Groups("A", "US0378331005", "B", "USD", Side::kBuy, 100, "10000.5", 2),
                    Groups("A", "US0378331005", "C", "USD", Side::kSell, 40, "4100", 1),
                    Groups("A", "GB0007980591", "B", "GBP", Side::kSell, 10, "55.55555555", 1),
                    Groups("B", "US0378331005", "A", "USD", Side::kSell, 100, "10000.5", 2)}) {
    groups.insert(groups.end(), part.begin(), part.end());
  }
  return ExposureSet::FromGroups(groups);
}

TEST(ExposureSetTest, RollsGroupsUpIntoEveryLevel) {
  ExposureSet set = Sample();
  EXPECT_EQ(set.CountAt(ExposureLevel::kInstrument), 3);
  EXPECT_EQ(set.CountAt(ExposureLevel::kCounterparty), 4);  // A-B USD, A-C USD, A-B GBP, B-A USD
  EXPECT_EQ(set.CountAt(ExposureLevel::kParticipant), 3);   // A USD, A GBP, B USD
  EXPECT_EQ(set.trade_count(), 6);
  const ExposureRow* apple = Find(set, ExposureLevel::kInstrument, "A", "US0378331005", "USD");
  ASSERT_NE(apple, nullptr);
  EXPECT_EQ(apple->totals.buy_quantity, 100);
  EXPECT_EQ(apple->totals.sell_quantity, 40);
  EXPECT_EQ(apple->totals.net_notional(), D("5900.5"));
  EXPECT_EQ(apple->totals.trade_count, 3);
  EXPECT_EQ(apple->totals.buy_trades, 2);
  EXPECT_EQ(apple->totals.sell_trades, 1);
  const ExposureRow* a_b = Find(set, ExposureLevel::kCounterparty, "A", "B", "USD");
  ASSERT_NE(a_b, nullptr);
  EXPECT_EQ(a_b->totals.buy_notional, D("10000.5"));
  EXPECT_EQ(a_b->totals.sell_quantity, 0);
  EXPECT_EQ(a_b->totals.buy_trades, 2);
  EXPECT_EQ(a_b->totals.sell_trades, 0);
  const ExposureRow* a_usd = Find(set, ExposureLevel::kParticipant, "A", "", "USD");
  ASSERT_NE(a_usd, nullptr);
  EXPECT_EQ(a_usd->totals.buy_trades, 2);
  EXPECT_EQ(a_usd->totals.sell_trades, 1);
  EXPECT_EQ(a_usd->direction(), domain::Direction::kLong);  // net notional 5900.5
  const ExposureRow* b = Find(set, ExposureLevel::kParticipant, "B", "", "USD");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->direction(), domain::Direction::kShort);
  // Sorted by level, participant, key, currency.
  for (size_t i = 1; i < set.rows().size(); ++i) {
    const ExposureRow& x = set.rows()[i - 1];
    const ExposureRow& y = set.rows()[i];
    EXPECT_LE(std::tie(x.level, x.participant, x.key, x.currency), std::tie(y.level, y.participant, y.key, y.currency));
  }
}

TEST(ExposureSetTest, ReportingTotalsConvertEachCurrencyTotalThenSum) {
  ExposureSet set = Sample();
  domain::FxRates rates;
  rates.to_reporting = {{"GBP", D("1.26492")}};
  EXPECT_TRUE(set.AddReportingTotals(rates, "USD").empty());
  const ExposureRow* a = Find(set, ExposureLevel::kReporting, "A", "", "USD");
  ASSERT_NE(a, nullptr);
  // USD as it is; GBP 55.55555555 x 1.26492 = 70.273333326306 -> 70.27333333 (half even at 8).
  EXPECT_EQ(a->totals.buy_notional, D("10000.5"));
  EXPECT_EQ(a->totals.sell_notional, D("4100") + D("70.27333333"));
  EXPECT_EQ(a->totals.buy_quantity, 100);
  EXPECT_EQ(a->totals.sell_quantity, 50);
  EXPECT_EQ(a->totals.trade_count, 4);
  EXPECT_EQ(a->totals.buy_trades, 2);
  EXPECT_EQ(a->totals.sell_trades, 2);
  EXPECT_TRUE(a->missing_rates.empty());
  // Net 10000.5 - 4170.27333333 in USD.
  EXPECT_EQ(a->direction(), domain::Direction::kLong);
}

TEST(ExposureSetTest, AMissingRateIsReportedAndLeavesTheNotionalsUnknown) {
  ExposureSet set = Sample();
  EXPECT_EQ(set.AddReportingTotals({}, "USD"), std::vector<std::string>{"GBP"});
  const ExposureRow* a = Find(set, ExposureLevel::kReporting, "A", "", "USD");
  const ExposureRow* b = Find(set, ExposureLevel::kReporting, "B", "", "USD");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->missing_rates, std::vector<std::string>{"GBP"});
  EXPECT_TRUE(a->totals.buy_notional.is_zero() && a->totals.sell_notional.is_zero());
  EXPECT_TRUE(b->missing_rates.empty());  // B traded only in the reporting currency
  EXPECT_EQ(b->totals.sell_notional, D("10000.5"));
  EXPECT_FALSE(a->direction().has_value()) << "no direction from unknown notionals";
  EXPECT_EQ(b->direction(), domain::Direction::kShort);
}

// The case: a participant long by the summed quantity of two instruments (1000 bought
// at 1, 10 sold at 500) is short 4000 in money at every level that spans them.
TEST(ExposureSetTest, ALevelSpanningInstrumentsTakesItsDirectionFromTheNetNotional) {
  std::vector<TradeGroup> groups;
  for (auto part : {Groups("M016", "GB00B03MLX29", "X", "GBP", Side::kBuy, 1000, "1000", 4),
                    Groups("M016", "GB0007980591", "X", "GBP", Side::kSell, 10, "5000", 1)}) {
    groups.insert(groups.end(), part.begin(), part.end());
  }
  ExposureSet set = ExposureSet::FromGroups(groups);
  domain::FxRates rates;
  rates.to_reporting = {{"GBP", D("1.25")}};
  set.AddReportingTotals(rates, "USD");
  const ExposureRow* cheap = Find(set, ExposureLevel::kInstrument, "M016", "GB00B03MLX29", "GBP");
  const ExposureRow* dear = Find(set, ExposureLevel::kInstrument, "M016", "GB0007980591", "GBP");
  ASSERT_TRUE(cheap != nullptr && dear != nullptr);
  EXPECT_EQ(cheap->direction(), domain::Direction::kLong);
  EXPECT_EQ(dear->direction(), domain::Direction::kShort);
  const ExposureRow* total = Find(set, ExposureLevel::kParticipant, "M016", "", "GBP");
  ASSERT_NE(total, nullptr);
  EXPECT_GT(total->totals.net_quantity(), 0);  // what the total read as LONG
  EXPECT_EQ(total->totals.net_notional(), D("-4000"));
  EXPECT_EQ(total->direction(), domain::Direction::kShort);
  EXPECT_EQ(total->totals.buy_trades, 4);
  EXPECT_EQ(total->totals.sell_trades, 1);
  EXPECT_EQ(Find(set, ExposureLevel::kCounterparty, "M016", "X", "GBP")->direction(), domain::Direction::kShort);
  const ExposureRow* reporting = Find(set, ExposureLevel::kReporting, "M016", "", "USD");
  ASSERT_NE(reporting, nullptr);
  EXPECT_EQ(reporting->totals.net_notional(), D("-5000"));
  EXPECT_EQ(reporting->direction(), domain::Direction::kShort);
}

TEST(ExposureSetTest, TheBookGivesTheSameRowsAsTheGroups) {
  book::DateView view;
  view.by_instrument[{"A", "US0378331005", "USD"}].AddSums(Side::kBuy, 100, D("10000.5"), 2);
  view.by_instrument[{"A", "US0378331005", "USD"}].AddSums(Side::kSell, 40, D("4100"), 1);
  view.by_instrument[{"A", "GB0007980591", "GBP"}].AddSums(Side::kSell, 10, D("55.55555555"), 1);
  view.by_instrument[{"B", "US0378331005", "USD"}].AddSums(Side::kSell, 100, D("10000.5"), 2);
  view.by_counterparty[{"A", "B", "USD"}].AddSums(Side::kBuy, 100, D("10000.5"), 2);
  view.by_counterparty[{"A", "C", "USD"}].AddSums(Side::kSell, 40, D("4100"), 1);
  view.by_counterparty[{"A", "B", "GBP"}].AddSums(Side::kSell, 10, D("55.55555555"), 1);
  view.by_counterparty[{"B", "A", "USD"}].AddSums(Side::kSell, 100, D("10000.5"), 2);
  EXPECT_EQ(ExposureSet::FromBook(view).rows(), Sample().rows());
}

}  // namespace
}  // namespace tradeagg::agg
