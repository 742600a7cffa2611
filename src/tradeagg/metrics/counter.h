// Counter: one time series' count, only ever growing, updated lock-free from any thread.
//
// Integers only: what tradeagg counts is whole (requests, trades, bytes, errors).
// Thread safety: every member is safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace tradeagg::metrics {

class Counter {
 public:
  void Increment(int64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace tradeagg::metrics
