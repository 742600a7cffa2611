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

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"
#include "tradeagg/metrics/registry.h"

namespace tradeagg::api {

struct OperationsOptions {
  const metrics::Registry* metrics = nullptr;  // null: GET /metrics answers 404
  std::chrono::seconds export_stall{300};
};

class OperationsApi {
 public:
  OperationsApi(ApiContext& context, OperationsOptions options) : context_(context), options_(options) {}
  void Register(http::Router& router);

 private:
  void Ready(http::Request& request, http::Responder respond);
  void Metrics(http::Request& request, http::Responder respond);
  void ArmFault(http::Request& request, http::Responder respond);
  ApiContext& context_;
  const OperationsOptions options_;
};

}  // namespace tradeagg::api
