// CompatApi: the proof of concept's POST /submit_trade, so its clients keep working.
//
// Same validation, durability and idempotency as POST /v1/trades (it goes through the same
// TradeSubmission); only the field names (TradeId, Trader, ISIN, ...) and the error shape
// (FastAPI's {"detail": [{"loc", "msg", "type"}]}) differ. See docs/api.md.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/api/bearer_gatekeeper.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class CompatApi {
 public:
  explicit CompatApi(ApiContext& context);
  void Register(http::Router& router);

 private:
  void SubmitTrade(http::Request& request, http::Responder respond);
  ApiContext& context_;
  BearerGatekeeper gatekeeper_;  // refuses in FastAPI's words (its clients read `detail`)
};

}  // namespace tradeagg::api
