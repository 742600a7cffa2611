// Named constants of the Iceberg spec (format version 2) and of tradeagg's tables. Every field
// id used anywhere lives here, never as a loose number.
#pragma once

#include <cstdint>

namespace tradeagg::lake::iceberg {

inline constexpr int kFormatVersion = 2;

// Manifest list ("manifest_file" struct) field ids.
namespace manifest_file {
inline constexpr int32_t kManifestPath = 500;
inline constexpr int32_t kManifestLength = 501;
inline constexpr int32_t kPartitionSpecId = 502;
inline constexpr int32_t kContent = 517;
inline constexpr int32_t kSequenceNumber = 515;
inline constexpr int32_t kMinSequenceNumber = 516;
inline constexpr int32_t kAddedSnapshotId = 503;
inline constexpr int32_t kAddedFilesCount = 504;
inline constexpr int32_t kExistingFilesCount = 505;
inline constexpr int32_t kDeletedFilesCount = 506;
inline constexpr int32_t kAddedRowsCount = 512;
inline constexpr int32_t kExistingRowsCount = 513;
inline constexpr int32_t kDeletedRowsCount = 514;
inline constexpr int32_t kPartitions = 507;
inline constexpr int32_t kPartitionsElement = 508;
inline constexpr int32_t kKeyMetadata = 519;
// field_summary struct
inline constexpr int32_t kContainsNull = 509;
inline constexpr int32_t kContainsNan = 518;
inline constexpr int32_t kLowerBound = 510;
inline constexpr int32_t kUpperBound = 511;
}  // namespace manifest_file

// Manifest entry ("manifest_entry" struct) and data_file field ids.
namespace manifest_entry {
inline constexpr int32_t kStatus = 0;
inline constexpr int32_t kSnapshotId = 1;
inline constexpr int32_t kSequenceNumber = 3;
inline constexpr int32_t kFileSequenceNumber = 4;
inline constexpr int32_t kDataFile = 2;
}  // namespace manifest_entry

namespace data_file {
inline constexpr int32_t kContent = 134;
inline constexpr int32_t kFilePath = 100;
inline constexpr int32_t kFileFormat = 101;
inline constexpr int32_t kPartition = 102;
inline constexpr int32_t kRecordCount = 103;
inline constexpr int32_t kFileSizeInBytes = 104;
inline constexpr int32_t kColumnSizes = 108;
inline constexpr int32_t kColumnSizesKey = 117;
inline constexpr int32_t kColumnSizesValue = 118;
inline constexpr int32_t kValueCounts = 109;
inline constexpr int32_t kValueCountsKey = 119;
inline constexpr int32_t kValueCountsValue = 120;
inline constexpr int32_t kNullValueCounts = 110;
inline constexpr int32_t kNullValueCountsKey = 121;
inline constexpr int32_t kNullValueCountsValue = 122;
inline constexpr int32_t kNanValueCounts = 137;
inline constexpr int32_t kNanValueCountsKey = 138;
inline constexpr int32_t kNanValueCountsValue = 139;
inline constexpr int32_t kLowerBounds = 125;
inline constexpr int32_t kLowerBoundsKey = 126;
inline constexpr int32_t kLowerBoundsValue = 127;
inline constexpr int32_t kUpperBounds = 128;
inline constexpr int32_t kUpperBoundsKey = 129;
inline constexpr int32_t kUpperBoundsValue = 130;
inline constexpr int32_t kKeyMetadata = 131;
inline constexpr int32_t kSplitOffsets = 132;
inline constexpr int32_t kSplitOffsetsElement = 133;
inline constexpr int32_t kEqualityIds = 135;
inline constexpr int32_t kEqualityIdsElement = 136;
inline constexpr int32_t kSortOrderId = 140;
}  // namespace data_file

// Partition field ids start here (spec: "partition field IDs start at 1000").
inline constexpr int32_t kFirstPartitionFieldId = 1000;

// tradeagg.trades column field ids. Stable forever: readers resolve columns by these ids.
namespace trades_field {
inline constexpr int32_t kTradeId = 1;
inline constexpr int32_t kParticipant = 2;
inline constexpr int32_t kCounterparty = 3;
inline constexpr int32_t kInstrument = 4;
inline constexpr int32_t kSide = 5;
inline constexpr int32_t kQuantity = 6;
inline constexpr int32_t kPrice = 7;       // decimal(18, 8): < 10^10 with 8 places
inline constexpr int32_t kNotional = 8;    // decimal(38, 8): < 10^15 with 8 places; 38 so that
                                           // Parquet's 16-byte fixed is the spec's minimal width
inline constexpr int32_t kCurrency = 9;
inline constexpr int32_t kTradeTime = 10;  // timestamptz (microseconds, UTC)
inline constexpr int32_t kReceivedAt = 11; // timestamptz
inline constexpr int32_t kBusinessDate = 12;  // date
inline constexpr int32_t kSeq = 13;        // long
inline constexpr int32_t kBusinessDatePartition = kFirstPartitionFieldId;  // identity(business_date)
inline constexpr int kPricePrecision = 18;
inline constexpr int kNotionalPrecision = 38;
inline constexpr int kMoneyScale = 8;
}  // namespace trades_field

// tradeagg.exposures column field ids: the results of aggregation runs, one row per level x
// participant x key x currency (agg/exposures_table.h). Stable forever, as above.
namespace exposures_field {
inline constexpr int32_t kRunId = 1;
inline constexpr int32_t kKind = 2;
inline constexpr int32_t kVersion = 3;
inline constexpr int32_t kBusinessDate = 4;
inline constexpr int32_t kLevel = 5;
inline constexpr int32_t kParticipant = 6;
inline constexpr int32_t kInstrument = 7;    // instrument rows only
inline constexpr int32_t kCounterparty = 8;  // counterparty rows only
inline constexpr int32_t kCurrency = 9;
inline constexpr int32_t kBuyQuantity = 10;  // decimal(38, 0): sums of quantities exceed a long;
inline constexpr int32_t kSellQuantity = 11; // instrument rows only (null where rows span instruments)
inline constexpr int32_t kNetQuantity = 12;
inline constexpr int32_t kBuyNotional = 13;  // decimal(38, 8); null when an FX rate is missing
inline constexpr int32_t kSellNotional = 14;
inline constexpr int32_t kNetNotional = 15;
inline constexpr int32_t kGrossNotional = 16;
inline constexpr int32_t kTradeCount = 17;
inline constexpr int32_t kBuyVwap = 18;      // decimal(38, 8); instrument rows with buys only
inline constexpr int32_t kSellVwap = 19;
inline constexpr int32_t kDirection = 20;    // by net quantity or, spanning instruments, net notional
inline constexpr int32_t kMissingRates = 21;  // reporting rows: comma-separated currencies
inline constexpr int32_t kTradesSnapshotId = 22;  // the tradeagg.trades snapshot the run read
inline constexpr int32_t kWatermark = 23;
inline constexpr int32_t kComputedAt = 24;   // timestamptz
// Added later (optional: tables created by earlier builds are evolved when opened).
inline constexpr int32_t kBuyTrades = 25;    // long
inline constexpr int32_t kSellTrades = 26;
inline constexpr int32_t kBusinessDatePartition = kFirstPartitionFieldId;  // identity(business_date)
inline constexpr int kQuantityPrecision = 38;
inline constexpr int kNotionalPrecision = 38;
}  // namespace exposures_field

// tradeagg.runs column field ids: the store's aggregation runs, one row each (agg/runs_table.h).
// A range of their own (201-220), apart from trades' and exposures' ids, so that a column seen
// in a join, a Parquet file or a manifest's metrics is known by its id alone. Stable forever.
namespace runs_field {
inline constexpr int32_t kRunId = 201;
inline constexpr int32_t kBusinessDate = 202;     // date
inline constexpr int32_t kKind = 203;             // "intraday" | "eod"
inline constexpr int32_t kVersion = 204;          // int
inline constexpr int32_t kStatus = 205;           // "queued" | "running" | "succeeded" | "failed"
inline constexpr int32_t kStale = 206;            // boolean: a succeeded eod run missing late trades
inline constexpr int32_t kMissingTrades = 207;
inline constexpr int32_t kLatest = 208;           // boolean: newest succeeded run of its kind and date
inline constexpr int32_t kRequestSeq = 209;       // optional: none for time travel
inline constexpr int32_t kWatermark = 210;
inline constexpr int32_t kTrades = 211;
inline constexpr int32_t kStoreTrades = 212;
inline constexpr int32_t kTradesSnapshotId = 213; // optional: the tradeagg.trades snapshot read
inline constexpr int32_t kTradesTag = 214;        // optional: the tag keeping that snapshot
inline constexpr int32_t kExposuresSnapshotId = 215;  // optional: the tradeagg.exposures snapshot
inline constexpr int32_t kReconciliation = 216;   // "pending" | "matched" | "differences"
inline constexpr int32_t kDifferenceCount = 217;
inline constexpr int32_t kRequestedAt = 218;      // timestamptz
inline constexpr int32_t kFinishedAt = 219;       // timestamptz, optional
inline constexpr int32_t kError = 220;            // optional
}  // namespace runs_field

}  // namespace tradeagg::lake::iceberg
