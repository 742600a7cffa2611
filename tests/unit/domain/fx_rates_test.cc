#include "tradeagg/domain/fx_rates.h"

#include <gtest/gtest.h>

namespace tradeagg::domain {
namespace {

Decimal D(const char* text) { return *Decimal::Parse(text); }

TEST(FxRatesTest, TheReportingCurrencyIsOneAndOthersAreWhatWasLoaded) {
  FxRates rates;
  rates.to_reporting = {{"EUR", D("1.0843")}};
  EXPECT_EQ(rates.RateOf("USD", "USD"), Decimal::FromInteger(1));
  EXPECT_EQ(rates.RateOf("EUR", "USD"), D("1.0843"));
  EXPECT_EQ(rates.RateOf("GBP", "USD"), std::nullopt);
}

TEST(FxRatesTest, ValidationNamesEveryBadRate) {
  FxRates rates;
  rates.to_reporting = {{"EUR", D("1.08")}, {"GBP", D("0")}, {"CHF", D("1000000")}, {"JPY", D("0.0067")},
                        {"USD", D("1.5")}};
  std::vector<FieldError> errors = ValidateFxRates(rates, "USD", {"EUR", "GBP", "CHF", "USD"});
  std::set<std::string> fields;
  for (const FieldError& e : errors) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"rates.GBP", "rates.CHF", "rates.JPY", "rates.USD"}));
  rates.to_reporting = {{"EUR", D("1.08")}, {"USD", D("1")}};
  EXPECT_TRUE(ValidateFxRates(rates, "USD", {"EUR"}).empty());  // the reporting currency need not be traded
}

}  // namespace
}  // namespace tradeagg::domain
