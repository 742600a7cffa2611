// PositionsApi: GET /v1/positions, real-time positions from the PositionBook.
// See docs/api.md for the contract.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/core/json_writer.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class PositionsApi {
 public:
  explicit PositionsApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void Query(http::Request& request, http::Responder respond);
  ApiContext& context_;
};

// The exposure fields shared by positions, totals and (later) stored exposures.
void WriteExposureFields(JsonWriter& json, const domain::ExposureTotals& totals);

}  // namespace tradeagg::api
