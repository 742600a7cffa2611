#include "tradeagg/api/compat_api.h"

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/body_media_type.h"
#include "tradeagg/api/trade_codec.h"
#include "tradeagg/api/trade_submission.h"

namespace tradeagg::api {

namespace {

// The proof of concept's name for each v1 field, for error locations.
std::string_view PocName(std::string_view field) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"trade_id", "TradeId"}, {"participant", "Trader"}, {"counterparty", "Counterparty"},
      {"instrument", "ISIN"},  {"side", "TradeType"},     {"quantity", "Quantity"},
      {"price", "Price"},      {"notional", "Notional"},  {"currency", "Ccy"},
      {"trade_time", "DateTime"}};
  for (auto [v1, poc] : kNames) if (v1 == field) return poc;
  return field;
}

// FastAPI's error shape: {"detail": [{"loc": ["body", "Quantity"], "msg": "...", "type": "..."}]}
http::Response FastApiErrors(unsigned status, const std::vector<IndexedFieldError>& errors, std::string_view type) {
  JsonWriter json;
  json.BeginObject().Key("detail").BeginArray();
  for (const auto& e : errors) {
    json.BeginObject().Key("loc").BeginArray().String("body").String(PocName(e.field)).EndArray();
    json.Field("msg", e.message).Field("type", type).EndObject();
  }
  json.EndArray().EndObject();
  return http::JsonResponse(status, json.Take());
}

http::Response FastApiDetail(unsigned status, std::string_view detail) {
  JsonWriter json;
  json.BeginObject().Field("detail", detail).EndObject();
  return http::JsonResponse(status, json.Take());
}

http::Response CompatResponse(SubmissionOutcome& outcome) {
  using Kind = SubmissionOutcome::Kind;
  switch (outcome.kind) {
    case Kind::kCommitted: {
      const auto& r = outcome.request;
      bool accepted = r.outcomes[0] == store::AppendOutcome::kAccepted;
      JsonWriter json;
      json.BeginObject()
          .Field("message", std::string_view("Trade submitted successfully"))
          .Field("status", std::string_view(accepted ? "accepted" : "duplicate"))
          .Field("seq", r.seqs[0])
          .Field("business_date", r.business_dates[0].ToString())
          .EndObject();
      return http::JsonResponse(200, json.Take());
    }
    case Kind::kForbidden: return FastApiDetail(403, outcome.detail);
    case Kind::kInvalid: return FastApiErrors(422, outcome.errors, "value_error");
    case Kind::kConflict: return FastApiErrors(409, outcome.errors, "conflict");
    case Kind::kUnavailable: {
      http::Response response = FastApiDetail(503, outcome.detail + "; nothing was acknowledged, retrying is safe");
      response.headers.emplace_back("Retry-After", std::to_string(outcome.retry_after_seconds));
      return response;
    }
  }
  return FastApiDetail(500, "unknown submission outcome");
}

http::Response Unauthenticated(const Status&) {
  http::Response response = FastApiDetail(401, "Could not validate credentials");
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace

CompatApi::CompatApi(ApiContext& context) : context_(context), gatekeeper_(context, Unauthenticated) {}

void CompatApi::Register(http::Router& router) {
  router.Add(
      boost::beast::http::verb::post, "/submit_trade",
      [this](auto& req, auto respond) { SubmitTrade(req, std::move(respond)); }, gatekeeper_);
}

void CompatApi::SubmitTrade(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(Unauthenticated(principal.status()));
  if (auto media = CheckBodyMediaType(request, kJsonBody); !media.ok()) {
    return respond(FastApiDetail(415, media.status().message()));
  }
  auto parsed = ParseTradeBody(request.message.body(), BodyFormat::kJson, FieldNames::kProofOfConcept);
  if (!parsed.ok() || parsed->drafts.size() != 1) {
    return respond(FastApiDetail(400, parsed.ok() ? "send one trade object" : parsed.status().message()));
  }
  SubmitTrades(context_, *principal, std::move(parsed->drafts), std::move(parsed->type_errors),
               [respond = std::move(respond)](SubmissionOutcome outcome) {
                 respond.Build([outcome = std::move(outcome)]() mutable { return CompatResponse(outcome); });
               });
}

}  // namespace tradeagg::api
