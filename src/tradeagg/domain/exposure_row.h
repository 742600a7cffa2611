// ExposureRow: one line of an aggregation run's result, at one of its levels, and the names the
// API, the store and the lake use for the levels.
//
// Levels: per participant x instrument x currency, per participant x counterparty x currency,
// per participant x currency (the totals), and per participant in the reporting currency
// (notionals converted with the business date's FX rates; quantities and counts summed as they
// are). A reporting row with missing rates lists them, and its notionals are then unknown: a
// rate is never guessed.
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

struct ExposureRow {
  ExposureLevel level = ExposureLevel::kParticipant;
  std::string participant;
  std::string key;       // the instrument or the counterparty; empty at the other levels
  std::string currency;  // the trades' currency; the reporting currency at kReporting
  ExposureTotals totals;
  std::vector<std::string> missing_rates;  // kReporting only; non-empty: notionals unknown

  bool operator==(const ExposureRow&) const = default;
};

}  // namespace tradeagg::domain
