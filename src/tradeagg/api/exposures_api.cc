#include "tradeagg/api/exposures_api.h"

#include <boost/asio/post.hpp>

#include "tradeagg/agg/late_trades.h"
#include "tradeagg/api/authentication.h"
#include "tradeagg/api/exposure_codec.h"
#include "tradeagg/api/query_params.h"

namespace tradeagg::api {

namespace {

using domain::ExposureLevel;

constexpr int32_t kMaxHistoryDays = 366;

void WriteRows(JsonWriter& json, std::string_view key, Date date, const std::vector<domain::ExposureRow>& rows,
               std::optional<ExposureLevel> only = std::nullopt) {
  json.Key(key).BeginArray();
  for (const domain::ExposureRow& row : rows) {
    if (!only || row.level == *only) WriteExposureRow(json, date, row);
  }
  json.EndArray();
}

}  // namespace

void ExposuresApi::Register(http::Router& router) {
  router.Add(boost::beast::http::verb::get, "/v1/exposures", [this](auto& req, auto r) { Get(req, std::move(r)); });
  router.Add(boost::beast::http::verb::get, "/v1/exposures/history",
             [this](auto& req, auto r) { History(req, std::move(r)); });
}

void ExposuresApi::Get(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  QueryParams params(request, {"business_date", "participant", "level", "kind", "run"});
  const std::optional<std::string_view> requested = params.MemberId("participant");
  const Date date = params.DateParam("business_date").value_or(context_.validator.calendar().CurrentBusinessDate());
  const ExposureLevel level = domain::ParseExposureLevel(
      params.OneOf("level", {"participant", "instrument", "counterparty", "reporting"}).value_or("participant")).value();
  std::optional<domain::RunKind> kind;
  if (auto text = params.OneOf("kind", {"intraday", "eod"})) kind = domain::ParseRunKind(*text);
  const std::optional<int64_t> run_id = params.PositiveInt("run", INT64_MAX);
  if (auto problem = params.Problem()) return respond(std::move(*problem));
  auto participant = ParticipantFilter(*principal, requested);
  if (!participant.ok()) return respond(http::ProblemFromStatus(participant.status()));

  const bool full_run = principal->can_read_all();
  boost::asio::post(context_.blocking, [this, participant = *participant, date, level, kind, run_id, full_run,
                                        respond = std::move(respond)] {
    auto found = run_id ? context_.results.FindRun(*run_id) : context_.results.LatestSucceededRun(date, kind);
    if (!found.ok()) return respond(http::ProblemFromStatus(found.status()));
    if (!*found || (*found)->status != domain::RunStatus::kSucceeded) {
      std::string what = run_id ? "run " + std::to_string(*run_id) + " has no results (not found or not succeeded)"
                                : "no succeeded " + std::string(kind ? domain::RunKindName(*kind) : "") +
                                      (kind ? " " : "") + "aggregation run for " + date.ToString();
      return respond(http::ProblemResponse(404, "not-found", "No exposures", what));
    }
    domain::AggregationRun& run = **found;
    if (Status late = agg::FillMissingTrades(context_.store, {&run, 1}); !late.ok()) {
      return respond(http::ProblemFromStatus(late));
    }
    auto rows = context_.results.LoadExposures({run.run_id, level, participant});
    if (!rows.ok()) return respond(http::ProblemFromStatus(rows.status()));
    std::vector<domain::ExposureRow> reporting;
    if (level == ExposureLevel::kParticipant) {
      auto loaded = context_.results.LoadExposures({run.run_id, ExposureLevel::kReporting, participant});
      if (!loaded.ok()) return respond(http::ProblemFromStatus(loaded.status()));
      reporting = std::move(loaded).value();
    }
    const Date run_date = run.request.business_date;
    JsonWriter json;
    json.BeginObject().Field("business_date", run_date.ToString());
    json.Field("level", std::string_view(domain::ExposureLevelName(level))).Key("run");
    if (full_run) WriteRun(json, run, /*with_differences=*/false);
    else WriteRunSummary(json, run);
    WriteRows(json, "exposures", run_date, *rows);
    if (level == ExposureLevel::kParticipant) WriteRows(json, "reporting", run_date, reporting);
    json.EndObject();
    respond(http::JsonResponse(200, json.Take()));
  });
}

void ExposuresApi::History(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  QueryParams params(request, {"participant", "business_date", "from", "to"});
  const std::optional<std::string_view> requested = params.MemberId("participant");
  const Date today = context_.validator.calendar().CurrentBusinessDate();
  const std::optional<Date> date = params.DateParam("business_date");
  const std::optional<Date> from = params.DateParam("from");
  const std::optional<Date> to = params.DateParam("to");
  if (date && (from || to)) params.Error("business_date", "give either business_date or from/to, not both");
  store::HistoryQuery query{from.value_or(date.value_or(to.value_or(today))), to.value_or(date.value_or(today)),
                            std::nullopt};
  if (params.ok() && query.to < query.from) params.Error("to", "is before from");
  if (params.ok() && query.to.days() - query.from.days() >= kMaxHistoryDays) {
    params.Error("to", "the range may cover at most " + std::to_string(kMaxHistoryDays) + " days");
  }
  if (auto problem = params.Problem()) return respond(std::move(*problem));
  auto participant = ParticipantFilter(*principal, requested);
  if (!participant.ok()) return respond(http::ProblemFromStatus(participant.status()));
  query.participant = *participant;

  boost::asio::post(context_.blocking, [this, query = std::move(query), respond = std::move(respond)] {
    auto history = context_.results.LoadHistory(query);
    if (!history.ok()) return respond(http::ProblemFromStatus(history.status()));
    JsonWriter json;
    json.BeginObject().Key("participant");
    if (query.participant) json.String(*query.participant);
    else json.Null();
    json.Field("from", query.from.ToString()).Field("to", query.to.ToString()).Key("points").BeginArray();
    for (const store::HistoryPoint& point : *history) {
      const domain::AggregationRun& run = point.run;
      const Date run_date = run.request.business_date;
      json.BeginObject()
          .Field("run_id", run.run_id)
          .Field("kind", std::string_view(domain::RunKindName(run.request.kind)))
          .Field("version", static_cast<int64_t>(run.version))
          .Field("business_date", run_date.ToString())
          .Key("computed_at");
      if (run.finished_at) json.String(run.finished_at->ToString());
      else json.Null();
      json.Key("snapshot_committed_at");
      if (run.snapshot_committed_at) json.String(run.snapshot_committed_at->ToString());
      else json.Null();
      json.Field("watermark", run.watermark);
      WriteRows(json, "totals", run_date, point.rows, ExposureLevel::kParticipant);
      WriteRows(json, "reporting", run_date, point.rows, ExposureLevel::kReporting);
      json.EndObject();
    }
    json.EndArray().EndObject();
    respond(http::JsonResponse(200, json.Take()));
  });
}

}  // namespace tradeagg::api
