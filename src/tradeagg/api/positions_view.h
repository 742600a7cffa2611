// PositionsView: what GET /v1/positions and its live stream both answer — a request's query of
// the position book (date, participant, instrument, scoped to what the caller may see), and
// the JSON of the book's answer with the participants' totals in the reporting currency.
// See docs/api.md, "Positions".
// Thread safety: stateless functions over the context's thread-safe book and stores.
#pragma once

#include <string>
#include <variant>

#include "tradeagg/api/api_context.h"
#include "tradeagg/book/position_book.h"
#include "tradeagg/domain/fx_rates.h"
#include "tradeagg/http/request.h"
#include "tradeagg/http/response.h"

namespace tradeagg::api {

// The caller's query, or the problem to answer (401, 403, 422).
std::variant<book::PositionQuery, http::Response> ParsePositionQuery(const ApiContext& context,
                                                                     const http::Request& request);

// The date's FX rates for the reporting rows; none when the store cannot say (every currency
// but the reporting one is then listed as missing: unknown, never guessed).
domain::FxRates RatesForPositions(const ApiContext& context, Date business_date);

std::string PositionsJson(const ApiContext& context, const book::PositionQuery& query, const domain::FxRates& rates);

}  // namespace tradeagg::api
