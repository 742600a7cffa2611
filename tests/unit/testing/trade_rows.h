// ExpectTradeRows: a query result with the columns of tradeagg.trades in schema order (a Parquet
// data file read back, or what DuckDB read from staged columns) against the trades it should
// hold, row for row, every field exactly; the first row that differs is reported and ends the
// check.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tradeagg/domain/trade.h"
#include "tradeagg/engine/query_result.h"

namespace tradeagg::testing {

inline void ExpectTradeRows(const engine::QueryResult& r, const std::vector<domain::Trade>& trades) {
  ASSERT_EQ(r.row_count(), trades.size());
  ASSERT_EQ(r.column_count(), 13u);
  for (uint64_t row = 0; row < r.row_count(); ++row) {
    const domain::Trade& t = trades[row];
    SCOPED_TRACE("row " + std::to_string(row) + ", seq " + std::to_string(t.seq));
    ASSERT_EQ(*r.GetString(0, row), t.trade_id);
    ASSERT_EQ(*r.GetString(1, row), t.participant);
    ASSERT_EQ(*r.GetString(2, row), t.counterparty);
    ASSERT_EQ(*r.GetString(3, row), t.instrument);
    ASSERT_EQ(*r.GetString(4, row), domain::SideName(t.side));
    ASSERT_EQ(*r.GetInt64(5, row), t.quantity);
    ASSERT_EQ(*r.GetDecimal(6, row), t.price);
    ASSERT_EQ(*r.GetDecimal(7, row), t.notional);
    ASSERT_EQ(*r.GetString(8, row), t.currency);
    ASSERT_EQ(*r.GetTimestamp(9, row), t.trade_time);
    ASSERT_EQ(*r.GetTimestamp(10, row), t.received_at);
    ASSERT_EQ(*r.GetDate(11, row), t.business_date);
    ASSERT_EQ(*r.GetInt64(12, row), t.seq);
  }
}

}  // namespace tradeagg::testing
