#include "tradeagg/agg/reporting_totals.h"

#include <gtest/gtest.h>

namespace tradeagg::agg {
namespace {

using domain::ExposureLevel;
using domain::ExposureRow;

Decimal D(std::string_view text) { return *Decimal::Parse(text); }

ExposureRow ParticipantRow(std::string participant, std::string currency, std::string_view buy, std::string_view sell) {
  ExposureRow row;
  row.level = ExposureLevel::kParticipant;
  row.participant = std::move(participant);
  row.currency = std::move(currency);
  row.totals.buy_notional = D(buy);
  row.totals.sell_notional = D(sell);
  row.totals.trade_count = 2;
  row.totals.buy_trades = 1;
  row.totals.sell_trades = 1;
  return row;
}

TEST(ConvertToReportingTest, ConvertsEachCurrencyThenSums) {
  domain::FxRates rates;
  rates.to_reporting["EUR"] = D("1.1");
  std::vector<ExposureRow> rows = {ParticipantRow("P1", "EUR", "100", "10"), ParticipantRow("P1", "USD", "5", "0")};
  ReportingTotals totals = ConvertToReporting(rows, rates, "USD");
  ASSERT_EQ(totals.rows.size(), 1u);
  const ExposureRow& row = totals.rows[0];
  EXPECT_EQ(row.level, ExposureLevel::kReporting);
  EXPECT_EQ(row.currency, "USD");
  EXPECT_EQ(row.totals.buy_notional, D("115"));
  EXPECT_EQ(row.totals.sell_notional, D("11"));
  EXPECT_EQ(row.totals.trade_count, 4);
  EXPECT_TRUE(totals.missing_rates.empty());
}

TEST(ConvertToReportingTest, AMissingRateMakesTheRowUnknownNotPartial) {
  std::vector<ExposureRow> rows = {ParticipantRow("P1", "CHF", "100", "0"), ParticipantRow("P1", "USD", "5", "0"),
                                   ParticipantRow("P2", "USD", "7", "0")};
  ReportingTotals totals = ConvertToReporting(rows, {}, "USD");
  ASSERT_EQ(totals.rows.size(), 2u);
  EXPECT_EQ(totals.rows[0].missing_rates, std::vector<std::string>{"CHF"});
  EXPECT_FALSE(totals.rows[0].notionals_known());
  EXPECT_TRUE(totals.rows[1].notionals_known());
  EXPECT_EQ(totals.rows[1].totals.buy_notional, D("7"));
  EXPECT_EQ(totals.missing_rates, std::vector<std::string>{"CHF"});
}

}  // namespace
}  // namespace tradeagg::agg
