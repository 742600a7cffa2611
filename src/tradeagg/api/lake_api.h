// LakeApi: GET /v1/lake, the state of the Iceberg export (watermark, lag, last snapshot).
// See docs/api.md for the contract.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class LakeApi {
 public:
  explicit LakeApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void Status(http::Request& request, http::Responder respond);
  ApiContext& context_;
};

}  // namespace tradeagg::api
