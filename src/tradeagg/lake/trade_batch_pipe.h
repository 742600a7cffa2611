// TradeBatchPipe: carries trades from a store scan on one thread to the Parquet writer on
// another, in batches, so that decoding rows out of the store and appending them to DuckDB
// overlap instead of taking turns (the two halves of an export cost about the same).
//
// A fixed set of batches circulates: the producer fills an empty batch (assigning into Trades
// that keep their strings' capacity, so a steady scan allocates nothing), publishes it, and
// takes the next empty one, waiting while all are full; the consumer takes full batches in
// order and gives them back. Close() ends the stream (with the producer's status); Cancel()
// tells the producer to stop filling (the consumer failed).
// Thread safety: one producer thread and one consumer thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/trade.h"

namespace tradeagg::lake {

class TradeBatchPipe {
 public:
  struct Batch {
    std::vector<domain::Trade> trades;  // capacity batch_size; the first `count` are valid
    size_t count = 0;
  };

  TradeBatchPipe(size_t batch_size, size_t batches);

  // Producer: stages one trade; false once the consumer cancelled.
  bool Push(const domain::Trade& trade);
  // Producer: publishes what is staged and ends the stream with `status`.
  void Close(Status status);

  // Consumer: the next full batch, or nullptr at the end of the stream.
  Batch* Next();
  void Recycle(Batch* batch);
  void Cancel();
  // After Next() returned nullptr: the producer's status.
  const Status& status() const { return status_; }

 private:
  void Publish();

  const size_t batch_size_;
  std::vector<Batch> storage_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch*> empty_;  // guarded by mutex_
  std::deque<Batch*> full_;   // guarded by mutex_
  bool closed_ = false;       // guarded by mutex_
  bool cancelled_ = false;    // guarded by mutex_
  Status status_;             // written before closed_ is set
  Batch* filling_ = nullptr;  // the producer's
};

}  // namespace tradeagg::lake
