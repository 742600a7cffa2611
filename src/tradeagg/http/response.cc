#include "tradeagg/http/response.h"

#include "tradeagg/core/json_writer.h"

namespace tradeagg::http {

Response JsonResponse(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response EmptyResponse(unsigned status) {
  Response response;
  response.status = status;
  response.content_type.clear();
  return response;
}

Response ProblemResponse(unsigned status, std::string_view slug, std::string_view title, std::string_view detail,
                         std::string_view errors_json) {
  JsonWriter json;
  json.BeginObject()
      .Field("type", "https://tradeagg.dev/problems/" + std::string(slug))
      .Field("title", title)
      .Field("status", static_cast<int64_t>(status))
      .Field("detail", detail);
  if (!errors_json.empty()) json.Key("errors").Raw(errors_json);
  json.EndObject();
  Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = json.Take();
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

namespace {

Response ProblemFor(const Status& status) {
  const std::string& detail = status.message();
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return ProblemResponse(422, "validation", "Invalid request", detail);
    case StatusCode::kNotFound: return ProblemResponse(404, "not-found", "Not found", detail);
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict: return ProblemResponse(409, "conflict", "Conflict", detail);
    case StatusCode::kUnauthenticated: return ProblemResponse(401, "unauthenticated", "Unauthenticated", detail);
    case StatusCode::kPermissionDenied: return ProblemResponse(403, "forbidden", "Forbidden", detail);
    case StatusCode::kResourceExhausted: return ProblemResponse(429, "too-many-requests", "Too many requests", detail);
    case StatusCode::kUnavailable:
    case StatusCode::kStateUnknown:
      return ProblemResponse(503, "unavailable", "Service unavailable",
                             detail + "; nothing was acknowledged, retrying is safe");
    case StatusCode::kOk:
    case StatusCode::kInternal: break;
  }
  return ProblemResponse(500, "internal", "Internal error", detail);
}

}  // namespace

Response ProblemFromStatus(const Status& status) {
  Response response = ProblemFor(status);
  if (status.retry_after_seconds() > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(status.retry_after_seconds()));
  }
  return response;
}

}  // namespace tradeagg::http
