// TradeGenerator: realistic, valid trades for the load generator, as JSON request bodies.
//
// A TradeUniverse is the fixed cast of a run: members M001..Mnnn, instruments with valid ISINs
// (the country matches the instrument's currency), and for each instrument a currency, a base
// price and a tick of 2 to 4 decimals. A TradeGenerator draws trades from it: participant !=
// counterparty, side at random, quantity 1..10000, a price within 2 % of the instrument's base
// price on its tick. Prices are integers in units of the tick and are written as exact decimal
// strings; no floating point touches them. Trade ids are "<prefix>-<n>" with n counting from 1,
// so a prefix unique per run and per connection gives ids unique per run.
// Everything is a pure function of the seed (and the clock, when trade_time is "now").
// Thread safety: a TradeUniverse is immutable and may be shared; one TradeGenerator per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/trade.h"

namespace tradeagg::loadgen {

// SplitMix64: small, fast and the same sequence on every platform (std distributions are not).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [0, bound); bound > 0. Lemire's multiply-shift; the bias (< bound / 2^64) is
  // irrelevant here.
  uint64_t Below(uint64_t bound);
  // Uniform in [low, high]; low <= high.
  int64_t Between(int64_t low, int64_t high);

 private:
  uint64_t state_;
};

struct Instrument {
  std::string isin;
  std::string currency;
  int decimals = 2;              // 2..4 places: the instrument's tick is 10^-decimals
  int64_t base_price_ticks = 0;  // the base price in ticks
};

struct TradeUniverse {
  std::vector<std::string> participants;  // M001, M002, ...
  std::vector<Instrument> instruments;

  // participants >= 2 (a trade needs two members), instruments >= 1, currencies non-empty and
  // each three upper-case letters; otherwise kInvalidArgument.
  static Result<std::shared_ptr<const TradeUniverse>> Make(int participants, int instruments,
                                                           const std::vector<std::string>& currencies,
                                                           uint64_t seed);
};

enum class TradeTimeMode { kOmit, kNow };

struct GeneratedTrade {
  std::string trade_id;
  const std::string* participant = nullptr;  // into the universe
  const std::string* counterparty = nullptr;
  const Instrument* instrument = nullptr;
  domain::Side side = domain::Side::kBuy;
  int64_t quantity = 0;
  std::string price;  // exact decimal text with the instrument's decimals, e.g. "101.250"
};

class TradeGenerator {
 public:
  // id_prefix must be trade-id characters (A-Z a-z 0-9 . _ : -) and at most 40 long, so that
  // "<prefix>-<n>" stays within the 64-character limit.
  TradeGenerator(std::shared_ptr<const TradeUniverse> universe, std::string id_prefix, uint64_t seed,
                 TradeTimeMode time_mode = TradeTimeMode::kOmit);

  // Fills `trade` with the next trade (reusing its string capacity).
  void Next(GeneratedTrade& trade);
  // Appends `trade` as one JSON object (decimals as strings, quantity as a number).
  void AppendJson(const GeneratedTrade& trade, std::string& out) const;
  // Appends a request body of `count` new trades: one object when count == 1, else an array.
  void AppendBody(size_t count, std::string& out);

  uint64_t generated() const { return counter_; }

 private:
  std::shared_ptr<const TradeUniverse> universe_;
  std::string id_prefix_;
  Random random_;
  TradeTimeMode time_mode_;
  uint64_t counter_ = 0;
  GeneratedTrade scratch_;
};

// Exact decimal text of `ticks` x 10^-decimals ("12345", 2 -> "123.45"). ticks >= 0.
std::string FormatTicks(int64_t ticks, int decimals);

}  // namespace tradeagg::loadgen
