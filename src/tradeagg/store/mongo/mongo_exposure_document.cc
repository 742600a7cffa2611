#include "tradeagg/store/mongo/mongo_exposure_document.h"

#include "tradeagg/store/mongo/mongo_fields.h"

namespace tradeagg::store {

namespace {

using domain::ExposureRow;

Status Malformed(const Bson& doc, std::string_view field) {
  return Status::Internal("exposures document " + doc.GetString("_id") + ": field " + std::string(field) +
                          " is missing or malformed");
}

Result<int128> ParseInteger(std::string_view text) {
  ASSIGN_OR_RETURN(Decimal value, Decimal::Parse(text));
  if (value.fractional_digits() != 0) return Status::InvalidArgument("not an integer");
  return value.units() / Decimal::kOne;
}

}  // namespace

Bson ExposureRowDocument(int64_t run_id, std::string_view result_token, size_t n, const ExposureRow& row) {
  Bson doc;
  doc.Append("_id", std::to_string(run_id) + ":" + std::string(result_token) + ":" + std::to_string(n))
      .Append("run_id", run_id)
      .Append("result_token", result_token)
      .Append("level", domain::ExposureLevelName(row.level))
      .Append("participant", row.participant)
      .Append("key", row.key)
      .Append("currency", row.currency)
      .Append("buy_quantity", Int128ToString(row.totals.buy_quantity))
      .Append("sell_quantity", Int128ToString(row.totals.sell_quantity))
      .Append("buy_notional", row.totals.buy_notional.ToString())
      .Append("sell_notional", row.totals.sell_notional.ToString())
      .Append("trade_count", row.totals.trade_count)
      .Append("buy_trades", row.totals.buy_trades)
      .Append("sell_trades", row.totals.sell_trades)
      .Append("missing_rates", JoinCodes(row.missing_rates));
  return doc;
}

Result<ExposureRow> ExposureRowFromDocument(const Bson& doc) {
  ExposureRow row;
  std::optional<domain::ExposureLevel> level = domain::ParseExposureLevel(doc.GetString("level"));
  if (!level) return Malformed(doc, "level");
  row.level = *level;
  row.participant = doc.GetString("participant");
  row.key = doc.GetString("key");
  row.currency = doc.GetString("currency");
  Result<int128> buy_quantity = ParseInteger(doc.GetString("buy_quantity"));
  if (!buy_quantity.ok()) return Malformed(doc, "buy_quantity");
  Result<int128> sell_quantity = ParseInteger(doc.GetString("sell_quantity"));
  if (!sell_quantity.ok()) return Malformed(doc, "sell_quantity");
  Result<Decimal> buy_notional = Decimal::Parse(doc.GetString("buy_notional"));
  if (!buy_notional.ok()) return Malformed(doc, "buy_notional");
  Result<Decimal> sell_notional = Decimal::Parse(doc.GetString("sell_notional"));
  if (!sell_notional.ok()) return Malformed(doc, "sell_notional");
  row.totals.buy_quantity = buy_quantity.value();
  row.totals.sell_quantity = sell_quantity.value();
  row.totals.buy_notional = buy_notional.value();
  row.totals.sell_notional = sell_notional.value();
  row.totals.trade_count = doc.GetInt64("trade_count");
  row.totals.buy_trades = doc.GetInt64("buy_trades");
  row.totals.sell_trades = doc.GetInt64("sell_trades");
  row.missing_rates = SplitCodes(doc.GetString("missing_rates"));
  return row;
}

}  // namespace tradeagg::store
