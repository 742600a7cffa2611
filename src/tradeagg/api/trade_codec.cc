#include "tradeagg/api/trade_codec.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <simdjson.h>

namespace tradeagg::api {

namespace {

namespace od = simdjson::ondemand;

using DraftField = std::optional<std::string> domain::TradeDraft::*;

struct FieldSlot {
  std::string_view name;
  DraftField member;
};

constexpr FieldSlot kV1Fields[] = {
    {"trade_id", &domain::TradeDraft::trade_id},     {"participant", &domain::TradeDraft::participant},
    {"counterparty", &domain::TradeDraft::counterparty}, {"instrument", &domain::TradeDraft::instrument},
    {"side", &domain::TradeDraft::side},             {"quantity", &domain::TradeDraft::quantity},
    {"price", &domain::TradeDraft::price},           {"notional", &domain::TradeDraft::notional},
    {"currency", &domain::TradeDraft::currency},     {"trade_time", &domain::TradeDraft::trade_time},
};

constexpr FieldSlot kPocFields[] = {
    {"TradeId", &domain::TradeDraft::trade_id},      {"Trader", &domain::TradeDraft::participant},
    {"Counterparty", &domain::TradeDraft::counterparty}, {"ISIN", &domain::TradeDraft::instrument},
    {"TradeType", &domain::TradeDraft::side},        {"Quantity", &domain::TradeDraft::quantity},
    {"Price", &domain::TradeDraft::price},           {"Notional", &domain::TradeDraft::notional},
    {"Ccy", &domain::TradeDraft::currency},          {"DateTime", &domain::TradeDraft::trade_time},
};

DraftField FindSlot(std::string_view key, FieldNames names) {
  if (names == FieldNames::kV1) {
    for (const auto& slot : kV1Fields) if (slot.name == key) return slot.member;
  } else {
    for (const auto& slot : kPocFields) if (slot.name == key) return slot.member;
  }
  return nullptr;
}

// Only these fields may be JSON numbers; ids and codes must be strings.
bool IsNumericSlot(DraftField slot) {
  return slot == &domain::TradeDraft::quantity || slot == &domain::TradeDraft::price ||
         slot == &domain::TradeDraft::notional;
}

std::string_view TrimRight(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

const Status kMalformed = Status::InvalidArgument("the body is not valid JSON");

// The keys of one JSON object, to refuse a key given twice (JSON leaves it to the reader, and
// "last one wins" would store a value the client may not have meant). A trade has a dozen
// keys: a linear scan, switching to a hash set for hostile objects with thousands.
class KeySet {
 public:
  // False when `key` was seen already. Views stay valid: simdjson keeps the document's
  // unescaped strings until the next document.
  bool Insert(std::string_view key) {
    if (many_.empty() && few_.size() < kLinearLimit) {
      if (std::find(few_.begin(), few_.end(), key) != few_.end()) return false;
      few_.push_back(key);
      return true;
    }
    if (many_.empty()) many_.insert(few_.begin(), few_.end());
    return many_.insert(key).second;
  }

 private:
  static constexpr size_t kLinearLimit = 32;
  std::vector<std::string_view> few_;
  std::unordered_set<std::string_view> many_;
};

std::string Quoted(std::string_view key) { return "\"" + std::string(key.substr(0, 64)) + "\""; }

// Reads one trade object into a draft. Wrong value types become field errors; broken JSON and
// a key given twice are a non-OK status.
Status ReadTradeObject(od::object object, size_t index, FieldNames names, domain::TradeDraft& draft,
                       std::vector<IndexedFieldError>& type_errors) {
  KeySet keys;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return kMalformed;
    if (!keys.Insert(key)) {
      return Status::InvalidArgument("item " + std::to_string(index) + " has the key " + Quoted(key) + " twice");
    }
    DraftField slot = FindSlot(key, names);
    od::value value;
    if (field.value().get(value)) return kMalformed;
    od::json_type type;
    if (value.type().get(type)) return kMalformed;
    // Unknown fields are ignored. Unread values are skipped by the parser; their syntax was
    // already checked by simdjson's structural pass over the whole document.
    if (slot == nullptr) continue;
    std::string_view text;
    switch (type) {
      case od::json_type::string:
        if (value.get_string().get(text)) return kMalformed;
        draft.*slot = std::string(text);
        break;
      case od::json_type::number:
        if (!IsNumericSlot(slot)) {
          type_errors.push_back({index, std::string(key), "must be a string"});
          break;
        }
        text = value.raw_json_token();
        draft.*slot = std::string(TrimRight(text));
        break;
      case od::json_type::null:
        if (value.is_null().error()) return kMalformed;
        break;  // same as absent
      default:
        type_errors.push_back({index, std::string(key), "must be a string or a number"});
    }
  }
  if (names == FieldNames::kProofOfConcept) {
    // The proof of concept accepted any case for TradeType, and Python clients send whole
    // quantities as floats ("100.0"): a point followed by one or more zeros is dropped, not a
    // bare point ("100." is no JSON number, and no decimal).
    if (draft.side) for (char& c : *draft.side) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (draft.quantity) {
      size_t dot = draft.quantity->find('.');
      if (dot != std::string::npos && dot + 1 < draft.quantity->size() &&
          draft.quantity->find_first_not_of('0', dot + 1) == std::string::npos) {
        draft.quantity->resize(dot);
      }
    }
    draft.allow_naive_trade_time = true;
  }
  return Status::Ok();
}

Status ParseDocument(od::parser& parser, simdjson::padded_string_view json, bool allow_array, FieldNames names,
                     ParsedTrades& out) {
  od::document doc;
  if (parser.iterate(json).get(doc)) return kMalformed;
  od::json_type type;
  if (doc.type().get(type)) return kMalformed;
  if (type == od::json_type::object) {
    od::object object;
    if (doc.get_object().get(object)) return kMalformed;
    out.drafts.emplace_back();
    TRY(ReadTradeObject(object, out.drafts.size() - 1, names, out.drafts.back(), out.type_errors));
  } else if (type == od::json_type::array && allow_array) {
    od::array array;
    if (doc.get_array().get(array)) return kMalformed;
    for (auto element : array) {
      od::object object;
      if (element.get_object().get(object)) {
        return Status::InvalidArgument("item " + std::to_string(out.drafts.size()) + " is not a JSON object");
      }
      out.drafts.emplace_back();
      TRY(ReadTradeObject(object, out.drafts.size() - 1, names, out.drafts.back(), out.type_errors));
    }
  } else {
    return Status::InvalidArgument(allow_array ? "the body must be a trade object or an array of trade objects"
                                               : "each line must be a trade object");
  }
  const char* trailing = nullptr;
  if (!doc.current_location().get(trailing)) {
    return Status::InvalidArgument("unexpected content after the JSON value");
  }
  return Status::Ok();
}

}  // namespace

Result<ParsedTrades> ParseTradeBody(std::string& body, BodyFormat format, FieldNames names) {
  thread_local od::parser parser;
  ParsedTrades out;
  if (format == BodyFormat::kJson) {
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    TRY(ParseDocument(parser, simdjson::padded_string_view(body.data(), body.size(), body.capacity()), true, names,
                      out));
    if (out.drafts.empty()) return Status::InvalidArgument("the body has no trades");
    return out;
  }
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    std::string_view line = TrimRight(std::string_view(body).substr(start, end - start));
    if (line.find_first_not_of(" \t") != std::string_view::npos) {
      simdjson::padded_string padded(line);
      TRY(ParseDocument(parser, padded, false, names, out));
    }
    start = end + 1;
  }
  if (out.drafts.empty()) return Status::InvalidArgument("the body has no trades");
  return out;
}

void WriteTrade(JsonWriter& json, const domain::Trade& trade) {
  json.BeginObject()
      .Field("seq", trade.seq)
      .Field("trade_id", trade.trade_id)
      .Field("participant", trade.participant)
      .Field("counterparty", trade.counterparty)
      .Field("instrument", trade.instrument)
      .Field("side", std::string_view(domain::SideName(trade.side)))
      .Field("quantity", trade.quantity)
      .Field("price", trade.price)
      .Field("notional", trade.notional)
      .Field("currency", trade.currency)
      .Field("trade_time", trade.trade_time.ToString())
      .Field("received_at", trade.received_at.ToString())
      .Field("business_date", trade.business_date.ToString())
      .EndObject();
}

}  // namespace tradeagg::api
