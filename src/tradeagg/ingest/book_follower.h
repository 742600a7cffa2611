// BookFollower: keeps a PositionBook up with a TradeStore that several writers share (several
// tradeagg instances on one MongoDB database), so that every instance's positions cover every
// trade in the database.
//
// It reads the trades after the book's watermark up to the store's stable point
// (TradeStore::ScanTrades: seq order, never past LastSeq, so never an uncommitted trade) and
// applies them. It runs after each commit of this instance's pipeline (Committed, before the
// requests are acknowledged) and every `interval` on its own thread, for the other instances'
// commits; MongoDB 1.x-compatible servers such as FerretDB have no change streams to push them.
//
// The delay bound: a trade committed by any instance is in this book within `interval` plus
// one read once every seq block below it is settled; an uncommitted block holds the stable
// point back at most for the writer's budget (MongoTradeStoreOptions::write_budget), after which
// it is abandoned or reaped. A trade this instance committed is in its own book before it is
// acknowledged unless a lower block of another instance is still pending: then it appears with
// that block's commit.
// A failed read leaves the book as it was (it is only ever behind, never wrong) and is retried
// at the next run; `last_error()` says what failed.
// Thread safety: Committed, CatchUp and the accessors may be called from any thread; catch-ups
// are serialised.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "tradeagg/book/position_book.h"
#include "tradeagg/core/periodic_task.h"
#include "tradeagg/core/status.h"
#include "tradeagg/ingest/book_updater.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::ingest {

class BookFollower final : public BookUpdater {
 public:
  BookFollower(store::TradeStore& store, book::PositionBook& book, std::chrono::milliseconds interval);

  void Start() { poller_.Start(); }
  void Stop() { poller_.Stop(); }

  void Committed(std::span<store::AppendRequest* const> requests) override;
  // Brings the book to the store's stable point now.
  Status CatchUp();
  Status last_error() const;

 private:
  store::TradeStore& store_;
  book::PositionBook& book_;
  std::mutex catch_up_mutex_;  // one catch-up at a time, so trades arrive in seq order
  mutable std::mutex error_mutex_;
  Status last_error_ = Status::Ok();  // guarded by error_mutex_
  PeriodicTask poller_;
};

}  // namespace tradeagg::ingest
