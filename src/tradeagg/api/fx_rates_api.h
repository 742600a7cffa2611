// FxRatesApi: PUT /v1/fx-rates/{business_date} (risk and admin: replace the date's rates) and
// GET /v1/fx-rates/{business_date} (anyone authenticated). See docs/api.md for the contract.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class FxRatesApi {
 public:
  explicit FxRatesApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void Put(http::Request& request, http::Responder respond);
  void Get(http::Request& request, http::Responder respond);
  ApiContext& context_;
};

}  // namespace tradeagg::api
