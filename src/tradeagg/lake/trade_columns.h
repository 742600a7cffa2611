// TradeColumns: trades held column by column in the Arrow C data layout, in chunks of a fixed
// number of rows, and read by DuckDB as an Arrow stream without a copy (Connection::
// CopyArrowStream). The Parquet writer stages a business date's trades here, so that DuckDB
// reads them straight from these buffers instead of from a table it would first have to fill
// row by row, and scans chunks on all its threads at once (it numbers them, so a COPY keeps
// their order).
//
// The columns are those of tradeagg.trades in schema order (iceberg_constants.h): strings as
// Arrow utf8 ("u": int32 offsets and bytes), quantity and seq int64, price decimal128(18,8) and
// notional decimal128(38,8) (their unscaled values: Decimal's own scale is 8), trade_time and
// received_at timestamp[us, UTC], business_date date32; none nullable. A value that its column
// cannot hold (a price of more than 18 digits, a string chunk past 2 GiB) is refused by Add,
// naming the field, rather than written wrong.
//
// Stream() hands out a stream over the chunks in the order added, read once: a copy consumes it,
// and Stream() again starts a new one. Given a Refill, the stream is read while trades are still
// being added: whenever DuckDB asks for a chunk and none is complete (full, or the last once no
// more trades come), get_next calls the Refill, which adds more (here and to other objects, on
// DuckDB's thread) and says whether any may follow; so a COPY writes the first chunks while the
// later ones are still being read from the store. A chunk handed out is never added to again.
// The stream, its schema and its arrays point into this object: they are valid while it lives;
// their release callbacks free nothing.
// Thread safety: none while adding outside a stream; DuckDB calls get_next, and so the Refill,
// under its own lock, one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/trade.h"
#include "tradeagg/engine/arrow_c_interface.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"

namespace tradeagg::lake {

// One column of tradeagg.trades: its name, its Iceberg field id and its Arrow format.
struct TradeColumn {
  std::string_view name;
  int32_t field_id;
  const char* arrow_format;
};

// The columns in schema order, spelled out so that the whole layout reads in one place (the
// decimal formats are tied to the agreed precisions by a static_assert in the .cc).
inline constexpr std::array<TradeColumn, 13> kTradeColumns = {{
    {"trade_id", iceberg::trades_field::kTradeId, "u"},
    {"participant", iceberg::trades_field::kParticipant, "u"},
    {"counterparty", iceberg::trades_field::kCounterparty, "u"},
    {"instrument", iceberg::trades_field::kInstrument, "u"},
    {"side", iceberg::trades_field::kSide, "u"},
    {"quantity", iceberg::trades_field::kQuantity, "l"},
    {"price", iceberg::trades_field::kPrice, "d:18,8"},
    {"notional", iceberg::trades_field::kNotional, "d:38,8"},
    {"currency", iceberg::trades_field::kCurrency, "u"},
    {"trade_time", iceberg::trades_field::kTradeTime, "tsu:UTC"},
    {"received_at", iceberg::trades_field::kReceivedAt, "tsu:UTC"},
    {"business_date", iceberg::trades_field::kBusinessDate, "tdD"},
    {"seq", iceberg::trades_field::kSeq, "l"},
}};

class TradeColumns {
 public:
  static constexpr int64_t kDefaultChunkRows = 122'880;  // DuckDB's row group: a chunk per group

  explicit TradeColumns(int64_t chunk_rows = kDefaultChunkRows);
  ~TradeColumns();
  TradeColumns(const TradeColumns&) = delete;
  TradeColumns& operator=(const TradeColumns&) = delete;

  // Appends one trade. kInvalidArgument (naming the field) for a value the column cannot hold;
  // nothing of the trade is kept then.
  Status Add(const domain::Trade& trade);
  int64_t size() const { return size_; }

  // Adds trades (to this object, and to others its caller keeps) and returns whether more may
  // follow; an error ends the stream with that error (see last_error()).
  using Refill = std::function<Result<bool>()>;

  // A new stream over everything added, and with `refill` everything it adds (see above); the
  // pointer stays this object's.
  ArrowArrayStream* Stream(Refill refill = {});
  // The Refill's error that ended the last stream, if one did (DuckDB reports only its text).
  const Status& last_error() const { return last_error_; }

  struct Chunk;  // one chunk's buffers and Arrow structs (in the .cc)

 private:
  static int GetSchema(ArrowArrayStream* stream, ArrowSchema* out);
  static int GetNext(ArrowArrayStream* stream, ArrowArray* out);
  static const char* GetLastError(ArrowArrayStream* stream);
  // Whether the chunk at next_chunk_ may be handed out: it is full, or a later one exists, or
  // no more trades can come.
  bool NextChunkComplete() const;
  static void ReleaseStream(ArrowArrayStream* stream);

  const int64_t chunk_rows_;
  // The stream's schema, per object: DuckDB briefly rewrites the children's release callbacks
  // while it binds, so a schema shared between objects would be a data race.
  ArrowSchema schema_{};
  std::array<ArrowSchema, kTradeColumns.size()> column_schemas_{};
  std::array<ArrowSchema*, kTradeColumns.size()> column_schema_ptrs_{};
  std::vector<std::unique_ptr<Chunk>> chunks_;
  int64_t size_ = 0;
  ArrowArrayStream stream_{};
  size_t next_chunk_ = 0;  // the stream's position
  Refill refill_;          // empty once it has said no more trades follow
  Status last_error_;
  std::string last_error_text_;  // what get_last_error returns
};

}  // namespace tradeagg::lake
