// ExposureSet: a business date's exposures at every level, built from the lake's aggregate
// (TradeGroups per participant x instrument x currency x side and per participant x
// counterparty x currency x side) or from the position book, so the two can be compared like
// with like.
//
// Levels (domain/exposure_row.h): instrument and counterparty rows per participant x currency,
// participant totals per currency (the sum of the participant's instrument rows), and, once
// AddReportingTotals has run, one reporting-currency row per participant. Rows are kept sorted
// by level, participant, key, currency. All arithmetic is exact (domain::ExposureTotals, trade
// counts per side included: each group is one side); only the FX conversion rounds, half to
// even at 8 places, per currency total.
// Thread safety: value type.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/book/position_book.h"
#include "tradeagg/core/decimal.h"
#include "tradeagg/domain/exposure_row.h"
#include "tradeagg/domain/fx_rates.h"

namespace tradeagg::agg {

// One row of the aggregate query over the lake: the trades of one participant, instrument (or
// counterparty), currency and side.
struct TradeGroup {
  domain::ExposureLevel level = domain::ExposureLevel::kInstrument;  // or kCounterparty
  std::string participant;
  std::string key;  // the instrument or the counterparty
  std::string currency;
  domain::Side side = domain::Side::kBuy;
  int128 quantity = 0;
  Decimal notional;
  int64_t trades = 0;
};

class ExposureSet {
 public:
  ExposureSet() = default;
  static ExposureSet FromGroups(std::span<const TradeGroup> groups);
  static ExposureSet FromBook(const book::DateView& view);

  // Adds a reporting-currency row per participant; returns the currencies traded that day that
  // have no rate (their participants' rows list them and carry no notionals).
  std::vector<std::string> AddReportingTotals(const domain::FxRates& rates, std::string_view reporting_currency);

  const std::vector<domain::ExposureRow>& rows() const { return rows_; }
  std::vector<domain::ExposureRow> TakeRows() { return std::move(rows_); }
  int64_t CountAt(domain::ExposureLevel level) const;
  // Trades counted at the participant level (every trade once).
  int64_t trade_count() const;

 private:
  void Sort();
  std::vector<domain::ExposureRow> rows_;
};

}  // namespace tradeagg::agg
