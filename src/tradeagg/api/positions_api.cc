#include "tradeagg/api/positions_api.h"

#include <boost/asio/post.hpp>

#include "tradeagg/api/positions_view.h"
#include "tradeagg/core/json_writer.h"

namespace tradeagg::api {

namespace {

using domain::ExposureLevel;

void OptionalDecimal(JsonWriter& json, std::string_view key, const std::optional<Decimal>& value) {
  json.Key(key);
  if (value) json.Decimal(*value);
  else json.Null();
}

void OptionalCount(JsonWriter& json, std::string_view key, std::optional<int64_t> value) {
  json.Key(key);
  if (value) json.Int(*value);
  else json.Null();
}

}  // namespace

void WriteExposureFields(JsonWriter& json, const domain::ExposureTotals& totals, ExposureLevel level,
                         bool notionals_known) {
  // A sum of quantities of different instruments is no position: only the instrument level
  // shows quantities and VWAPs.
  const bool one_instrument = !domain::SpansInstruments(level);
  if (one_instrument) {
    json.Field("buy_quantity", totals.buy_quantity)
        .Field("sell_quantity", totals.sell_quantity)
        .Field("net_quantity", totals.net_quantity());
  }
  auto known = [&](Decimal value) { return notionals_known ? std::optional<Decimal>(value) : std::nullopt; };
  OptionalDecimal(json, "buy_notional", known(totals.buy_notional));
  OptionalDecimal(json, "sell_notional", known(totals.sell_notional));
  OptionalDecimal(json, "net_notional", known(totals.net_notional()));
  OptionalDecimal(json, "gross_notional", known(totals.gross_notional()));
  json.Field("trade_count", totals.trade_count);
  // Rows stored before the split have no per-side counts: null, never a made-up 0.
  const bool split = totals.side_counts_known();
  OptionalCount(json, "buy_trades", split ? std::optional<int64_t>(totals.buy_trades) : std::nullopt);
  OptionalCount(json, "sell_trades", split ? std::optional<int64_t>(totals.sell_trades) : std::nullopt);
  if (one_instrument) {
    OptionalDecimal(json, "buy_vwap", notionals_known ? totals.buy_vwap() : std::nullopt);
    OptionalDecimal(json, "sell_vwap", notionals_known ? totals.sell_vwap() : std::nullopt);
  }
  json.Key("direction");
  if (auto direction = domain::RowDirection(level, totals, notionals_known)) {
    json.String(domain::DirectionName(*direction));
  } else {
    json.Null();
  }
}

void PositionsApi::Register(http::Router& router) {
  router.Add(boost::beast::http::verb::get, "/v1/positions",
             [this](auto& req, auto respond) { Query(req, std::move(respond)); });
}

void PositionsApi::Query(http::Request& request, http::Responder respond) {
  auto parsed = ParsePositionQuery(context_, request);
  if (auto* problem = std::get_if<http::Response>(&parsed)) return respond(std::move(*problem));
  // The reporting rows read the date's FX rates from the results store: not on an I/O thread.
  boost::asio::post(context_.blocking, [this, query = std::get<book::PositionQuery>(std::move(parsed)),
                                        respond = std::move(respond)] {
    respond(http::JsonResponse(200, PositionsJson(context_, query, RatesForPositions(context_, query.business_date))));
  });
}

}  // namespace tradeagg::api
