// PositionsApi: GET /v1/positions, real-time positions from the PositionBook.
// See docs/api.md for the contract.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/core/json_writer.h"
#include "tradeagg/domain/exposure_row.h"
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

// The exposure fields of a row, the one writer for positions, totals and stored exposures
// (docs/api.md). At the instrument level: quantities, notionals, counts, VWAPs and the direction
// by net quantity. At levels spanning instruments (domain::SpansInstruments): no quantities and
// no VWAPs, direction by net notional. Without `notionals_known` (a reporting row missing FX
// rates) the notionals, VWAPs and a notional direction are null.
void WriteExposureFields(JsonWriter& json, const domain::ExposureTotals& totals, domain::ExposureLevel level,
                         bool notionals_known = true);

}  // namespace tradeagg::api
