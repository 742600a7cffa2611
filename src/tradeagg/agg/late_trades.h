// Late trades: trades of a business date committed after an eod run of that date read the
// lake (their seq is above the run's watermark). They arrive after the run, or carry a trade
// time before a cut-off that has passed. A succeeded eod run that misses some is stale
// (AggregationRun::stale()); the scheduler then runs the date again as a new eod version.
//
// Staleness is derived, never stored: the run's watermark is fixed, and the count of the
// date's trades above it comes from the store's (business_date, seq) index, so every reader
// (the API, the scheduler, tradeagg.runs) sees the same answer at the same moment.
// Thread safety: as the store.
#pragma once

#include <span>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/aggregation_run.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::agg {

// The date's trades above the run's watermark; zero for runs that cannot be stale (intraday,
// not succeeded).
Result<store::DateTradeCount> LateTradesOf(store::TradeStore& trades, const domain::AggregationRun& run);

// Sets missing_trades on each run.
Status FillMissingTrades(store::TradeStore& trades, std::span<domain::AggregationRun> runs);

}  // namespace tradeagg::agg
