// AggregationsApi: POST /v1/aggregations (request a run), GET /v1/aggregations (list) and
// GET /v1/aggregations/{run_id}. Risk and admin users only: a run's record names every
// participant it reconciled. See docs/api.md for the contract.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class AggregationsApi {
 public:
  explicit AggregationsApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void Submit(http::Request& request, http::Responder respond);
  void List(http::Request& request, http::Responder respond);
  void Get(http::Request& request, http::Responder respond);
  ApiContext& context_;
};

}  // namespace tradeagg::api
