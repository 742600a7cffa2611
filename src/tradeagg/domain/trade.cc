#include "tradeagg/domain/trade.h"

namespace tradeagg::domain {

const char* SideName(Side side) { return side == Side::kBuy ? "BUY" : "SELL"; }

std::optional<Side> ParseSide(std::string_view text) {
  if (text == "BUY") return Side::kBuy;
  if (text == "SELL") return Side::kSell;
  return std::nullopt;
}

bool Trade::SameContentAs(const Trade& resubmitted) const {
  return trade_id == resubmitted.trade_id && participant == resubmitted.participant &&
         counterparty == resubmitted.counterparty && instrument == resubmitted.instrument &&
         side == resubmitted.side && quantity == resubmitted.quantity && price == resubmitted.price &&
         notional == resubmitted.notional && currency == resubmitted.currency &&
         (resubmitted.trade_time_defaulted || trade_time == resubmitted.trade_time);
}

}  // namespace tradeagg::domain
