#include "tradeagg/lake/iceberg/trades_table.h"

#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"

namespace tradeagg::lake::iceberg {

Schema TradesSchema() {
  namespace f = trades_field;
  const PrimitiveType kString = PrimitiveType::Of(TypeId::kString);
  const PrimitiveType kLong = PrimitiveType::Of(TypeId::kLong);
  const PrimitiveType kTimestampTz = PrimitiveType::Of(TypeId::kTimestampTz);
  Schema schema;
  schema.schema_id = 0;
  schema.fields = {
      {f::kTradeId, "trade_id", kString, true, ""},
      {f::kParticipant, "participant", kString, true, ""},
      {f::kCounterparty, "counterparty", kString, true, ""},
      {f::kInstrument, "instrument", kString, true, ""},
      {f::kSide, "side", kString, true, ""},
      {f::kQuantity, "quantity", kLong, true, ""},
      {f::kPrice, "price", PrimitiveType::Decimal(f::kPricePrecision, f::kMoneyScale), true, ""},
      {f::kNotional, "notional", PrimitiveType::Decimal(f::kNotionalPrecision, f::kMoneyScale), true, ""},
      {f::kCurrency, "currency", kString, true, ""},
      {f::kTradeTime, "trade_time", kTimestampTz, true, ""},
      {f::kReceivedAt, "received_at", kTimestampTz, true, ""},
      {f::kBusinessDate, "business_date", PrimitiveType::Of(TypeId::kDate), true, ""},
      {f::kSeq, "seq", kLong, true, ""},
  };
  return schema;
}

PartitionSpec TradesPartitionSpec() {
  PartitionSpec spec;
  spec.spec_id = 0;
  spec.fields = {{trades_field::kBusinessDate, trades_field::kBusinessDatePartition, "business_date",
                  std::string(kIdentityTransform)}};
  return spec;
}

TableDefinition TradesTableDefinition() {
  TableDefinition definition;
  definition.schema = TradesSchema();
  definition.spec = TradesPartitionSpec();
  definition.sort_order = SortOrder::Unsorted();
  // The exporter commits every few seconds and every snapshot is listed in the metadata file
  // rewritten at each commit: an hour of snapshots keeps it small (see snapshot_expiry.h).
  definition.properties = {{"created-by", "tradeagg"},
                           {std::string(kMaxSnapshotAgeProperty), std::to_string(kTradesSnapshotRetentionMs)}};
  return definition;
}

Result<TableMetadata> NewTradesTableMetadata(std::string location, std::string table_uuid, int64_t now_ms) {
  return NewTableMetadata(TradesTableDefinition(), std::move(location), std::move(table_uuid), now_ms);
}

}  // namespace tradeagg::lake::iceberg
