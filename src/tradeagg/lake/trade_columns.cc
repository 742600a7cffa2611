#include "tradeagg/lake/trade_columns.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

namespace tradeagg::lake {

namespace {

namespace field = iceberg::trades_field;
static_assert(field::kPricePrecision == 18 && field::kNotionalPrecision == 38 &&
              field::kMoneyScale == Decimal::kScale,
              "kTradeColumns' decimal formats are d:18,8 and d:38,8");

constexpr size_t kColumnCount = kTradeColumns.size();
constexpr int64_t kFirstChunkRows = 4096;  // a date's first chunk reserves room for this many

// The callbacks of structs whose memory the TradeColumns owns: releasing only marks them so.
void ReleaseSchema(ArrowSchema* schema) { schema->release = nullptr; }
void ReleaseArray(ArrowArray* array) { array->release = nullptr; }

// An Arrow utf8 column: int32 offsets (one more than the rows) and the bytes.
struct StringColumn {
  std::vector<int32_t> offsets{0};
  std::string bytes;

  bool Fits(std::string_view value) const {
    return bytes.size() + value.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max());
  }
  void Add(std::string_view value) {
    bytes.append(value);
    offsets.push_back(static_cast<int32_t>(bytes.size()));
  }
};

// |unscaled| < 10^digits, the range of a decimal of that precision.
bool FitsDigits(int128 unscaled, int digits) {
  int128 limit = 1;
  for (int i = 0; i < digits; ++i) limit *= 10;
  return unscaled < limit && unscaled > -limit;
}

}  // namespace

struct TradeColumns::Chunk {
  int64_t rows = 0;
  StringColumn trade_id, participant, counterparty, instrument, side, currency;
  std::vector<int64_t> quantity, trade_time, received_at, seq;
  std::vector<int128> price, notional;
  std::vector<int32_t> business_date;

  // The Arrow view of the buffers above, made by Seal() once no trade is added any more.
  std::array<std::array<const void*, 3>, kColumnCount> buffers{};
  std::array<ArrowArray, kColumnCount> columns{};
  std::array<ArrowArray*, kColumnCount> column_ptrs{};
  std::array<const void*, 1> root_buffers{};  // the struct array's validity: none
  ArrowArray root{};

  std::array<StringColumn*, 6> strings() {
    return {&trade_id, &participant, &counterparty, &instrument, &side, &currency};
  }

  // After a full chunk: room for `capacity` rows and for as many string bytes as that one took,
  // so that a steady stream of trades fills a chunk without growing its buffers. A date's first
  // chunk starts small, since a date may have only a few trades (late ones).
  Chunk(int64_t capacity, Chunk* previous) {
    auto n = static_cast<size_t>(previous != nullptr ? capacity : std::min<int64_t>(capacity, kFirstChunkRows));
    std::array<StringColumn*, 6> mine = strings();
    for (size_t c = 0; c < mine.size(); ++c) {
      mine[c]->offsets.reserve(n + 1);
      if (previous != nullptr) mine[c]->bytes.reserve(previous->strings()[c]->bytes.size());
    }
    for (auto* column : {&quantity, &trade_time, &received_at, &seq}) column->reserve(n);
    price.reserve(n);
    notional.reserve(n);
    business_date.reserve(n);
  }

  void Add(const domain::Trade& t) {
    trade_id.Add(t.trade_id);
    participant.Add(t.participant);
    counterparty.Add(t.counterparty);
    instrument.Add(t.instrument);
    side.Add(domain::SideName(t.side));
    quantity.push_back(t.quantity);
    price.push_back(t.price.units());
    notional.push_back(t.notional.units());
    currency.Add(t.currency);
    trade_time.push_back(t.trade_time.micros());
    received_at.push_back(t.received_at.micros());
    business_date.push_back(t.business_date.days());
    seq.push_back(t.seq);
    ++rows;
  }

  // Points the Arrow structs at the buffers, in kTradeColumns' order.
  void Seal() {
    size_t i = 0;
    auto utf8 = [&](const StringColumn& column) {
      buffers[i] = {nullptr, column.offsets.data(), column.bytes.data()};
      columns[i].n_buffers = 3;
      ++i;
    };
    auto fixed_width = [&](const void* data) {
      buffers[i] = {nullptr, data, nullptr};
      columns[i].n_buffers = 2;
      ++i;
    };
    utf8(trade_id);
    utf8(participant);
    utf8(counterparty);
    utf8(instrument);
    utf8(side);
    fixed_width(quantity.data());
    fixed_width(price.data());
    fixed_width(notional.data());
    utf8(currency);
    fixed_width(trade_time.data());
    fixed_width(received_at.data());
    fixed_width(business_date.data());
    fixed_width(seq.data());
    for (size_t c = 0; c < kColumnCount; ++c) {
      ArrowArray& column = columns[c];
      column.length = rows;
      column.null_count = 0;
      column.offset = 0;
      column.n_children = 0;
      column.buffers = buffers[c].data();
      column.children = nullptr;
      column.dictionary = nullptr;
      column.release = ReleaseArray;
      column.private_data = nullptr;
      column_ptrs[c] = &column;
    }
    root = ArrowArray{rows, 0, 0, 1, static_cast<int64_t>(kColumnCount), root_buffers.data(),
                      column_ptrs.data(), nullptr, ReleaseArray, nullptr};
  }
};

TradeColumns::TradeColumns(int64_t chunk_rows) : chunk_rows_(chunk_rows < 1 ? 1 : chunk_rows) {
  for (size_t c = 0; c < kColumnCount; ++c) {
    column_schemas_[c] = ArrowSchema{kTradeColumns[c].arrow_format, kTradeColumns[c].name.data(),
                                     nullptr, 0, 0, nullptr, nullptr, ReleaseSchema, nullptr};
    column_schema_ptrs_[c] = &column_schemas_[c];
  }
  schema_ = ArrowSchema{"+s", "", nullptr, 0, static_cast<int64_t>(kColumnCount),
                        column_schema_ptrs_.data(), nullptr, ReleaseSchema, nullptr};
}

TradeColumns::~TradeColumns() = default;

Status TradeColumns::Add(const domain::Trade& t) {
  if (!FitsDigits(t.price.units(), field::kPricePrecision)) {
    return Status::InvalidArgument("price " + t.price.ToString() + " of trade seq " + std::to_string(t.seq) +
                                   " has more than 18 digits");
  }
  if (!FitsDigits(t.notional.units(), field::kNotionalPrecision)) {
    return Status::InvalidArgument("notional " + t.notional.ToString() + " of trade seq " +
                                   std::to_string(t.seq) + " has more than 38 digits");
  }
  if (chunks_.empty() || chunks_.back()->rows == chunk_rows_) {
    chunks_.push_back(std::make_unique<Chunk>(chunk_rows_, chunks_.empty() ? nullptr : chunks_.back().get()));
  }
  Chunk& chunk = *chunks_.back();
  // 2 GiB of one string column in one chunk: far beyond any real trade, but never wrapped.
  if (!chunk.trade_id.Fits(t.trade_id) || !chunk.participant.Fits(t.participant) ||
      !chunk.counterparty.Fits(t.counterparty) || !chunk.instrument.Fits(t.instrument) ||
      !chunk.currency.Fits(t.currency)) {
    return Status::InvalidArgument("trade seq " + std::to_string(t.seq) + ": strings too long for one chunk");
  }
  chunk.Add(t);
  ++size_;
  return Status::Ok();
}

ArrowArrayStream* TradeColumns::Stream(Refill refill) {
  next_chunk_ = 0;
  refill_ = std::move(refill);
  last_error_ = Status::Ok();
  last_error_text_.clear();
  stream_ = ArrowArrayStream{GetSchema, GetNext, GetLastError, ReleaseStream, this};
  return &stream_;
}

bool TradeColumns::NextChunkComplete() const {
  if (!refill_) return true;
  if (next_chunk_ >= chunks_.size()) return false;
  return chunks_[next_chunk_]->rows == chunk_rows_ || next_chunk_ + 1 < chunks_.size();
}

int TradeColumns::GetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  *out = static_cast<TradeColumns*>(stream->private_data)->schema_;
  return 0;
}

int TradeColumns::GetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* self = static_cast<TradeColumns*>(stream->private_data);
  std::memset(out, 0, sizeof(*out));  // release == nullptr: the end of the stream, unless set below
  if (!self->last_error_.ok()) return EIO;
  while (!self->NextChunkComplete()) {
    Result<bool> more = self->refill_();
    if (!more.ok()) {
      self->last_error_ = more.status();
      self->last_error_text_ = more.status().ToString();
      self->refill_ = nullptr;
      return EIO;
    }
    if (!*more) self->refill_ = nullptr;
  }
  if (self->next_chunk_ == self->chunks_.size()) return 0;
  Chunk& chunk = *self->chunks_[self->next_chunk_++];
  chunk.Seal();
  *out = chunk.root;
  return 0;
}

const char* TradeColumns::GetLastError(ArrowArrayStream* stream) {
  auto* self = static_cast<TradeColumns*>(stream->private_data);
  return self->last_error_text_.empty() ? nullptr : self->last_error_text_.c_str();
}

void TradeColumns::ReleaseStream(ArrowArrayStream* stream) { stream->release = nullptr; }

}  // namespace tradeagg::lake
