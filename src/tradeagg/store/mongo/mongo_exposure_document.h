// The `exposures` document: how one domain::ExposureRow of a run's result is laid out in
// MongoDB (field conventions: mongo_fields.h).
//
//   { _id: "<run id>:<result token>:<n>", run_id: <int64>, result_token,
//     level: "instrument"|"counterparty"|"participant"|"reporting", participant, key, currency,
//     buy_quantity: "<integer>", sell_quantity: "<integer>",            // int128: as text
//     buy_notional: "<decimal>", sell_notional: "<decimal>",            // Decimal::ToString
//     trade_count, buy_trades, sell_trades: <int64>, missing_rates: "CHF,JPY" }
//
// Only what cannot be derived is kept (store/exposure_store.h). Quantities are int128 sums and
// notionals exact decimals, so both are canonical strings (FerretDB 1.x has no Decimal128, and
// a double would round). The _id is unique to one SaveResult attempt (its token), so an insert
// that meets its own _id can only be a retry of itself.
// Thread safety: functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/exposure_row.h"
#include "tradeagg/store/mongo/mongo_client.h"

namespace tradeagg::store {

Bson ExposureRowDocument(int64_t run_id, std::string_view result_token, size_t n, const domain::ExposureRow& row);
// kInternal when a field is missing or malformed.
Result<domain::ExposureRow> ExposureRowFromDocument(const Bson& doc);

}  // namespace tradeagg::store
