// TradesApi: POST /v1/trades, GET /v1/trades, GET /v1/trades/{participant}/{trade_id}.
// See docs/api.md for the contract.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class TradesApi {
 public:
  explicit TradesApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void Submit(http::Request& request, http::Responder respond);
  void Get(http::Request& request, http::Responder respond);
  void List(http::Request& request, http::Responder respond);
  ApiContext& context_;
};

}  // namespace tradeagg::api
