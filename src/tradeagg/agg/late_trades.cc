#include "tradeagg/agg/late_trades.h"

#include <algorithm>

namespace tradeagg::agg {

Result<store::DateTradeCount> LateTradesOf(store::TradeStore& trades, const domain::AggregationRun& run) {
  if (run.request.kind != domain::RunKind::kEod || run.status != domain::RunStatus::kSucceeded) {
    return store::DateTradeCount{};
  }
  ASSIGN_OR_RETURN(store::DateTradeCount date, trades.DateTotals(run.request.business_date));
  // Runs recorded before store_trades existed counted `trades` (reconciled equal to the store).
  const int64_t counted = run.store_trades > 0 ? run.store_trades : run.trades;
  return store::DateTradeCount{std::max<int64_t>(0, date.trades - counted), date.last_seq};
}

Status FillMissingTrades(store::TradeStore& trades, std::span<domain::AggregationRun> runs) {
  for (domain::AggregationRun& run : runs) {
    ASSIGN_OR_RETURN(store::DateTradeCount late, LateTradesOf(trades, run));
    run.missing_trades = late.trades;
  }
  return Status::Ok();
}

}  // namespace tradeagg::agg
