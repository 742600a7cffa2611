#include "tradeagg/lake/trade_batch_pipe.h"

namespace tradeagg::lake {

TradeBatchPipe::TradeBatchPipe(size_t batch_size, size_t batches)
    : batch_size_(batch_size), storage_(batches) {
  for (Batch& batch : storage_) {
    batch.trades.resize(batch_size_);
    empty_.push_back(&batch);
  }
}

bool TradeBatchPipe::Push(const domain::Trade& trade) {
  if (filling_ == nullptr) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || !empty_.empty(); });
    if (cancelled_) return false;
    filling_ = empty_.front();
    empty_.pop_front();
    filling_->count = 0;
  }
  filling_->trades[filling_->count++] = trade;  // copy-assign: the strings reuse their capacity
  if (filling_->count == batch_size_) Publish();
  return true;
}

void TradeBatchPipe::Publish() {
  {
    std::lock_guard lock(mutex_);
    full_.push_back(filling_);
  }
  filling_ = nullptr;
  changed_.notify_all();
}

void TradeBatchPipe::Close(Status status) {
  if (filling_ != nullptr && filling_->count > 0) Publish();
  {
    std::lock_guard lock(mutex_);
    status_ = std::move(status);
    closed_ = true;
  }
  changed_.notify_all();
}

TradeBatchPipe::Batch* TradeBatchPipe::Next() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return closed_ || !full_.empty(); });
  if (full_.empty()) return nullptr;
  Batch* batch = full_.front();
  full_.pop_front();
  return batch;
}

void TradeBatchPipe::Recycle(Batch* batch) {
  {
    std::lock_guard lock(mutex_);
    empty_.push_back(batch);
  }
  changed_.notify_all();
}

void TradeBatchPipe::Cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  changed_.notify_all();
}

}  // namespace tradeagg::lake
