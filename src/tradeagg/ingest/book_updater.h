// BookUpdater: how the position book learns of a group the pipeline committed, before the
// group's requests are acknowledged.
//
// The book must never show a trade the store could lose, and must cover every trade with a
// seq at or below its watermark. With one writer (the SQLite store: dense seqs, this process
// the only writer) the committed trades themselves are the next ones in seq order, so
// DirectBookUpdater applies them as they are. With writers sharing a store (several instances
// on one MongoDB database) another instance's trades may lie between this one's; then the
// book follows the store instead (ingest/book_follower.h).
// Thread safety: Committed is called from the pipeline's writer thread only.
#pragma once

#include <span>

#include "tradeagg/book/position_book.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::ingest {

class BookUpdater {
 public:
  virtual ~BookUpdater() = default;
  // `requests` were committed by one successful TradeStore::Append.
  virtual void Committed(std::span<store::AppendRequest* const> requests) = 0;
};

// For a store this process alone writes: applies the accepted trades of the group, in seq order.
class DirectBookUpdater final : public BookUpdater {
 public:
  explicit DirectBookUpdater(book::PositionBook& book) : book_(book) {}
  void Committed(std::span<store::AppendRequest* const> requests) override;

 private:
  book::PositionBook& book_;
};

}  // namespace tradeagg::ingest
