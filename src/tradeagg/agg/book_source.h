// BookSource: the real-time position book of one business date as it stood at a given
// watermark (a store seq), which is what an aggregation run's result must equal.
//
// The lake's snapshot and the book move independently: the book is updated at every commit,
// the lake every few seconds. LiveBookSource takes the server's book and brings it to the
// run's watermark with the store's trades in between (taking them out when the book is ahead,
// adding them when the exporter read a commit the book has not applied yet). StoreBookSource
// builds the date's book from the store up to the watermark, for processes without a live book
// (`tradeagg aggregate`).
// Thread safety: as the book and store they read.
#pragma once

#include <cstdint>

#include "tradeagg/book/position_book.h"
#include "tradeagg/core/status.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::agg {

struct BookView {
  book::DateView view;          // as of the requested watermark
  int64_t live_watermark = 0;   // the book's own watermark when it was read
};

class BookSource {
 public:
  virtual ~BookSource() = default;
  virtual Result<BookView> ViewAt(Date business_date, int64_t watermark) = 0;
};

class LiveBookSource final : public BookSource {
 public:
  LiveBookSource(const book::PositionBook& book, store::TradeStore& store) : book_(book), store_(store) {}
  Result<BookView> ViewAt(Date business_date, int64_t watermark) override;

 private:
  const book::PositionBook& book_;
  store::TradeStore& store_;
};

class StoreBookSource final : public BookSource {
 public:
  explicit StoreBookSource(store::TradeStore& store) : store_(store) {}
  Result<BookView> ViewAt(Date business_date, int64_t watermark) override;

 private:
  store::TradeStore& store_;
};

}  // namespace tradeagg::agg
