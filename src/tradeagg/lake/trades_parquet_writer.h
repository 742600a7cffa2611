// TradesParquetWriter: writes trades of one business date as one Parquet data file of the Iceberg
// table tradeagg.trades, and describes the file as an iceberg::DataFile for the manifest.
//
// The trades are appended exactly (no cast, no floating point; see engine/appender.h) to a
// temporary DuckDB table on the caller's connection, then written with
//   COPY (SELECT ... ORDER BY seq) TO '<path>' (FORMAT parquet, COMPRESSION zstd, FIELD_IDS {...})
// so every column carries its Iceberg field id (iceberg_constants.h, trades_field) and has the
// Iceberg type's Parquet form: string -> BYTE_ARRAY UTF8, long -> INT64,
// decimal(18,8) -> INT64 DECIMAL, decimal(38,8) -> FIXED_LEN_BYTE_ARRAY(16) DECIMAL,
// timestamptz -> INT64 TIMESTAMP(MICROS, adjusted to UTC), date -> INT32 DATE.
// DuckDB marks every column OPTIONAL although the Iceberg fields are required; readers accept
// that (the values are never null).
//
// The DataFile carries record_count, file_size_in_bytes, column_sizes (compressed bytes per field
// id, from the file's footer via parquet_metadata), value_counts and null_value_counts (the row
// count and 0 for every column), lower/upper bounds for every column computed from the trades in
// memory in the spec's single-value binary form (Appendix D), split_offsets (the start of each
// row group), the partition tuple {business_date} and sort_order_id 0 (the table is unsorted).
// String bounds are the full values: the spec only requires lower <= every value <= upper, and
// truncating (Java's default metrics mode, truncate(16)) is a writer's choice to keep manifests
// small, which tradeagg's short, length-limited ids do not need; full values prune better.
// file_path is the `location` given by the caller (the URI the file will have in the table).
//
// The file is written in place at `local_path`, which is overwritten if it exists; on failure
// it is removed. The writer does not fsync: whoever publishes the file (ObjectStore::put) makes
// it durable before the catalog commit references it.
// Thread safety: none; the writer uses its connection, which must not be used by another thread
// during Write(). One writer per connection (its temporary table has a fixed name).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/domain/trade.h"
#include "tradeagg/engine/connection.h"
#include "tradeagg/lake/iceberg/data_file.h"

namespace tradeagg::lake {

struct TradesParquetWriterOptions {
  // Rows per Parquet row group (DuckDB's default). Smaller groups mean more split points.
  int64_t row_group_size = 122'880;
};

class TradesParquetWriter {
 public:
  // `connection` is borrowed and must outlive the writer.
  explicit TradesParquetWriter(engine::Connection& connection,
                               TradesParquetWriterOptions options = {});

  // Writes `trades` (at least one, all of the same business date, each with its store seq) to
  // `local_path`, in seq order. kInvalidArgument for an empty batch or mixed dates; DuckDB and
  // file-system failures as their Status.
  Result<iceberg::DataFile> Write(std::span<const domain::Trade> trades,
                                  const std::filesystem::path& local_path, std::string location);

 private:
  Status LoadTemporaryTable(std::span<const domain::Trade> trades);
  Status CopyToParquet(const std::filesystem::path& local_path);
  Status ReadFooterStats(const std::filesystem::path& local_path, iceberg::DataFile* file);

  engine::Connection& connection_;
  TradesParquetWriterOptions options_;
};

// Checks that the Parquet file at `path` has exactly the columns of tradeagg.trades, each
// carrying its Iceberg field id (kInvalidArgument naming the first column that does not).
Status VerifyTradesFieldIds(engine::Connection& connection, const std::filesystem::path& path);

// Iceberg single-value binary serialisation (spec Appendix D), as used for column bounds.
namespace single_value {
std::string Long(int64_t value);                  // 8 bytes little-endian
std::string DateDays(Date value);                 // days since 1970-01-01, 4 bytes little-endian
std::string TimestampMicros(Timestamp value);     // timestamp/timestamptz, 8 bytes little-endian
std::string String(std::string_view value);       // the UTF-8 bytes, no length
std::string DecimalUnscaled(int128 unscaled);     // minimal big-endian two's complement
}  // namespace single_value

}  // namespace tradeagg::lake
