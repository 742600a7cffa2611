#include "tradeagg/store/mongo/mongo_trade_document.h"

#include "tradeagg/store/mongo/mongo_fields.h"

namespace tradeagg::store {

namespace {

Status Malformed(const Bson& doc, std::string_view field) {
  return Status::Internal("trades document " + doc.GetString("_id") + ": field " + std::string(field) +
                          " is missing or malformed");
}

}  // namespace

std::string TradeDocumentId(std::string_view participant, std::string_view trade_id) {
  std::string id;
  id.reserve(participant.size() + 1 + trade_id.size());
  id.append(participant).append(1, '|').append(trade_id);
  return id;
}

Bson TradeToDocument(const domain::Trade& trade, std::string_view writer) {
  Bson doc;
  doc.Append("_id", TradeDocumentId(trade.participant, trade.trade_id))
      .Append("seq", trade.seq)
      .Append("participant", trade.participant)
      .Append("trade_id", trade.trade_id)
      .Append("counterparty", trade.counterparty)
      .Append("instrument", trade.instrument)
      .Append("side", domain::SideName(trade.side))
      .Append("quantity", trade.quantity)
      .Append("price", trade.price.ToString())
      .Append("notional", trade.notional.ToString())
      .Append("currency", trade.currency);
  FieldWriter(doc).Time("trade_time", trade.trade_time).Time("received_at", trade.received_at);  // date + _us
  doc.Append("business_date", trade.business_date.ToString()).Append("writer", writer);
  return doc;
}

Result<domain::Trade> TradeFromDocument(const Bson& doc) {
  domain::Trade trade;
  trade.seq = doc.GetInt64("seq");
  if (trade.seq <= 0) return Malformed(doc, "seq");
  trade.participant = doc.GetString("participant");
  trade.trade_id = doc.GetString("trade_id");
  trade.counterparty = doc.GetString("counterparty");
  trade.instrument = doc.GetString("instrument");
  trade.currency = doc.GetString("currency");
  if (trade.participant.empty()) return Malformed(doc, "participant");
  if (trade.trade_id.empty()) return Malformed(doc, "trade_id");
  std::optional<domain::Side> side = domain::ParseSide(doc.GetString("side"));
  if (!side) return Malformed(doc, "side");
  trade.side = *side;
  trade.quantity = doc.GetInt64("quantity");
  Result<Decimal> price = Decimal::Parse(doc.GetString("price"));
  if (!price.ok()) return Malformed(doc, "price");
  trade.price = price.value();
  Result<Decimal> notional = Decimal::Parse(doc.GetString("notional"));
  if (!notional.ok()) return Malformed(doc, "notional");
  trade.notional = notional.value();
  if (!doc.Has("trade_time_us")) return Malformed(doc, "trade_time_us");
  trade.trade_time = Timestamp::FromMicros(doc.GetInt64("trade_time_us"));
  trade.received_at = Timestamp::FromMicros(doc.GetInt64("received_at_us"));
  Result<Date> date = Date::Parse(doc.GetString("business_date"));
  if (!date.ok()) return Malformed(doc, "business_date");
  trade.business_date = date.value();
  return trade;
}

}  // namespace tradeagg::store
