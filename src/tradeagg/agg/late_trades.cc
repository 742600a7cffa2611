#include "tradeagg/agg/late_trades.h"

#include <limits>

namespace tradeagg::agg {

Result<store::DateTradeCount> LateTradesOf(store::TradeStore& trades, const domain::AggregationRun& run) {
  if (run.request.kind != domain::RunKind::kEod || run.status != domain::RunStatus::kSucceeded) {
    return store::DateTradeCount{};
  }
  return trades.CountTrades(run.request.business_date, run.watermark, std::numeric_limits<int64_t>::max());
}

Status FillMissingTrades(store::TradeStore& trades, std::span<domain::AggregationRun> runs) {
  for (domain::AggregationRun& run : runs) {
    ASSIGN_OR_RETURN(store::DateTradeCount late, LateTradesOf(trades, run));
    run.missing_trades = late.trades;
  }
  return Status::Ok();
}

}  // namespace tradeagg::agg
