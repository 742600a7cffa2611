#include "tradeagg/domain/exposure.h"

#include <limits>

#include <gtest/gtest.h>

namespace tradeagg::domain {
namespace {

Decimal P(std::string_view text) { return *Decimal::Parse(text); }

TEST(ExposureTest, EmptyIsFlatWithoutVwap) {
  ExposureTotals totals;
  EXPECT_EQ(totals.net_quantity(), 0);
  EXPECT_TRUE(totals.net_notional().is_zero());
  EXPECT_TRUE(totals.gross_notional().is_zero());
  EXPECT_FALSE(totals.buy_vwap().has_value());
  EXPECT_FALSE(totals.sell_vwap().has_value());
  EXPECT_EQ(totals.direction(), Direction::kFlat);
  EXPECT_EQ(totals.trade_count, 0);
}

TEST(ExposureTest, NetGrossAndVwap) {
  ExposureTotals totals;
  totals.Add(Side::kBuy, 100, P("1000"));    // at 10
  totals.Add(Side::kBuy, 300, P("3600"));    // at 12
  totals.Add(Side::kSell, 150, P("1725"));   // at 11.5
  EXPECT_EQ(totals.buy_quantity, 400);
  EXPECT_EQ(totals.sell_quantity, 150);
  EXPECT_EQ(totals.net_quantity(), 250);
  EXPECT_EQ(totals.net_notional().ToString(), "2875");
  EXPECT_EQ(totals.gross_notional().ToString(), "6325");
  EXPECT_EQ(totals.buy_vwap()->ToString(), "11.5");
  EXPECT_EQ(totals.sell_vwap()->ToString(), "11.5");
  EXPECT_EQ(totals.trade_count, 3);
  EXPECT_EQ(totals.direction(), Direction::kLong);
}

TEST(ExposureTest, Direction) {
  ExposureTotals totals;
  totals.Add(Side::kSell, 10, P("100"));
  EXPECT_EQ(totals.direction(), Direction::kShort);
  EXPECT_EQ(totals.net_quantity(), -10);
  EXPECT_EQ(totals.net_notional().ToString(), "-100");
  EXPECT_FALSE(totals.buy_vwap().has_value());
  totals.Add(Side::kBuy, 10, P("120"));
  // Flat by quantity even though the notionals differ.
  EXPECT_EQ(totals.direction(), Direction::kFlat);
  EXPECT_EQ(totals.net_notional().ToString(), "20");
  EXPECT_STREQ(DirectionName(Direction::kFlat), "FLAT");
  EXPECT_STREQ(DirectionName(Direction::kLong), "LONG");
  EXPECT_STREQ(DirectionName(Direction::kShort), "SHORT");
}

TEST(ExposureTest, VwapRoundsHalfToEvenAtEightPlaces) {
  ExposureTotals thirds;
  thirds.Add(Side::kBuy, 3, P("10"));
  thirds.Add(Side::kSell, 3, P("20"));
  EXPECT_EQ(thirds.buy_vwap()->ToString(), "3.33333333");
  EXPECT_EQ(thirds.sell_vwap()->ToString(), "6.66666667");

  ExposureTotals halves;
  halves.Add(Side::kBuy, 2, P("0.00000005"));   // 0.000000025 -> 0.00000002
  halves.Add(Side::kSell, 2, P("0.00000007"));  // 0.000000035 -> 0.00000004
  EXPECT_EQ(halves.buy_vwap()->ToString(), "0.00000002");
  EXPECT_EQ(halves.sell_vwap()->ToString(), "0.00000004");
}

TEST(ExposureTest, AddTradeUsesItsSideQuantityAndNotional) {
  Trade trade;
  trade.side = Side::kSell;
  trade.quantity = 7;
  trade.price = P("2.5");
  trade.notional = P("17.5");
  ExposureTotals totals;
  totals.Add(trade);
  EXPECT_EQ(totals.sell_quantity, 7);
  EXPECT_EQ(totals.sell_notional, P("17.5"));
  EXPECT_EQ(totals.sell_vwap(), P("2.5"));
  EXPECT_EQ(totals.trade_count, 1);
}

TEST(ExposureTest, MergeEqualsAddingEverything) {
  ExposureTotals a, b, all;
  a.Add(Side::kBuy, 5, P("50.5"));
  all.Add(Side::kBuy, 5, P("50.5"));
  b.Add(Side::kSell, 2, P("21"));
  all.Add(Side::kSell, 2, P("21"));
  b.Add(Side::kBuy, 1, P("9.99"));
  all.Add(Side::kBuy, 1, P("9.99"));
  a.Merge(b);
  EXPECT_EQ(a, all);
  EXPECT_EQ(a.trade_count, 3);
}

TEST(ExposureTest, TradesAreCountedPerSideAndInTotal) {
  ExposureTotals totals;
  totals.Add(Side::kBuy, 5, P("50"));
  totals.AddSums(Side::kBuy, 30, P("300"), 3);
  totals.AddSums(Side::kSell, 8, P("80"), 2);
  EXPECT_EQ(totals.buy_trades, 4);
  EXPECT_EQ(totals.sell_trades, 2);
  EXPECT_EQ(totals.trade_count, 6);
  EXPECT_TRUE(totals.side_counts_known());

  Trade sell;
  sell.side = Side::kSell;
  sell.quantity = 4;
  sell.notional = P("40");
  totals.Add(sell);
  totals.Subtract(sell);
  EXPECT_EQ(totals.sell_trades, 2);
  EXPECT_EQ(totals.trade_count, 6);

  ExposureTotals other;
  other.Add(sell);
  totals.Merge(other);
  EXPECT_EQ(totals.buy_trades, 4);
  EXPECT_EQ(totals.sell_trades, 3);
  EXPECT_EQ(totals.trade_count, 7);
}

TEST(ExposureTest, ARowStoredBeforeTheSplitHasNoKnownSideCounts) {
  ExposureTotals old;
  old.trade_count = 5;  // buys and sells, counted together
  EXPECT_FALSE(old.side_counts_known());
}

TEST(ExposureTest, NotionalDirectionFollowsTheNetNotional) {
  ExposureTotals totals;
  EXPECT_EQ(totals.notional_direction(), Direction::kFlat);
  totals.Add(Side::kBuy, 10, P("120"));
  totals.Add(Side::kSell, 10, P("100"));
  EXPECT_EQ(totals.direction(), Direction::kFlat);
  EXPECT_EQ(totals.notional_direction(), Direction::kLong);
  totals.Add(Side::kSell, 1, P("20.00000001"));
  EXPECT_EQ(totals.notional_direction(), Direction::kShort);
  EXPECT_EQ(totals.direction(), Direction::kShort);
}

// The case: long by shares of a cheap stock, short in money by a few of a dear one.
TEST(ExposureTest, LongInSummedQuantityIsShortInNotional) {
  ExposureTotals cheap;
  ExposureTotals dear;
  cheap.Add(Side::kBuy, 1000, P("1000"));  // 1000 at 1
  dear.Add(Side::kSell, 10, P("5000"));    // 10 at 500
  EXPECT_EQ(cheap.direction(), Direction::kLong);
  EXPECT_EQ(dear.direction(), Direction::kShort);
  ExposureTotals participant = cheap;
  participant.Merge(dear);
  EXPECT_EQ(participant.net_notional().ToString(), "-4000");
  EXPECT_EQ(participant.notional_direction(), Direction::kShort);
  EXPECT_EQ(participant.direction(), Direction::kLong) << "what the summed quantity would wrongly say";
}

TEST(ExposureTest, QuantitiesSumBeyondInt64) {
  ExposureTotals totals;
  totals.buy_quantity = std::numeric_limits<int64_t>::max();
  totals.Add(Side::kBuy, 1, P("1"));
  EXPECT_EQ(Int128ToString(totals.net_quantity()), "9223372036854775808");  // 2^63
  EXPECT_EQ(totals.direction(), Direction::kLong);
}

}  // namespace
}  // namespace tradeagg::domain
