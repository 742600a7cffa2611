#include "tradeagg/api/trades_api.h"

#include <charconv>

#include <boost/asio/post.hpp>

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/body_media_type.h"
#include "tradeagg/api/query_params.h"
#include "tradeagg/api/trade_codec.h"
#include "tradeagg/api/trade_submission.h"

namespace tradeagg::api {

namespace bhttp = boost::beast::http;

namespace {

const char* OutcomeName(store::AppendOutcome outcome) {
  return outcome == store::AppendOutcome::kAccepted ? "accepted" : "duplicate";
}

http::Response CommittedResponse(const store::AppendRequest& request) {
  int64_t accepted = 0;
  JsonWriter items;
  items.BeginArray();
  for (size_t i = 0; i < request.trades.size(); ++i) {
    if (request.outcomes[i] == store::AppendOutcome::kAccepted) ++accepted;
    items.BeginObject()
        .Field("index", static_cast<int64_t>(i))
        .Field("trade_id", request.trades[i].trade_id)
        .Field("participant", request.trades[i].participant)
        .Field("status", std::string_view(OutcomeName(request.outcomes[i])))
        .Field("seq", request.seqs[i])
        .Field("business_date", request.business_dates[i].ToString())
        .EndObject();
  }
  items.EndArray();
  JsonWriter json;
  json.BeginObject()
      .Field("accepted", accepted)
      .Field("duplicates", static_cast<int64_t>(request.trades.size()) - accepted)
      .Key("trades")
      .Raw(items.str())
      .EndObject();
  return http::JsonResponse(accepted > 0 ? 201 : 200, json.Take());
}

// "7 errors in 1 trade; nothing was stored", and how many are listed when not all are.
std::string InvalidTradesDetail(const SubmissionOutcome& outcome) {
  auto count = [](size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); };
  std::string detail = count(outcome.error_count, "error") + " in " + count(outcome.invalid_trades, "trade");
  if (outcome.errors.size() < outcome.error_count) {
    detail += " (the first " + std::to_string(outcome.errors.size()) + " are listed)";
  }
  return detail + "; nothing was stored";
}

http::Response SubmissionResponse(SubmissionOutcome& outcome) {
  using Kind = SubmissionOutcome::Kind;
  switch (outcome.kind) {
    case Kind::kCommitted: return CommittedResponse(outcome.request);
    case Kind::kForbidden: return http::ProblemResponse(403, "forbidden", "Forbidden", outcome.detail);
    case Kind::kInvalid:
      return http::ProblemResponse(422, "validation", "Invalid trades", InvalidTradesDetail(outcome),
                                   FieldErrorsJson(outcome.errors));
    case Kind::kConflict:
      return http::ProblemResponse(409, "conflict", "Conflicting trade",
                                   "a trade id is already used with different content; nothing was stored",
                                   FieldErrorsJson(outcome.errors));
    case Kind::kUnavailable: {
      http::Response response = http::ProblemResponse(503, "unavailable", "Service unavailable",
                                                       outcome.detail + "; nothing was acknowledged, retrying is safe");
      response.headers.emplace_back("Retry-After", std::to_string(outcome.retry_after_seconds));
      return response;
    }
  }
  return http::ProblemResponse(500, "internal", "Internal error", "unknown submission outcome");
}

// The optional `cursor` query parameter: a next_cursor of an earlier page (the seq after which
// the page starts); absent or empty, the first page.
int64_t Cursor(QueryParams& params) {
  auto text = params.Text("cursor");
  if (!text || text->empty()) return 0;
  int64_t seq = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seq);
  if (ec != std::errc() || end != text->data() + text->size() || seq < 1 || (*text)[0] == '0') {
    params.Error("cursor", "must be a value returned as next_cursor");
    return 0;
  }
  return seq;
}

}  // namespace

void TradesApi::Register(http::Router& router) {
  router.Add(bhttp::verb::post, "/v1/trades", [this](auto& req, auto respond) { Submit(req, std::move(respond)); });
  router.Add(bhttp::verb::get, "/v1/trades", [this](auto& req, auto respond) { List(req, std::move(respond)); });
  router.Add(bhttp::verb::get, "/v1/trades/{participant}/{trade_id}",
             [this](auto& req, auto respond) { Get(req, std::move(respond)); });
}

void TradesApi::Submit(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  static constexpr std::string_view kTradeBodies[] = {"application/json", "application/x-ndjson", "application/jsonl"};
  auto media = CheckBodyMediaType(request, kTradeBodies);
  if (!media.ok()) return respond(UnsupportedMediaType(media.status()));
  const BodyFormat format = *media == "application/json" ? BodyFormat::kJson : BodyFormat::kNdjson;
  auto parsed = ParseTradeBody(request.message.body(), format, FieldNames::kV1);
  if (!parsed.ok()) {
    return respond(http::ProblemResponse(400, "malformed", "Malformed body", parsed.status().message()));
  }
  if (parsed->drafts.size() > context_.options.max_trades_per_request) {
    return respond(http::ProblemResponse(
        413, "too-large", "Too many trades",
        "a request may carry at most " + std::to_string(context_.options.max_trades_per_request) + " trades, got " +
            std::to_string(parsed->drafts.size())));
  }
  SubmitTrades(context_, *principal, std::move(parsed->drafts), std::move(parsed->type_errors),
               [respond = std::move(respond)](SubmissionOutcome outcome) {
                 // Runs on the ingest writer thread: serialise on the connection's thread.
                 respond.Build([outcome = std::move(outcome)]() mutable { return SubmissionResponse(outcome); });
               });
}

void TradesApi::Get(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  const std::string& participant = request.param("participant");
  if (Status allowed = AuthorizeRead(*principal, participant); !allowed.ok()) {
    return respond(http::ProblemFromStatus(allowed));
  }
  boost::asio::post(context_.blocking, [this, &request, respond = std::move(respond)] {
    const std::string& participant = request.param("participant");
    const std::string& trade_id = request.param("trade_id");
    auto found = context_.store.FindTrade(participant, trade_id);
    if (!found.ok()) return respond(http::ProblemFromStatus(found.status()));
    if (!*found) {
      return respond(http::ProblemResponse(404, "not-found", "Not found",
                                           "participant '" + participant + "' has no trade '" + trade_id + "'"));
    }
    JsonWriter json;
    WriteTrade(json, **found);
    respond(http::JsonResponse(200, json.Take()));
  });
}

void TradesApi::List(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  QueryParams params(request, {"participant", "business_date", "instrument", "limit", "cursor"});
  const std::optional<std::string_view> requested = params.MemberId("participant");
  store::TradeQuery query;
  query.business_date = params.DateParam("business_date");
  if (auto instrument = params.Isin("instrument")) query.instrument = std::string(*instrument);
  query.limit = static_cast<size_t>(params.PositiveInt("limit", 1000).value_or(100));
  query.after_seq = Cursor(params);
  if (auto problem = params.Problem()) return respond(std::move(*problem));
  auto participant = ParticipantFilter(*principal, requested);
  if (!participant.ok()) return respond(http::ProblemFromStatus(participant.status()));
  query.participant = *participant;
  boost::asio::post(context_.blocking, [this, query = std::move(query), respond = std::move(respond)] {
    auto page = context_.store.ListTrades(query);
    if (!page.ok()) return respond(http::ProblemFromStatus(page.status()));
    JsonWriter json;
    json.BeginObject().Key("trades").BeginArray();
    for (const auto& trade : page->trades) WriteTrade(json, trade);
    json.EndArray().Key("next_cursor");
    if (page->next_after_seq) json.String(std::to_string(*page->next_after_seq));
    else json.Null();
    json.EndObject();
    respond(http::JsonResponse(200, json.Take()));
  });
}

}  // namespace tradeagg::api
