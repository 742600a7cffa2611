// OperationsApi: what operators and their tools ask of a running server, without a token:
//   GET /healthz  the process is alive and serving (liveness);
//   GET /readyz   it can do its work: the store answers, and the lake's exporter is not
//                 stalled (trades waiting longer than `export_stall`); 503 naming the failing
//                 check otherwise (readiness: a balancer stops sending traffic);
//   GET /metrics  the Prometheus text exposition of the service's metrics;
// and POST /v1/admin/faults on servers started with fault injection enabled (tests only; the
// route does not exist otherwise).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "tradeagg/api/api_context.h"
#include "tradeagg/core/json_writer.h"
#include "tradeagg/http/router.h"
#include "tradeagg/metrics/registry.h"

namespace tradeagg::api {

struct OperationsOptions {
  metrics::Registry* metrics = nullptr;  // null: GET /metrics answers 404
  std::chrono::seconds export_stall{300};
};

class OperationsApi {
 public:
  OperationsApi(ApiContext& context, OperationsOptions options) : context_(context), options_(options) {}
  void Register(http::Router& router);

 private:
  struct Readiness {
    bool ready = false;
    std::string json;
  };
  static constexpr std::chrono::seconds kReadinessReuse{1};

  void Ready(http::Request& request, http::Responder respond);
  Readiness CachedReadiness();
  Readiness CheckReadiness() const;
  bool WriteExporterCheck(JsonWriter& json) const;  // true: not stalled
  void Metrics(http::Request& request, http::Responder respond);
  void ArmFault(http::Request& request, http::Responder respond);
  ApiContext& context_;
  const OperationsOptions options_;
  std::mutex readiness_mutex_;
  std::optional<Readiness> readiness_;                            // guarded by readiness_mutex_
  std::chrono::steady_clock::time_point readiness_checked_at_;  // guarded by readiness_mutex_
};

}  // namespace tradeagg::api
