// ExposureRow: one line of an aggregation run's result, at one of its levels, and the names the
// API, the store and the lake use for the levels.
//
// Levels: per participant x instrument x currency, per participant x counterparty x currency,
// per participant x currency (the totals), and per participant in the reporting currency
// (notionals converted with the business date's FX rates; counts summed as they are). A
// reporting row with missing rates lists them, and its notionals are then unknown: a rate is
// never guessed.
//
// Only the instrument level is a position in something: its quantities, VWAPs and direction by
// net quantity mean what they say. The other levels span instruments; their totals still sum
// the quantities (the store keeps them and reconciliation compares them, as checksums), but
// nothing presents those sums, and their direction follows the net notional (RowDirection).
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/domain/exposure.h"

namespace tradeagg::domain {

enum class ExposureLevel : uint8_t { kInstrument, kCounterparty, kParticipant, kReporting };

const char* ExposureLevelName(ExposureLevel level);  // "instrument", "counterparty", "participant", "reporting"
std::optional<ExposureLevel> ParseExposureLevel(std::string_view text);

// Whether rows of the level add up trades of several instruments.
bool SpansInstruments(ExposureLevel level);
// The direction a row of `level` shows: by net quantity at the instrument level, by net notional
// where the row spans instruments; none when its notionals are unknown (missing FX rates).
std::optional<Direction> RowDirection(ExposureLevel level, const ExposureTotals& totals, bool notionals_known);

struct ExposureRow {
  ExposureLevel level = ExposureLevel::kParticipant;
  std::string participant;
  std::string key;       // the instrument or the counterparty; empty at the other levels
  std::string currency;  // the trades' currency; the reporting currency at kReporting
  ExposureTotals totals;
  std::vector<std::string> missing_rates;  // kReporting only; non-empty: notionals unknown

  bool notionals_known() const { return missing_rates.empty(); }
  std::optional<Direction> direction() const { return RowDirection(level, totals, notionals_known()); }
  bool operator==(const ExposureRow&) const = default;
};

}  // namespace tradeagg::domain
