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

}  // namespace tradeagg::domain
