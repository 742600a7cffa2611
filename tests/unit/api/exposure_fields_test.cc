// The fields of exposure rows by level: positions and exposures share WriteExposureFields, so
// these cover /v1/positions' positions and totals and /v1/exposures' rows alike.
#include <gtest/gtest.h>

#include "tradeagg/api/exposure_codec.h"
#include "tradeagg/api/positions_api.h"

namespace tradeagg::api {
namespace {

using domain::ExposureLevel;
using domain::Side;

Decimal D(const char* text) { return *Decimal::Parse(text); }

// The issue's participant: 1000 of a cheap stock bought (in four trades), 10 of a dear one sold.
domain::ExposureTotals M016() {
  domain::ExposureTotals t;
  t.AddSums(Side::kBuy, 1000, D("1000"), 4);
  t.AddSums(Side::kSell, 10, D("5000"), 1);
  return t;
}

std::string Fields(const domain::ExposureTotals& totals, ExposureLevel level, bool notionals_known = true) {
  JsonWriter json;
  json.BeginObject();
  WriteExposureFields(json, totals, level, notionals_known);
  json.EndObject();
  return json.Take();
}

TEST(ExposureFieldsTest, AnInstrumentRowIsAPositionWithQuantitiesVwapsAndTheQuantityDirection) {
  EXPECT_EQ(Fields(M016(), ExposureLevel::kInstrument),
            R"({"buy_quantity":1000,"sell_quantity":10,"net_quantity":990,"buy_notional":"1000",)"
            R"("sell_notional":"5000","net_notional":"-4000","gross_notional":"6000","trade_count":5,)"
            R"("buy_trades":4,"sell_trades":1,"buy_vwap":"1","sell_vwap":"500","direction":"LONG"})");
}

TEST(ExposureFieldsTest, RowsSpanningInstrumentsHaveNoQuantitiesAndTheNotionalDirection) {
  const std::string want =
      R"({"buy_notional":"1000","sell_notional":"5000","net_notional":"-4000","gross_notional":"6000",)"
      R"("trade_count":5,"buy_trades":4,"sell_trades":1,"direction":"SHORT"})";
  for (ExposureLevel level : {ExposureLevel::kCounterparty, ExposureLevel::kParticipant, ExposureLevel::kReporting}) {
    EXPECT_EQ(Fields(M016(), level), want) << domain::ExposureLevelName(level);
  }
}

TEST(ExposureFieldsTest, UnknownNotionalsAndAnUnknownSplitAreNull) {
  domain::ExposureTotals t = M016();
  EXPECT_EQ(Fields(t, ExposureLevel::kReporting, /*notionals_known=*/false),
            R"({"buy_notional":null,"sell_notional":null,"net_notional":null,"gross_notional":null,)"
            R"("trade_count":5,"buy_trades":4,"sell_trades":1,"direction":null})");
  t.buy_trades = t.sell_trades = 0;  // a row stored before trades were counted per side
  EXPECT_NE(Fields(t, ExposureLevel::kParticipant).find(R"("trade_count":5,"buy_trades":null,"sell_trades":null)"),
            std::string::npos);
}

TEST(ExposureFieldsTest, AStoredRowNamesItsKeyAndLevelFields) {
  domain::ExposureRow instrument{ExposureLevel::kInstrument, "M016", "GB0007980591", "GBP", M016(), {}};
  JsonWriter json;
  WriteExposureRow(json, Date::FromCivil(2026, 11, 24), instrument);
  const std::string text = json.Take();
  EXPECT_EQ(text.rfind(R"({"business_date":"2026-11-24","participant":"M016","instrument":"GB0007980591",)"
                       R"("currency":"GBP","buy_quantity":1000,)", 0),
            0u)
      << text;

  domain::ExposureRow reporting{ExposureLevel::kReporting, "M016", "", "USD", M016(), {"CHF"}};
  JsonWriter reporting_json;
  WriteExposureRow(reporting_json, Date::FromCivil(2026, 11, 24), reporting);
  EXPECT_EQ(reporting_json.Take(),
            R"({"business_date":"2026-11-24","participant":"M016","currency":"USD","buy_notional":null,)"
            R"("sell_notional":null,"net_notional":null,"gross_notional":null,"trade_count":5,"buy_trades":4,)"
            R"("sell_trades":1,"direction":null,"missing_rates":["CHF"]})");
}

}  // namespace
}  // namespace tradeagg::api
