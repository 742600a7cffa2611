#include "tradeagg/domain/exposure_row.h"

#include <gtest/gtest.h>

namespace tradeagg::domain {
namespace {

Decimal P(std::string_view text) { return *Decimal::Parse(text); }

// Long 990 shares in the sum of two instruments, short 4000 in money.
ExposureTotals LongByQuantityShortByNotional() {
  ExposureTotals t;
  t.Add(Side::kBuy, 1000, P("1000"));
  t.Add(Side::kSell, 10, P("5000"));
  return t;
}

TEST(ExposureRowTest, OnlyTheInstrumentLevelIsOneInstrument) {
  EXPECT_FALSE(SpansInstruments(ExposureLevel::kInstrument));
  EXPECT_TRUE(SpansInstruments(ExposureLevel::kCounterparty));
  EXPECT_TRUE(SpansInstruments(ExposureLevel::kParticipant));
  EXPECT_TRUE(SpansInstruments(ExposureLevel::kReporting));
}

TEST(ExposureRowTest, DirectionIsByQuantityForAnInstrumentAndByNotionalAcrossInstruments) {
  const ExposureTotals t = LongByQuantityShortByNotional();
  EXPECT_EQ(RowDirection(ExposureLevel::kInstrument, t, true), Direction::kLong);
  for (ExposureLevel level : {ExposureLevel::kCounterparty, ExposureLevel::kParticipant, ExposureLevel::kReporting}) {
    EXPECT_EQ(RowDirection(level, t, true), Direction::kShort) << ExposureLevelName(level);
  }
  ExposureRow row{ExposureLevel::kParticipant, "M016", "", "GBP", t, {}};
  EXPECT_EQ(row.direction(), Direction::kShort);
}

TEST(ExposureRowTest, UnknownNotionalsHaveNoDirection) {
  ExposureRow row{ExposureLevel::kReporting, "M016", "", "USD", LongByQuantityShortByNotional(), {"CHF"}};
  EXPECT_FALSE(row.notionals_known());
  EXPECT_FALSE(row.direction().has_value());
}

}  // namespace
}  // namespace tradeagg::domain
