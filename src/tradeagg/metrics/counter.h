// Counter and Gauge: one time series' value, updated lock-free from any thread.
//
// Integers only: what tradeagg counts is whole (requests, trades, bytes, errors), and a gauge of
// seconds is kept in the unit its Family renders (see Family::scale).
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

class Gauge {
 public:
  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void Add(int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace tradeagg::metrics
