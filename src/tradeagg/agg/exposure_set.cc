#include "tradeagg/agg/exposure_set.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "tradeagg/agg/reporting_totals.h"

namespace tradeagg::agg {

namespace {

using domain::ExposureLevel;
using domain::ExposureRow;
using domain::ExposureTotals;
using Key = std::tuple<std::string, std::string, std::string>;  // participant, key, currency

void AppendLevel(std::vector<ExposureRow>& rows, ExposureLevel level, const std::map<Key, ExposureTotals>& totals) {
  for (const auto& [key, value] : totals) {
    const auto& [participant, item, currency] = key;
    rows.push_back(ExposureRow{level, participant, item, currency, value, {}});
  }
}

// Participant totals: the sum of a participant's instrument rows in each currency.
std::map<Key, ExposureTotals> ParticipantTotals(const std::map<Key, ExposureTotals>& by_instrument) {
  std::map<Key, ExposureTotals> totals;
  for (const auto& [key, value] : by_instrument) {
    totals[Key{std::get<0>(key), "", std::get<2>(key)}].Merge(value);
  }
  return totals;
}

void Build(const std::map<Key, ExposureTotals>& by_instrument, const std::map<Key, ExposureTotals>& by_counterparty,
           std::vector<ExposureRow>& rows) {
  AppendLevel(rows, ExposureLevel::kInstrument, by_instrument);
  AppendLevel(rows, ExposureLevel::kCounterparty, by_counterparty);
  AppendLevel(rows, ExposureLevel::kParticipant, ParticipantTotals(by_instrument));
}

}  // namespace

ExposureSet ExposureSet::FromGroups(std::span<const TradeGroup> groups) {
  std::map<Key, ExposureTotals> by_instrument;
  std::map<Key, ExposureTotals> by_counterparty;
  for (const TradeGroup& g : groups) {
    auto& level = g.level == ExposureLevel::kInstrument ? by_instrument : by_counterparty;
    level[Key{g.participant, g.key, g.currency}].AddSums(g.side, g.quantity, g.notional, g.trades);
  }
  ExposureSet set;
  Build(by_instrument, by_counterparty, set.rows_);
  set.Sort();
  return set;
}

ExposureSet ExposureSet::FromBook(const book::DateView& view) {
  ExposureSet set;
  Build(view.by_instrument, view.by_counterparty, set.rows_);
  set.Sort();
  return set;
}

std::vector<std::string> ExposureSet::AddReportingTotals(const domain::FxRates& rates,
                                                         std::string_view reporting_currency) {
  ReportingTotals reporting = ConvertToReporting(rows_, rates, reporting_currency);
  for (ExposureRow& row : reporting.rows) rows_.push_back(std::move(row));
  Sort();
  return std::move(reporting.missing_rates);
}

int64_t ExposureSet::CountAt(ExposureLevel level) const {
  return std::count_if(rows_.begin(), rows_.end(), [level](const ExposureRow& r) { return r.level == level; });
}

int64_t ExposureSet::trade_count() const {
  int64_t trades = 0;
  for (const ExposureRow& row : rows_) {
    if (row.level == ExposureLevel::kParticipant) trades += row.totals.trade_count;
  }
  return trades;
}

void ExposureSet::Sort() {
  std::sort(rows_.begin(), rows_.end(), [](const ExposureRow& a, const ExposureRow& b) {
    return std::tie(a.level, a.participant, a.key, a.currency) < std::tie(b.level, b.participant, b.key, b.currency);
  });
}

}  // namespace tradeagg::agg
