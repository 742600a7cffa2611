// The `trades` collection's document: how a domain::Trade is laid out in MongoDB.
//
//   { _id: "<participant>|<trade_id>",   // the idempotency key: unique by construction, and the
//                                         // only field FerretDB 1.x answers lookups by quickly
//     seq: <int64>, participant, trade_id, counterparty, instrument, side: "BUY"|"SELL",
//     quantity: <int64>, price: "<decimal>", notional: "<decimal>", currency,
//     trade_time: <date>, trade_time_us: <int64>, received_at: <date>, received_at_us: <int64>,
//     business_date: "YYYY-MM-DD", writer: "<instance id>" }
//
// `writer` is the instance that stored the trade (the seq block's writer). Together with the
// seq it names a block's trades exactly: a claim that overlaps another writer's block (a stale
// claim, voided by its own check) never touches that writer's trades when it is cleaned up.
// Decimals are canonical decimal strings (Decimal::ToString): exact, and readable by any
// client (FerretDB 1.x cannot store Decimal128). Times are BSON dates for people and queries,
// with the exact microseconds beside them, which is what tradeagg reads back. Participants are
// [A-Za-z0-9_-], so the first '|' of an _id separates the two parts unambiguously.
// Thread safety: functions.
#pragma once

#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/trade.h"
#include "tradeagg/store/mongo/mongo_client.h"

namespace tradeagg::store {

std::string TradeDocumentId(std::string_view participant, std::string_view trade_id);
Bson TradeToDocument(const domain::Trade& trade, std::string_view writer);
// kInternal when a field is missing or malformed (someone else wrote the document).
Result<domain::Trade> TradeFromDocument(const Bson& doc);

}  // namespace tradeagg::store
