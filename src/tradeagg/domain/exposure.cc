#include "tradeagg/domain/exposure.h"

namespace tradeagg::domain {

const char* DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kLong: return "LONG";
    case Direction::kShort: return "SHORT";
    case Direction::kFlat: return "FLAT";
  }
  return "FLAT";
}

void ExposureTotals::Add(Side side, int64_t quantity, Decimal notional) { AddSums(side, quantity, notional, 1); }

void ExposureTotals::AddSums(Side side, int128 quantity, Decimal notional, int64_t count) {
  if (side == Side::kBuy) {
    buy_quantity += quantity;
    buy_notional += notional;
  } else {
    sell_quantity += quantity;
    sell_notional += notional;
  }
  (side == Side::kBuy ? buy_trades : sell_trades) += count;
  trade_count += count;
}

void ExposureTotals::Subtract(const Trade& trade) { AddSums(trade.side, -int128{trade.quantity}, -trade.notional, -1); }

void ExposureTotals::Merge(const ExposureTotals& other) {
  buy_quantity += other.buy_quantity;
  sell_quantity += other.sell_quantity;
  buy_notional += other.buy_notional;
  sell_notional += other.sell_notional;
  trade_count += other.trade_count;
  buy_trades += other.buy_trades;
  sell_trades += other.sell_trades;
}

std::optional<Decimal> ExposureTotals::buy_vwap() const {
  if (buy_quantity == 0) return std::nullopt;
  return buy_notional.DivideRounded(buy_quantity);
}

std::optional<Decimal> ExposureTotals::sell_vwap() const {
  if (sell_quantity == 0) return std::nullopt;
  return sell_notional.DivideRounded(sell_quantity);
}

namespace {

Direction DirectionOfSign(int sign) {
  return sign > 0 ? Direction::kLong : sign < 0 ? Direction::kShort : Direction::kFlat;
}

}  // namespace

Direction ExposureTotals::direction() const {
  const int128 net = net_quantity();
  return DirectionOfSign(net > 0 ? 1 : net < 0 ? -1 : 0);
}

Direction ExposureTotals::notional_direction() const {
  const Decimal net = net_notional();
  return DirectionOfSign(net.is_zero() ? 0 : net.is_negative() ? -1 : 1);
}

}  // namespace tradeagg::domain
