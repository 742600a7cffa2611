#include "tradeagg/domain/fx_rates.h"

namespace tradeagg::domain {

namespace {

// Rates are kept well inside what MultiplyRounded can take for a day's notionals.
const Decimal kMaxRate = Decimal::FromInteger(1'000'000);

}  // namespace

std::optional<Decimal> FxRates::RateOf(std::string_view currency, std::string_view reporting_currency) const {
  if (currency == reporting_currency) return Decimal::FromInteger(1);
  auto it = to_reporting.find(currency);
  if (it == to_reporting.end()) return std::nullopt;
  return it->second;
}

std::vector<FieldError> ValidateFxRates(const FxRates& rates, std::string_view reporting_currency,
                                        const std::set<std::string>& currencies) {
  std::vector<FieldError> errors;
  for (const auto& [currency, rate] : rates.to_reporting) {
    const std::string field = "rates." + currency;
    if (!currencies.contains(currency) && currency != reporting_currency) {
      errors.push_back({field, "is not a configured currency"});
    } else if (rate <= Decimal() || rate >= kMaxRate) {
      errors.push_back({field, "must be a decimal greater than 0 and less than 10^6"});
    } else if (currency == reporting_currency && rate != Decimal::FromInteger(1)) {
      errors.push_back({field, "the reporting currency's rate is 1"});
    }
  }
  return errors;
}

}  // namespace tradeagg::domain
