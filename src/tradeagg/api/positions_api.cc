#include "tradeagg/api/positions_api.h"

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/query_params.h"
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
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  QueryParams params(request, {"business_date", "participant", "instrument"});
  const std::optional<std::string_view> requested = params.MemberId("participant");
  book::PositionQuery query;
  query.business_date = params.DateParam("business_date").value_or(context_.validator.calendar().CurrentBusinessDate());
  if (auto instrument = params.Isin("instrument")) query.instrument = std::string(*instrument);
  if (auto problem = params.Problem()) return respond(std::move(*problem));
  auto participant = ParticipantFilter(*principal, requested);
  if (!participant.ok()) return respond(http::ProblemFromStatus(participant.status()));
  query.participant = *participant;

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
    WriteExposureFields(json, p.totals, ExposureLevel::kInstrument);
    json.EndObject();
  }
  json.EndArray().Key("totals").BeginArray();
  for (const auto& t : snapshot.totals) {
    json.BeginObject().Field("business_date", date).Field("participant", t.participant).Field("currency", t.currency);
    WriteExposureFields(json, t.totals, ExposureLevel::kParticipant);
    json.EndObject();
  }
  json.EndArray().EndObject();
  respond(http::JsonResponse(200, json.Take()));
}

}  // namespace tradeagg::api
