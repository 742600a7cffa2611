// PositionBook: real-time positions, in memory, per business date x participant x instrument x
// currency, and per business date x participant x counterparty x currency.
//
// Updated only from committed trades (ingest::Pipeline calls Apply after the store's durable
// commit and before acknowledging), and rebuilt from the store on start, so it never shows a
// trade the store could lose. `watermark()` is the highest seq applied; aggregation runs
// reconcile against the book at a watermark.
// Thread safety: Apply and the queries may be called concurrently (shared mutex).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <vector>

#include "tradeagg/core/time.h"
#include "tradeagg/domain/exposure.h"
#include "tradeagg/domain/trade.h"

namespace tradeagg::book {

struct Position {
  Date business_date;
  std::string participant;
  std::string instrument;
  std::string currency;
  domain::ExposureTotals totals;
};

// Spans the participant's instruments: its notionals, trade counts (per side too) and
// notional_direction() are meaningful, its summed quantities are not a position.
struct ParticipantTotal {
  Date business_date;
  std::string participant;
  std::string currency;
  domain::ExposureTotals totals;
};

struct PositionQuery {
  Date business_date;
  std::optional<std::string> participant;
  std::optional<std::string> instrument;
};

// Everything the book holds for one business date, as of `watermark`: what aggregation runs
// reconcile against. Keys: (participant, instrument or counterparty, currency).
struct DateView {
  using Key = std::tuple<std::string, std::string, std::string>;
  int64_t watermark = 0;
  std::map<Key, domain::ExposureTotals> by_instrument;
  std::map<Key, domain::ExposureTotals> by_counterparty;
};

struct PositionSnapshot {
  std::vector<Position> positions;       // sorted by participant, instrument, currency
  std::vector<ParticipantTotal> totals;  // per participant x currency over `positions`
  int64_t watermark = 0;
};

class PositionBook {
 public:
  // Trades must arrive in seq order; a trade at or below the watermark is ignored, so replaying
  // an overlapping range is harmless.
  void Apply(const domain::Trade& trade);
  PositionSnapshot Query(const PositionQuery& query) const;
  // A consistent copy of one date (both levels and the watermark under one lock).
  DateView View(Date business_date) const;
  int64_t watermark() const;

 private:
  using Key = DateView::Key;
  struct Day {
    std::map<Key, domain::ExposureTotals> by_instrument;
    std::map<Key, domain::ExposureTotals> by_counterparty;
  };
  mutable std::shared_mutex mutex_;
  std::map<int32_t, Day> by_date_;  // key: Date::days()
  int64_t watermark_ = 0;
};

}  // namespace tradeagg::book
