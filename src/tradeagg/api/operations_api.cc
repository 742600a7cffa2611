#include "tradeagg/api/operations_api.h"

#include <boost/asio/post.hpp>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/body_media_type.h"
#include "tradeagg/api/query_params.h"
#include "tradeagg/core/fault_injector.h"
#include "tradeagg/core/json_writer.h"
#include "tradeagg/lake/export_lag.h"

namespace tradeagg::api {

namespace bhttp = boost::beast::http;

void OperationsApi::Register(http::Router& router) {
  router.Add(bhttp::verb::get, "/healthz",
             [](auto&, auto respond) { respond(http::JsonResponse(200, R"({"status":"ok"})")); }, http::Access::kPublic);
  router.Add(bhttp::verb::get, "/readyz", [this](auto& req, auto r) { Ready(req, std::move(r)); },
             http::Access::kPublic);
  router.Add(bhttp::verb::get, "/metrics", [this](auto& req, auto r) { Metrics(req, std::move(r)); },
             http::Access::kPublic);
  if (context_.options.fault_injection) {
    router.Add(bhttp::verb::post, "/v1/admin/faults", [this](auto& req, auto r) { ArmFault(req, std::move(r)); });
  }
}

void OperationsApi::Ready(http::Request& request, http::Responder respond) {
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  // The checks ask the store: off the I/O threads, which must keep answering while it hangs.
  boost::asio::post(context_.blocking, [this, respond = std::move(respond)] {
    Readiness readiness = CachedReadiness();
    respond(http::JsonResponse(readiness.ready ? 200 : 503, std::move(readiness.json)));
  });
}

OperationsApi::Readiness OperationsApi::CachedReadiness() {
  // The route is public: at most one round of store reads per second, however often it is asked.
  std::lock_guard lock(readiness_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!readiness_ || now - readiness_checked_at_ >= kReadinessReuse) {
    readiness_ = CheckReadiness();
    readiness_checked_at_ = now;
  }
  return *readiness_;
}

OperationsApi::Readiness OperationsApi::CheckReadiness() const {
  JsonWriter json;
  json.BeginObject().Key("checks").BeginObject();
  auto last_seq = context_.store.LastSeq();
  bool ready = last_seq.ok();
  // The cause (a host, a driver's words) goes to the log, not to an unauthenticated client;
  // nor does the store's size.
  if (!last_seq.ok()) spdlog::warn("readyz: the trade store does not answer: {}", last_seq.status().ToString());
  json.Key("store").BeginObject().Field("ok", last_seq.ok());
  json.Field("detail", last_seq.ok() ? "the trade store answers" : "the trade store does not answer");
  json.EndObject();
  if (context_.exporter != nullptr) ready = WriteExporterCheck(json) && ready;
  json.EndObject().Field("status", ready ? "ready" : "unready").EndObject();
  return {ready, json.Take()};
}

bool OperationsApi::WriteExporterCheck(JsonWriter& json) const {
  auto lag = lake::MeasureExportLag(*context_.exporter, context_.store, Timestamp::Now());
  const bool stalled = lag.ok() && lag->behind > options_.export_stall;
  const bool ok = lag.ok() && !stalled;
  json.Key("exporter").BeginObject().Field("ok", ok);
  if (!lag.ok()) {
    json.Field("detail", "the lake's lag cannot be measured: the trade store does not answer");
  } else {
    const int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(lag->behind).count();
    json.Field("detail", stalled ? std::to_string(lag->trades) + " trades wait for the lake, the oldest for " +
                                       std::to_string(seconds) + " s (stalled past " +
                                       std::to_string(options_.export_stall.count()) + " s)"
                                 : std::string("the lake's exporter keeps up"))
        .Field("lag_trades", lag->trades)
        .Field("lag_seconds", seconds);
  }
  json.EndObject();
  return ok;
}

void OperationsApi::Metrics(http::Request& request, http::Responder respond) {
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  if (options_.metrics == nullptr) {
    return respond(http::ProblemResponse(404, "not-found", "Not found", "this server keeps no metrics"));
  }
  // Rendering refreshes the lake's lag from the store: off the I/O threads.
  boost::asio::post(context_.blocking, [this, respond = std::move(respond)] {
    http::Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = options_.metrics->Render();
    respond(std::move(response));
  });
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
