// Exposure arithmetic shared by the real-time PositionBook and the aggregation runs, so both
// compute net, gross, VWAP and direction the same way and reconcile digit for digit.
//
// net = buy - sell, gross = buy + sell; VWAP = notional / quantity rounded half to even at
// 8 decimal places (absent when that side has no quantity). Quantities sum in 128 bits.
//
// Two directions, LONG, SHORT or FLAT by a sign: direction() by the net quantity, which is a
// position only within one instrument (the instrument level, /v1/positions' positions), and
// notional_direction() by the net notional, for rows that add up several instruments (the
// counterparty, participant and reporting levels, /v1/positions' totals): there a sum of
// shares of different stocks counts nothing, and 1000 shares bought at 1 beside 10 sold at 500
// are short 4000 in money, not long 990. domain::RowDirection (exposure_row.h) picks by level.
// Thread safety: value type.
#pragma once

#include <cstdint>
#include <optional>

#include "tradeagg/core/decimal.h"
#include "tradeagg/domain/trade.h"

namespace tradeagg::domain {

enum class Direction : uint8_t { kFlat, kLong, kShort };
const char* DirectionName(Direction direction);  // "FLAT" / "LONG" / "SHORT"

struct ExposureTotals {
  int128 buy_quantity = 0;
  int128 sell_quantity = 0;
  Decimal buy_notional;
  Decimal sell_notional;
  int64_t trade_count = 0;  // buy_trades + sell_trades, except on rows stored before the split
  int64_t buy_trades = 0;
  int64_t sell_trades = 0;

  void Add(Side side, int64_t quantity, Decimal notional);
  void Add(const Trade& trade) { Add(trade.side, trade.quantity, trade.notional); }
  // `count` trades of one side whose quantities and notionals sum to the given values (a row of
  // an aggregate query).
  void AddSums(Side side, int128 quantity, Decimal notional, int64_t count);
  // Takes a trade out again: the book as it was before the trade (reconciliation at an earlier
  // watermark).
  void Subtract(const Trade& trade);
  void Merge(const ExposureTotals& other);

  int128 net_quantity() const { return buy_quantity - sell_quantity; }
  Decimal net_notional() const { return buy_notional - sell_notional; }
  Decimal gross_notional() const { return buy_notional + sell_notional; }
  std::optional<Decimal> buy_vwap() const;
  std::optional<Decimal> sell_vwap() const;
  // By net quantity: for one instrument only.
  Direction direction() const;
  // By net notional: for rows spanning instruments.
  Direction notional_direction() const;
  // False on rows of runs stored before per-side counts existed (schema 3), where trades of both
  // sides were counted together and the split is unknown.
  bool side_counts_known() const { return buy_trades + sell_trades == trade_count; }

  bool operator==(const ExposureTotals&) const = default;
};

}  // namespace tradeagg::domain
