#include "tradeagg/ingest/book_follower.h"

#include <spdlog/spdlog.h>

namespace tradeagg::ingest {

BookFollower::BookFollower(store::TradeStore& store, book::PositionBook& book, std::chrono::milliseconds interval)
    : store_(store), book_(book), poller_("book-follower", interval, [this] { (void)CatchUp(); }) {}

void BookFollower::Committed(std::span<store::AppendRequest* const> /*requests*/) { (void)CatchUp(); }

Status BookFollower::CatchUp() {
  std::lock_guard lock(catch_up_mutex_);
  Status read = store_.ScanTrades(book_.watermark(), 0, [this](const domain::Trade& trade) { book_.Apply(trade); });
  std::lock_guard error_lock(error_mutex_);
  if (!read.ok() && last_error_.ok()) spdlog::warn("positions: following the store failed: {}", read.ToString());
  if (read.ok() && !last_error_.ok()) spdlog::info("positions: following the store again");
  last_error_ = read;
  return read;
}

Status BookFollower::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

}  // namespace tradeagg::ingest
