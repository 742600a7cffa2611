#include "tradeagg/api/operations_api.h"

#include <simdjson.h>

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/body_media_type.h"
#include "tradeagg/api/query_params.h"
#include "tradeagg/core/fault_injector.h"

namespace tradeagg::api {

namespace bhttp = boost::beast::http;

void OperationsApi::Register(http::Router& router) {
  router.Add(bhttp::verb::get, "/healthz",
             [](auto&, auto respond) { respond(http::JsonResponse(200, R"({"status":"ok"})")); }, http::Access::kPublic);
  if (context_.options.fault_injection) {
    router.Add(bhttp::verb::post, "/v1/admin/faults", [this](auto& req, auto r) { ArmFault(req, std::move(r)); });
  }
}

void OperationsApi::ArmFault(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  if (principal->role != auth::Role::kAdmin) {
    return respond(http::ProblemFromStatus(Status::PermissionDenied("only admins arm faults")));
  }
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  if (auto media = CheckBodyMediaType(request, kJsonBody); !media.ok()) {
    return respond(UnsupportedMediaType(media.status()));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view point;
  int64_t count = 0;
  if (parser.parse(request.body().data(), request.body().size()).get(doc) || doc["point"].get(point) ||
      doc["count"].get(count)) {
    return respond(http::ProblemResponse(400, "malformed", "Malformed body", R"(send {"point": "...", "count": N})"));
  }
  FaultInjector::Global().Arm(point, static_cast<int>(count));
  respond(http::EmptyResponse(204));
}

}  // namespace tradeagg::api
