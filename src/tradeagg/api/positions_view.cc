#include "tradeagg/api/positions_view.h"

#include <spdlog/spdlog.h>

#include "tradeagg/agg/reporting_totals.h"
#include "tradeagg/api/authentication.h"
#include "tradeagg/api/exposure_codec.h"
#include "tradeagg/api/positions_api.h"
#include "tradeagg/api/query_params.h"
#include "tradeagg/core/json_writer.h"

namespace tradeagg::api {

using domain::ExposureLevel;

std::variant<book::PositionQuery, http::Response> ParsePositionQuery(const ApiContext& context,
                                                                     const http::Request& request) {
  auto principal = Authenticate(context, request);
  if (!principal.ok()) return http::ProblemFromStatus(principal.status());
  QueryParams params(request, {"business_date", "participant", "instrument"});
  const std::optional<std::string_view> requested = params.MemberId("participant");
  book::PositionQuery query;
  query.business_date = params.DateParam("business_date").value_or(context.validator.calendar().CurrentBusinessDate());
  if (auto instrument = params.Isin("instrument")) query.instrument = std::string(*instrument);
  if (auto problem = params.Problem()) return std::move(*problem);
  auto participant = ParticipantFilter(*principal, requested);
  if (!participant.ok()) return http::ProblemFromStatus(participant.status());
  query.participant = *participant;
  return query;
}

domain::FxRates RatesForPositions(const ApiContext& context, Date business_date) {
  auto rates = context.results.GetFxRates(business_date);
  if (rates.ok()) return std::move(*rates);
  spdlog::warn("positions: the FX rates of {} could not be read: {}", business_date.ToString(),
               rates.status().ToString());
  return {};
}

std::string PositionsJson(const ApiContext& context, const book::PositionQuery& query, const domain::FxRates& rates) {
  book::PositionSnapshot snapshot = context.book.Query(query);
  std::string date = query.business_date.ToString();
  JsonWriter json;
  json.BeginObject()
      .Field("business_date", date)
      .Field("watermark", snapshot.watermark)
      .Field("reporting_currency", context.reporting_currency);
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
  std::vector<domain::ExposureRow> participant_rows;
  participant_rows.reserve(snapshot.totals.size());
  for (const auto& t : snapshot.totals) {
    json.BeginObject().Field("business_date", date).Field("participant", t.participant).Field("currency", t.currency);
    WriteExposureFields(json, t.totals, ExposureLevel::kParticipant);
    json.EndObject();
    domain::ExposureRow row;
    row.level = ExposureLevel::kParticipant;
    row.participant = t.participant;
    row.currency = t.currency;
    row.totals = t.totals;
    participant_rows.push_back(std::move(row));
  }
  json.EndArray().Key("reporting").BeginArray();
  for (const auto& row : agg::ConvertToReporting(participant_rows, rates, context.reporting_currency).rows) {
    WriteExposureRow(json, query.business_date, row);
  }
  json.EndArray().EndObject();
  return json.Take();
}

}  // namespace tradeagg::api
