// Trade codec: request bodies to TradeDrafts, Trades to JSON.
//
// Bodies are a JSON object, a JSON array of objects, or NDJSON. Numbers are kept as their exact
// JSON text so decimals never pass through double. A structurally broken body (not JSON, an item
// that is not an object) is an error (400); a field of the wrong JSON type (a boolean quantity)
// is a field error reported with the validation errors (422).
// Thread safety: stateless functions.
#pragma once

#include <string>
#include <vector>

#include "tradeagg/api/field_errors.h"
#include "tradeagg/core/json_writer.h"
#include "tradeagg/core/status.h"
#include "tradeagg/domain/trade.h"
#include "tradeagg/domain/trade_validator.h"

namespace tradeagg::api {

enum class BodyFormat { kJson, kNdjson };

// Maps field names as sent to the TradeDraft member they fill. The v1 API uses the trade's own
// names; the proof of concept's route uses its own (TradeId, Trader, ...).
enum class FieldNames { kV1, kProofOfConcept };

struct ParsedTrades {
  std::vector<domain::TradeDraft> drafts;
  std::vector<IndexedFieldError> type_errors;  // wrong JSON types, by item index
};

// `body` is taken by reference because simdjson needs padding after the text; the string's
// capacity may grow. kInvalidArgument means malformed (400).
Result<ParsedTrades> ParseTradeBody(std::string& body, BodyFormat format, FieldNames names);

void WriteTrade(JsonWriter& json, const domain::Trade& trade);

}  // namespace tradeagg::api
