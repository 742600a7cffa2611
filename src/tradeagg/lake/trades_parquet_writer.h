// TradesParquetWriter: writes trades as Parquet data files of the Iceberg table
// tradeagg.trades, one file per business date, and describes each as an iceberg::DataFile for
// the manifest.
//
// Trades are staged with Add(), which keeps each business date's trades column by column in
// memory (TradeColumns: Arrow's layout, exact integers, no floating point) with its column
// bounds, so a caller can stream a store scan straight in without holding Trade objects.
// WriteDate() then hands DuckDB that date's columns as an Arrow stream, which it reads without a
// copy on all its threads, and writes them (Connection::CopyArrowStream) with
//   COPY ... TO '<path>' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, FIELD_IDS {...})
// in seq order, the order they were added in (DuckDB numbers the stream's chunks and keeps their
// order; a connection with preserve_insertion_order off is refused rather than given an
// unordered file), so every column carries its Iceberg field id (trade_columns.h,
// kTradeColumns) and has the Iceberg type's Parquet form: string -> BYTE_ARRAY UTF8, long ->
// INT64, decimal(18,8) -> INT64 DECIMAL, decimal(38,8) -> FIXED_LEN_BYTE_ARRAY(16) DECIMAL,
// timestamptz -> INT64 TIMESTAMP(MICROS, adjusted to UTC), date -> INT32 DATE. DuckDB marks
// every column OPTIONAL although the Iceberg fields are required; readers accept that (the
// values are never null).
//
// The DataFile carries record_count, what the file's footer says (parquet_footer.h:
// file_size_in_bytes, column_sizes, value_counts, null_value_counts, split_offsets), lower and
// upper bounds for every column computed from the trades in memory in the spec's single-value
// binary form (Appendix D), the partition tuple {business_date} and sort_order_id 0 (the table
// is unsorted).
// String bounds are the full values: the spec only requires lower <= every value <= upper, and
// truncating (Java's default metrics mode, truncate(16)) is a writer's choice to keep manifests
// small, which tradeagg's short, length-limited ids do not need; full values prune better.
// file_path is the `location` given by the caller (the URI the file will have in the table).
//
// A file is written in place at `local_path`, which is overwritten if it exists; on failure it
// is removed. The writer does not fsync: whoever publishes the file (ObjectStore::PutFile) makes
// it durable before the catalog commit references it.
// Memory: the staged trades, about 170 bytes each (the caller bounds how many it stages).
// Thread safety: none; the writer uses its connection, which must not be used by another thread
// while the writer lives.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tradeagg/core/decimal.h"
#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/domain/trade.h"
#include "tradeagg/engine/connection.h"
#include "tradeagg/lake/iceberg/data_file.h"
#include "tradeagg/lake/trade_columns.h"

namespace tradeagg::lake {

struct TradesParquetWriterOptions {
  // Rows per Parquet row group (DuckDB's default), and per chunk of the staged columns. Smaller
  // groups mean more split points.
  int64_t row_group_size = TradeColumns::kDefaultChunkRows;
};

class TradesParquetWriter {
 public:
  // `connection` is borrowed and must outlive the writer.
  explicit TradesParquetWriter(engine::Connection& connection,
                               TradesParquetWriterOptions options = {});
  ~TradesParquetWriter();
  TradesParquetWriter(const TradesParquetWriter&) = delete;
  TradesParquetWriter& operator=(const TradesParquetWriter&) = delete;

  // Stages one trade (with its store seq, which must be above every seq staged before: the
  // store scan's order, kept in the files). After a failure the writer keeps refusing until
  // Reset().
  Status Add(const domain::Trade& trade);
  // The business dates staged, ascending, and how many trades each has.
  std::vector<std::pair<Date, int64_t>> staged_dates() const;
  int64_t staged_trades() const { return staged_trades_; }

  // Writes the staged trades of `date` to `local_path`. kInvalidArgument when none are staged
  // for it; DuckDB and file-system failures as their Status. Trades may not be added between
  // the first WriteDate and the next Reset.
  Result<iceberg::DataFile> WriteDate(Date date, const std::filesystem::path& local_path,
                                      std::string location);
  // The next batch of trades for WriteDateWhileAdding (in seq order, after those added), or an
  // empty span once there are no more.
  using TradeFeed = std::function<Result<std::span<const domain::Trade>>()>;
  // Writes the trades of `date` to `local_path` while adding the rest from `feed`, to its end:
  // trades of `date` go into the file as they come (DuckDB writes the first row groups while the
  // later trades are still being read), trades of other dates are staged for WriteDate. At least
  // one trade of `date` must be staged already (kInvalidArgument otherwise). The feed's or Add's
  // error, or DuckDB's, ends it; the writer is then failed until Reset. Afterwards it is as after
  // adding everything and WriteDate(date).
  Result<iceberg::DataFile> WriteDateWhileAdding(Date date, const std::filesystem::path& local_path,
                                                 std::string location, const TradeFeed& feed);

  // Drops everything staged; the writer is then as new.
  void Reset();

  // Stages `trades` (at least one, all of one business date), writes them and resets:
  // kInvalidArgument for an empty batch or mixed dates.
  Result<iceberg::DataFile> Write(std::span<const domain::Trade> trades,
                                  const std::filesystem::path& local_path, std::string location);

  struct Bounds;     // one date's running column bounds (in the .cc)
  struct DateStage;  // one date's columns and bounds

 private:
  Result<iceberg::DataFile> WriteStaged(Date date, DateStage& stage, const std::filesystem::path& local_path,
                                        std::string location, TradeColumns::Refill refill);
  Status CopyToParquet(TradeColumns& columns, const std::filesystem::path& local_path,
                       TradeColumns::Refill refill);

  engine::Connection& connection_;
  TradesParquetWriterOptions options_;
  bool sealed_ = false;                  // a WriteDate happened since the last Reset
  Status failed_;                        // the first error of Add, until Reset
  std::map<int32_t, std::unique_ptr<DateStage>> dates_;  // by Date::days()
  int64_t staged_trades_ = 0;
  int64_t last_seq_ = 0;
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
