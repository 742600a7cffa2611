// CompatApi: the proof of concept's POST /submit_trade, so its clients keep working.
//
// Same validation, durability and idempotency as POST /v1/trades (it goes through the same
// TradeSubmission); only the field names (TradeId, Trader, ISIN, ...) and the error shape
// (FastAPI's {"detail": [{"loc", "msg", "type"}]}) differ. See docs/api.md.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class CompatApi {
 public:
  explicit CompatApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void SubmitTrade(http::Request& request, http::Responder respond);
  ApiContext& context_;
};

}  // namespace tradeagg::api
