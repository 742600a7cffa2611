// The Iceberg table tradeagg.trades: its schema, partition spec and initial metadata.
//
// Schema id 0, every field required, field ids from iceberg_constants.h (trades_field):
//   1 trade_id string, 2 participant string, 3 counterparty string, 4 instrument string,
//   5 side string, 6 quantity long, 7 price decimal(18, 8), 8 notional decimal(38, 8),
//   9 currency string, 10 trade_time timestamptz, 11 received_at timestamptz,
//   12 business_date date, 13 seq long.
// Partition spec id 0: identity(business_date) as partition field 1000 "business_date".
// Sort order 0 (unsorted). Properties: "created-by" = "tradeagg", and snapshots kept for an hour
// ("history.expire.max-snapshot-age-ms").
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/table_metadata.h"

namespace tradeagg::lake::iceberg {

inline constexpr std::string_view kTradeaggNamespace = "tradeagg";
inline constexpr std::string_view kTradesTableName = "trades";
inline constexpr int64_t kTradesSnapshotRetentionMs = 3'600'000;

Schema TradesSchema();
PartitionSpec TradesPartitionSpec();
TableDefinition TradesTableDefinition();

// Initial (empty) metadata of tradeagg.trades at `location` (absolute URI of the table).
Result<TableMetadata> NewTradesTableMetadata(std::string location, std::string table_uuid, int64_t now_ms);

}  // namespace tradeagg::lake::iceberg
