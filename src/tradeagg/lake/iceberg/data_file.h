// DataFile: one Parquet data file of an Iceberg table as the manifest describes it (Iceberg
// spec v2, "data_file" struct, field ids 100-146 in iceberg_constants.h).
//
// Bounds are in the spec's single-value binary serialisation (Appendix D): long and
// timestamptz little-endian int64, date little-endian int32, string UTF-8 bytes, decimal the
// unscaled value as minimal big-endian two's complement bytes.
// Thread safety: value type.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tradeagg::lake::iceberg {

enum class DataFileContent : int32_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };

struct DataFile {
  DataFileContent content = DataFileContent::kData;
  std::string file_path;            // absolute location ("file:///..." or "s3://...")
  std::string file_format = "PARQUET";
  // Partition tuple in partition-spec order. tradeagg.trades: one identity field,
  // business_date, as days since the epoch.
  std::vector<int32_t> partition_dates;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes;       // field id -> compressed bytes
  std::map<int32_t, int64_t> value_counts;       // field id -> values incl. nulls
  std::map<int32_t, int64_t> null_value_counts;  // field id -> nulls
  std::map<int32_t, std::string> lower_bounds;   // field id -> single-value binary
  std::map<int32_t, std::string> upper_bounds;
  std::vector<int64_t> split_offsets;            // row-group starts, ascending; optional
  std::optional<int32_t> sort_order_id;

  bool operator==(const DataFile&) const = default;
};

}  // namespace tradeagg::lake::iceberg
