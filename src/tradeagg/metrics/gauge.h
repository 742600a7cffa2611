// Gauge: one time series' current value, set lock-free from any thread.
//
// An integer in the unit its family renders (a duration in microseconds, rendered in seconds:
// metrics/registry.h).
// Thread safety: every member is safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace tradeagg::metrics {

class Gauge {
 public:
  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void Add(int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace tradeagg::metrics
