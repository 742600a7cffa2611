#include "tradeagg/api/positions_api.h"

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/field_errors.h"
#include "tradeagg/core/json_writer.h"

namespace tradeagg::api {

namespace {

void OptionalDecimal(JsonWriter& json, std::string_view key, const std::optional<Decimal>& value) {
  json.Key(key);
  if (value) json.Decimal(*value);
  else json.Null();
}

}  // namespace

void WriteExposureFields(JsonWriter& json, const domain::ExposureTotals& totals) {
  json.Field("buy_quantity", totals.buy_quantity)
      .Field("sell_quantity", totals.sell_quantity)
      .Field("net_quantity", totals.net_quantity())
      .Field("buy_notional", totals.buy_notional)
      .Field("sell_notional", totals.sell_notional)
      .Field("net_notional", totals.net_notional())
      .Field("gross_notional", totals.gross_notional())
      .Field("trade_count", totals.trade_count);
  OptionalDecimal(json, "buy_vwap", totals.buy_vwap());
  OptionalDecimal(json, "sell_vwap", totals.sell_vwap());
  json.Field("direction", std::string_view(domain::DirectionName(totals.direction())));
}

void PositionsApi::Register(http::Router& router) {
  router.Add(boost::beast::http::verb::get, "/v1/positions",
             [this](auto& req, auto respond) { Query(req, std::move(respond)); });
}

void PositionsApi::Query(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  auto participant = ParticipantFilter(*principal, request.query_param("participant"));
  if (!participant.ok()) return respond(http::ProblemFromStatus(participant.status()));
  book::PositionQuery query;
  query.participant = *participant;
  if (auto date = request.query_param("business_date")) {
    auto parsed = Date::Parse(*date);
    if (!parsed.ok()) {
      return respond(http::ProblemResponse(422, "validation", "Invalid query", "business_date is invalid",
                                           FieldErrorsJson({{std::nullopt, "business_date", parsed.status().message()}})));
    }
    query.business_date = *parsed;
  } else {
    query.business_date = context_.validator.calendar().CurrentBusinessDate();
  }
  if (auto instrument = request.query_param("instrument")) query.instrument = std::string(*instrument);

  book::PositionSnapshot snapshot = context_.book.Query(query);
  std::string date = query.business_date.ToString();
  JsonWriter json;
  json.BeginObject().Field("business_date", date).Field("watermark", snapshot.watermark);
  json.Key("positions").BeginArray();
  for (const auto& p : snapshot.positions) {
    json.BeginObject()
        .Field("business_date", date)
        .Field("participant", p.participant)
        .Field("instrument", p.instrument)
        .Field("currency", p.currency);
    WriteExposureFields(json, p.totals);
    json.EndObject();
  }
  json.EndArray().Key("totals").BeginArray();
  for (const auto& t : snapshot.totals) {
    json.BeginObject().Field("business_date", date).Field("participant", t.participant).Field("currency", t.currency);
    WriteExposureFields(json, t.totals);
    json.EndObject();
  }
  json.EndArray().EndObject();
  respond(http::JsonResponse(200, json.Take()));
}

}  // namespace tradeagg::api
