#include "tradeagg/agg/reporting_totals.h"

#include <map>
#include <set>

namespace tradeagg::agg {

using domain::ExposureLevel;
using domain::ExposureRow;

ReportingTotals ConvertToReporting(std::span<const ExposureRow> participant_rows, const domain::FxRates& rates,
                                   std::string_view reporting_currency) {
  std::map<std::string, ExposureRow> by_participant;
  std::set<std::string> missing_anywhere;
  for (const ExposureRow& row : participant_rows) {
    if (row.level != ExposureLevel::kParticipant) continue;
    ExposureRow& out = by_participant[row.participant];
    out.level = ExposureLevel::kReporting;
    out.participant = row.participant;
    out.currency = std::string(reporting_currency);
    std::optional<Decimal> rate = rates.RateOf(row.currency, reporting_currency);
    if (!rate) {
      out.missing_rates.push_back(row.currency);
      missing_anywhere.insert(row.currency);
    }
    domain::ExposureTotals converted = row.totals;
    if (rate) {
      converted.buy_notional = row.totals.buy_notional.MultiplyRounded(*rate);
      converted.sell_notional = row.totals.sell_notional.MultiplyRounded(*rate);
    }
    out.totals.Merge(converted);
  }
  ReportingTotals totals;
  for (auto& [participant, row] : by_participant) {
    if (!row.missing_rates.empty()) {
      // Unknown, not partial: a total without some currencies would look complete.
      row.totals.buy_notional = Decimal();
      row.totals.sell_notional = Decimal();
    }
    totals.rows.push_back(std::move(row));
  }
  totals.missing_rates.assign(missing_anywhere.begin(), missing_anywhere.end());
  return totals;
}

}  // namespace tradeagg::agg
