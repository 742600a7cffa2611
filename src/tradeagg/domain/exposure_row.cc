#include "tradeagg/domain/exposure_row.h"

namespace tradeagg::domain {

const char* ExposureLevelName(ExposureLevel level) {
  switch (level) {
    case ExposureLevel::kInstrument: return "instrument";
    case ExposureLevel::kCounterparty: return "counterparty";
    case ExposureLevel::kParticipant: return "participant";
    case ExposureLevel::kReporting: return "reporting";
  }
  return "participant";
}

std::optional<ExposureLevel> ParseExposureLevel(std::string_view text) {
  for (ExposureLevel level : {ExposureLevel::kInstrument, ExposureLevel::kCounterparty, ExposureLevel::kParticipant,
                              ExposureLevel::kReporting}) {
    if (text == ExposureLevelName(level)) return level;
  }
  return std::nullopt;
}

bool SpansInstruments(ExposureLevel level) { return level != ExposureLevel::kInstrument; }

std::optional<Direction> RowDirection(ExposureLevel level, const ExposureTotals& totals, bool notionals_known) {
  if (!SpansInstruments(level)) return totals.direction();
  if (!notionals_known) return std::nullopt;
  return totals.notional_direction();
}

}  // namespace tradeagg::domain
