// FxRates: one business date's exchange rates into the venue's reporting currency, as loaded by
// risk or operations (PUT /v1/fx-rates/{date}, `tradeagg fx set`).
//
// A rate says how many units of the reporting currency one unit of the currency is worth, as an
// exact decimal with at most 8 places. The reporting currency itself is always 1 and need not be
// loaded. Converting a notional multiplies exactly and rounds half to even at 8 places
// (Decimal::MultiplyRounded); a currency without a rate is reported missing, never guessed.
// Thread safety: value type.
#pragma once

#include <map>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/time.h"
#include "tradeagg/domain/trade_validator.h"

namespace tradeagg::domain {

struct FxRates {
  std::map<std::string, Decimal, std::less<>> to_reporting;
  std::optional<Timestamp> updated_at;  // when they were last loaded; none if never

  // The rate of `currency`: 1 for the reporting currency, nullopt when not loaded.
  std::optional<Decimal> RateOf(std::string_view currency, std::string_view reporting_currency) const;
};

// Every problem with a set of rates, by field ("rates.EUR"): unknown currencies (not in
// `currencies`), rates that are not > 0 or < 10^6, a rate for the reporting currency other
// than 1.
std::vector<FieldError> ValidateFxRates(const FxRates& rates, std::string_view reporting_currency,
                                        const std::set<std::string>& currencies);

}  // namespace tradeagg::domain
