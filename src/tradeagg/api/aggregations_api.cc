#include "tradeagg/api/aggregations_api.h"

#include <charconv>

#include <boost/asio/post.hpp>

#include "tradeagg/agg/aggregator.h"
#include "tradeagg/agg/late_trades.h"
#include "tradeagg/api/authentication.h"
#include "tradeagg/api/body_media_type.h"
#include "tradeagg/api/exposure_codec.h"
#include "tradeagg/api/form_codec.h"
#include "tradeagg/api/query_params.h"

namespace tradeagg::api {

namespace bhttp = boost::beast::http;

namespace {

constexpr size_t kDefaultListLimit = 100;

Result<auth::Principal> RequireRiskOrAdmin(const ApiContext& context, const http::Request& request) {
  ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(context, request));
  if (principal.role == auth::Role::kMember) {
    return Status::PermissionDenied("aggregation runs are for risk and admin users");
  }
  return principal;
}

std::optional<int64_t> ParseId(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

// The request of a POST body; every field error at once.
domain::RunRequest ParseRunRequest(const StringFields& fields, std::vector<IndexedFieldError>& errors) {
  domain::RunRequest request;
  auto field = [&](std::string_view name) -> std::optional<std::string_view> {
    auto it = fields.find(name);
    if (it == fields.end()) return std::nullopt;
    return std::string_view(it->second);
  };
  auto error = [&](std::string_view name, std::string message) {
    errors.push_back({std::nullopt, std::string(name), std::move(message)});
  };
  if (auto date = field("business_date")) {
    auto parsed = Date::Parse(*date);
    if (parsed.ok()) request.business_date = *parsed;
    else error("business_date", parsed.status().message());
  } else {
    error("business_date", "is required");
  }
  if (auto kind = field("kind")) {
    auto parsed = domain::ParseRunKind(*kind);
    if (parsed) request.kind = *parsed;
    else error("kind", "must be intraday or eod");
  } else {
    error("kind", "is required");
  }
  if (auto snapshot = field("as_of_snapshot_id")) {
    request.as_of_snapshot_id = ParseId(*snapshot);
    if (!request.as_of_snapshot_id) error("as_of_snapshot_id", "must be a snapshot id (a positive integer)");
  }
  if (auto as_of = field("as_of")) {
    auto parsed = Timestamp::Parse(*as_of);
    if (parsed.ok()) request.as_of_time = *parsed;
    else error("as_of", parsed.status().message());
  }
  if (field("as_of_snapshot_id") && field("as_of")) error("as_of", "give as_of or as_of_snapshot_id, not both");
  return request;
}

}  // namespace

void AggregationsApi::Register(http::Router& router) {
  router.Add(bhttp::verb::post, "/v1/aggregations", [this](auto& req, auto r) { Submit(req, std::move(r)); });
  router.Add(bhttp::verb::get, "/v1/aggregations", [this](auto& req, auto r) { List(req, std::move(r)); });
  router.Add(bhttp::verb::get, "/v1/aggregations/{run_id}", [this](auto& req, auto r) { Get(req, std::move(r)); });
}

void AggregationsApi::Submit(http::Request& request, http::Responder respond) {
  auto principal = RequireRiskOrAdmin(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  if (context_.aggregator == nullptr) {
    return respond(http::ProblemResponse(404, "not-found", "Lake disabled", "aggregation runs read the lake, which this server does not have"));
  }
  if (auto media = CheckBodyMediaType(request, kJsonBody); !media.ok()) {
    return respond(UnsupportedMediaType(media.status()));
  }
  std::vector<IndexedFieldError> errors;
  auto fields = ParseJsonStringObject(request.body(), {"business_date", "kind", "as_of_snapshot_id", "as_of"}, errors,
                                      {"as_of_snapshot_id"});
  if (!fields.ok()) return respond(http::ProblemResponse(400, "malformed", "Malformed body", fields.status().message()));
  domain::RunRequest run_request = ParseRunRequest(*fields, errors);
  // A date that has not begun has no trades to answer for: a run of it could only mislead.
  const Date current = context_.validator.calendar().CurrentBusinessDate();
  if (errors.empty() && run_request.business_date > current) {
    errors.push_back({std::nullopt, "business_date",
                      "must not be after the current business date " + current.ToString()});
  }
  if (!errors.empty()) {
    return respond(http::ProblemResponse(422, "validation", "Invalid aggregation request",
                                         std::to_string(errors.size()) + " error(s)", FieldErrorsJson(errors)));
  }
  run_request.requested_by = principal->username;
  boost::asio::post(context_.blocking, [this, run_request = std::move(run_request), respond = std::move(respond)] {
    auto run = context_.aggregator->Submit(run_request);
    if (!run.ok()) return respond(http::ProblemFromStatus(run.status()));
    JsonWriter json;
    WriteRun(json, *run, /*with_differences=*/true);
    http::Response response = http::JsonResponse(202, json.Take());
    response.headers.emplace_back("Location", "/v1/aggregations/" + std::to_string(run->run_id));
    respond(std::move(response));
  });
}

void AggregationsApi::List(http::Request& request, http::Responder respond) {
  auto principal = RequireRiskOrAdmin(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  QueryParams params(request, {"business_date", "from", "to", "kind", "status", "limit", "cursor"});
  store::RunQuery query;
  if (auto date = params.DateParam("business_date")) query.from = query.to = date;
  if (auto from = params.DateParam("from")) query.from = from;
  if (auto to = params.DateParam("to")) query.to = to;
  if (auto kind = params.OneOf("kind", {"intraday", "eod"})) query.kind = domain::ParseRunKind(*kind);
  if (auto status = params.OneOf("status", {"queued", "running", "succeeded", "failed"})) {
    query.status = domain::ParseRunStatus(*status);
  }
  query.limit = static_cast<size_t>(params.PositiveInt("limit", 1000).value_or(kDefaultListLimit));
  query.before_run_id = params.PositiveInt("cursor", INT64_MAX).value_or(0);
  if (auto problem = params.Problem()) return respond(std::move(*problem));
  boost::asio::post(context_.blocking, [this, query, respond = std::move(respond)]() mutable {
    const size_t limit = query.limit;
    query.limit = limit + 1;  // one more tells whether another page exists
    auto runs = context_.results.ListRuns(query);
    if (!runs.ok()) return respond(http::ProblemFromStatus(runs.status()));
    const bool more = runs->size() > limit;
    if (more) runs->resize(limit);
    if (Status late = agg::FillMissingTrades(context_.store, *runs); !late.ok()) {
      return respond(http::ProblemFromStatus(late));
    }
    JsonWriter json;
    json.BeginObject().Key("runs").BeginArray();
    for (const domain::AggregationRun& run : *runs) WriteRun(json, run, /*with_differences=*/false);
    json.EndArray().Key("next_cursor");
    if (more) json.String(std::to_string(runs->back().run_id));
    else json.Null();
    json.EndObject();
    respond(http::JsonResponse(200, json.Take()));
  });
}

void AggregationsApi::Get(http::Request& request, http::Responder respond) {
  auto principal = RequireRiskOrAdmin(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  std::optional<int64_t> run_id = ParseId(request.param("run_id"));
  if (!run_id) return respond(http::ProblemResponse(404, "not-found", "Not found", "no such aggregation run"));
  boost::asio::post(context_.blocking, [this, id = *run_id, respond = std::move(respond)] {
    auto run = context_.results.FindRun(id);
    if (!run.ok()) return respond(http::ProblemFromStatus(run.status()));
    if (!*run) return respond(http::ProblemResponse(404, "not-found", "Not found", "no aggregation run " + std::to_string(id)));
    if (Status late = agg::FillMissingTrades(context_.store, {&**run, 1}); !late.ok()) {
      return respond(http::ProblemFromStatus(late));
    }
    JsonWriter json;
    WriteRun(json, **run, /*with_differences=*/true);
    respond(http::JsonResponse(200, json.Take()));
  });
}

}  // namespace tradeagg::api
