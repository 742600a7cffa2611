// Late trades: trades of a business date committed after an eod run of that date read the
// lake (their seq is above the run's watermark). They arrive after the run, or carry a trade
// time before a cut-off that has passed. A succeeded eod run that misses some is stale
// (AggregationRun::stale()); the scheduler then runs the date again as a new eod version.
//
// Staleness is derived, never stored: what the run counted is fixed (the date's trades in the
// store up to the seq it reconciled at, store_trades), and the store keeps each date's total
// (TradeStore::DateTotals), so the difference is the late trades, and every reader (the API,
// the scheduler, tradeagg.runs) sees the same answer at the same moment.
// Thread safety: as the store.
#pragma once

#include <span>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/aggregation_run.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::agg {

// The date's trades the run did not count, and the highest seq of the date (the lake must
// reach it before a re-run can include them); zero for runs that cannot be stale (intraday,
// not succeeded).
Result<store::DateTradeCount> LateTradesOf(store::TradeStore& trades, const domain::AggregationRun& run);

// Sets missing_trades on each run.
Status FillMissingTrades(store::TradeStore& trades, std::span<domain::AggregationRun> runs);

}  // namespace tradeagg::agg
