// Trade: one validated trade as it is stored, exported and aggregated.
//
// Field names follow the HTTP API (`trade_id`, `participant`, ...). A Trade is built only by
// TradeValidator (domain/trade_validator.h) or read back from a store, so holders may assume
// every invariant: ids well-formed, participant != counterparty, ISIN check digit valid,
// quantity > 0, price and notional > 0 with notional == quantity x price when the price was
// given, business_date derived from trade_time by the venue's BusinessCalendar.
// Thread safety: value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/time.h"

namespace tradeagg::domain {

enum class Side : uint8_t { kBuy = 0, kSell = 1 };

const char* SideName(Side side);                          // "BUY" / "SELL"
std::optional<Side> ParseSide(std::string_view text);    // exact "BUY" / "SELL"

struct Trade {
  std::string trade_id;      // the client's id, unique per participant
  std::string participant;   // the member the trade belongs to
  std::string counterparty;  // the other member
  std::string instrument;    // ISIN
  Side side = Side::kBuy;    // from the participant's point of view
  int64_t quantity = 0;
  Decimal price;
  Decimal notional;
  std::string currency;      // ISO 4217
  Timestamp trade_time;
  Timestamp received_at;     // when the service received the request
  Date business_date;        // derived, never trusted from the client
  int64_t seq = 0;           // assigned by the store at commit; 0 before

  // Not stored. True when the client omitted trade_time and it defaulted to the receive time;
  // idempotency then ignores trade_time, so a retry of such a trade is still a duplicate.
  bool trade_time_defaulted = false;

  // Idempotency: does `resubmitted` carry the same content as this stored trade?
  // Compares what the client controls; seq, received_at and business_date are ours.
  bool SameContentAs(const Trade& resubmitted) const;
};

}  // namespace tradeagg::domain
