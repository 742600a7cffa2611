// OperationsApi: GET /healthz, and POST /v1/admin/faults on servers started with fault
// injection enabled (tests only; the route does not exist otherwise).
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class OperationsApi {
 public:
  explicit OperationsApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void ArmFault(http::Request& request, http::Responder respond);
  ApiContext& context_;
};

}  // namespace tradeagg::api
