// Trades for the tests of the TradeStore role (store contract suites, the SQLite store's own
// tests): one valid trade with every field set, down to values whose exactness a store could
// lose (decimals of 8 places, times to the microsecond), the AppendRequest that carries some,
// and a field-by-field comparison that says which field a store got wrong.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/time.h"
#include "tradeagg/domain/trade.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::testing {

// Decimal text a test wrote itself: a typo fails the test rather than reading as zero silently.
inline Decimal Dec(std::string_view text) {
  Result<Decimal> d = Decimal::Parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Decimal();
}

// The business date of every MakeTrade trade.
inline const Date kTradeDate = Date::FromCivil(2026, 11, 24);

inline domain::Trade MakeTrade(std::string participant, std::string trade_id) {
  domain::Trade t;
  t.trade_id = std::move(trade_id);
  t.participant = std::move(participant);
  t.counterparty = "CPTY";
  t.instrument = "US0378331005";
  t.side = domain::Side::kBuy;
  t.quantity = 100;
  t.price = Dec("101.25");
  t.notional = Dec("10125");
  t.currency = "USD";
  t.trade_time = Timestamp::FromMicros(1'795'512'600'123'456);  // microseconds matter
  t.received_at = Timestamp::FromMicros(1'795'512'600'654'321);
  t.business_date = kTradeDate;
  return t;
}

inline store::AppendRequest RequestOf(std::vector<domain::Trade> trades) {
  store::AppendRequest request;
  request.trades = std::move(trades);
  return request;
}

inline std::vector<int64_t> SeqsOf(const std::vector<domain::Trade>& trades) {
  std::vector<int64_t> seqs;
  seqs.reserve(trades.size());
  for (const domain::Trade& t : trades) seqs.push_back(t.seq);
  return seqs;
}

// Every stored field, seq included; decimals both as text and by value, so that a store that
// keeps the value but not its canonical form (or the reverse) is caught.
inline void ExpectSameTrade(const domain::Trade& actual, const domain::Trade& expected) {
  EXPECT_EQ(actual.seq, expected.seq);
  EXPECT_EQ(actual.trade_id, expected.trade_id);
  EXPECT_EQ(actual.participant, expected.participant);
  EXPECT_EQ(actual.counterparty, expected.counterparty);
  EXPECT_EQ(actual.instrument, expected.instrument);
  EXPECT_EQ(actual.side, expected.side);
  EXPECT_EQ(actual.quantity, expected.quantity);
  EXPECT_EQ(actual.price.ToString(), expected.price.ToString());
  EXPECT_TRUE(actual.price == expected.price);
  EXPECT_EQ(actual.notional.ToString(), expected.notional.ToString());
  EXPECT_TRUE(actual.notional == expected.notional);
  EXPECT_EQ(actual.currency, expected.currency);
  EXPECT_EQ(actual.trade_time.micros(), expected.trade_time.micros());
  EXPECT_EQ(actual.received_at.micros(), expected.received_at.micros());
  EXPECT_EQ(actual.business_date.days(), expected.business_date.days());
  EXPECT_FALSE(actual.trade_time_defaulted);  // not stored: a read trade never has it
}

}  // namespace tradeagg::testing
