// ExposuresApi: GET /v1/exposures (a run's stored exposures at one level) and
// GET /v1/exposures/history (the day's series of participant totals). Members see only their
// own participant. See docs/api.md for the contract.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class ExposuresApi {
 public:
  explicit ExposuresApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void Get(http::Request& request, http::Responder respond);
  void History(http::Request& request, http::Responder respond);
  ApiContext& context_;
};

}  // namespace tradeagg::api
