#include "tradeagg/api/fx_rates_api.h"

#include <boost/asio/post.hpp>
#include <simdjson.h>

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/body_media_type.h"
#include "tradeagg/api/field_errors.h"
#include "tradeagg/api/query_params.h"
#include "tradeagg/core/json_writer.h"

namespace tradeagg::api {

namespace bhttp = boost::beast::http;

namespace {

void WriteRates(JsonWriter& json, Date date, std::string_view reporting_currency, const domain::FxRates& rates) {
  json.BeginObject()
      .Field("business_date", date.ToString())
      .Field("reporting_currency", reporting_currency)
      .Key("rates")
      .BeginObject();
  for (const auto& [currency, rate] : rates.to_reporting) json.Field(currency, rate);
  json.EndObject().Key("updated_at");
  if (rates.updated_at) json.String(rates.updated_at->ToString());
  else json.Null();
  json.EndObject();
}

// {"rates": {"EUR": "1.0843", ...}}: decimals as strings, read exactly.
Result<domain::FxRates> ParseRates(std::string_view body, std::vector<IndexedFieldError>& errors) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc)) return Status::InvalidArgument("the body is not valid JSON");
  simdjson::dom::object rates;
  if (doc["rates"].get_object().get(rates)) {
    return Status::InvalidArgument("the body must be an object with a \"rates\" object");
  }
  domain::FxRates out;
  for (auto [currency, value] : rates) {
    const std::string field = "rates." + std::string(currency);
    std::string_view text;
    if (value.get_string().get(text)) {
      errors.push_back({std::nullopt, field, "must be a decimal as a JSON string"});
      continue;
    }
    auto rate = Decimal::Parse(text);
    if (!rate.ok()) {
      errors.push_back({std::nullopt, field, rate.status().message()});
      continue;
    }
    out.to_reporting[std::string(currency)] = *rate;
  }
  return out;
}

std::optional<Date> DateParam(const http::Request& request) {
  auto parsed = Date::Parse(request.param("business_date"));
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

}  // namespace

void FxRatesApi::Register(http::Router& router) {
  router.Add(bhttp::verb::put, "/v1/fx-rates/{business_date}", [this](auto& req, auto r) { Put(req, std::move(r)); });
  router.Add(bhttp::verb::get, "/v1/fx-rates/{business_date}", [this](auto& req, auto r) { Get(req, std::move(r)); });
}

void FxRatesApi::Put(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  if (principal->role == auth::Role::kMember) {
    return respond(http::ProblemResponse(403, "forbidden", "Forbidden", "FX rates are loaded by risk and admin users"));
  }
  std::optional<Date> date = DateParam(request);
  if (!date) {
    return respond(http::ProblemResponse(422, "validation", "Invalid business date", "the path's date is invalid",
                                         FieldErrorsJson({{std::nullopt, "business_date", "must be YYYY-MM-DD"}})));
  }
  if (auto media = CheckBodyMediaType(request, kJsonBody); !media.ok()) {
    return respond(UnsupportedMediaType(media.status()));
  }
  std::vector<IndexedFieldError> errors;
  auto rates = ParseRates(request.body(), errors);
  if (!rates.ok()) return respond(http::ProblemResponse(400, "malformed", "Malformed body", rates.status().message()));
  for (const auto& e : domain::ValidateFxRates(*rates, context_.reporting_currency, context_.validator.config().currencies)) {
    errors.push_back({std::nullopt, e.field, e.message});
  }
  if (!errors.empty()) {
    return respond(http::ProblemResponse(422, "validation", "Invalid FX rates", std::to_string(errors.size()) + " error(s)",
                                         FieldErrorsJson(errors)));
  }
  boost::asio::post(context_.blocking, [this, date = *date, rates = std::move(rates).value(),
                                        respond = std::move(respond)]() mutable {
    const Timestamp now = Timestamp::Now();
    if (Status s = context_.results.PutFxRates(date, rates, now); !s.ok()) return respond(http::ProblemFromStatus(s));
    rates.updated_at = now;
    JsonWriter json;
    WriteRates(json, date, context_.reporting_currency, rates);
    respond(http::JsonResponse(200, json.Take()));
  });
}

void FxRatesApi::Get(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  std::optional<Date> date = DateParam(request);
  if (!date) return respond(http::ProblemResponse(404, "not-found", "Not found", "not a business date"));
  boost::asio::post(context_.blocking, [this, date = *date, respond = std::move(respond)] {
    auto rates = context_.results.GetFxRates(date);
    if (!rates.ok()) return respond(http::ProblemFromStatus(rates.status()));
    JsonWriter json;
    WriteRates(json, date, context_.reporting_currency, *rates);
    respond(http::JsonResponse(200, json.Take()));
  });
}

}  // namespace tradeagg::api
