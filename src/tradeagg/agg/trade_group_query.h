// TradeGroupQuery: has DuckDB aggregate a business date's trades, from the Parquet data files a
// scan plan chose, into TradeGroups (participant x instrument x currency x side and participant
// x counterparty x currency x side: summed quantity and notional, trade count).
//
// One scan with two grouping sets; the participant totals are rolled up in memory from the
// instrument groups (ExposureSet). Measured on 10 million trades of 20 members, 50 instruments
// and 3 currencies (bench/aggregate.sh, docs/benchmarks.md): grouping at the finest grain
// (participant x instrument x counterparty, ~38,000 groups) was about twice as slow, its hash
// table no longer fitting in cache, and three grouping sets slower still. Sums stay exact:
// quantities as HUGEINT, notionals as DECIMAL(38, 8). The WHERE on business_date is redundant for files of an
// identity partition and keeps files pruned only by bounds correct.
// Columns are read by name (the names of tradeagg.trades' schema, which has never been evolved).
// Thread safety: the connection's.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/agg/exposure_set.h"
#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/engine/connection.h"

namespace tradeagg::agg {

Result<std::vector<TradeGroup>> QueryTradeGroups(engine::Connection& connection,
                                                 std::span<const std::string> files, Date business_date);

// The SQL text of a read_parquet over `files` ("read_parquet(['a', 'b'])", or with `options`
// "read_parquet(['a', 'b'], options)"), for callers that build their own queries over planned
// files (`tradeagg sql`).
std::string ReadParquetOf(std::span<const std::string> files, std::string_view options = "");

}  // namespace tradeagg::agg
