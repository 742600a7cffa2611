// ReportingTotals: one row per participant in the reporting currency, from the participant's
// per-currency totals and the business date's FX rates.
//
// Each currency's buy and sell notionals are converted (exact product, rounded half to even at
// 8 places) and summed; trade counts are summed as they are. A currency without a rate is never
// guessed: the participant's row lists it in missing_rates and carries no notionals. Used by
// aggregation runs (ExposureSet) and by the live positions of the API alike.
// Thread safety: pure function.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/domain/exposure_row.h"
#include "tradeagg/domain/fx_rates.h"

namespace tradeagg::agg {

struct ReportingTotals {
  std::vector<domain::ExposureRow> rows;         // level kReporting, by participant
  std::vector<std::string> missing_rates;        // currencies without a rate, over every participant
};

// `participant_rows`: rows of level kParticipant (others are ignored), in any order.
ReportingTotals ConvertToReporting(std::span<const domain::ExposureRow> participant_rows, const domain::FxRates& rates,
                                   std::string_view reporting_currency);

}  // namespace tradeagg::agg
