// Histogram: how many observations fell at or below each of fixed upper bounds, their count
// and their sum; Prometheus' cumulative buckets are computed when rendered.
//
// Observations are integers in the family's unit (microseconds for a duration rendered in
// seconds; trades for a batch size), so no rounding creeps into the sum.
// Thread safety: Observe from any thread; a reader may see an observation's bucket before its
// sum (a scrape is a moment's view, as in every Prometheus client).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace tradeagg::metrics {

class Histogram {
 public:
  // `bounds`: increasing upper bounds; an implicit +Inf bucket follows.
  explicit Histogram(const std::vector<int64_t>& bounds);

  void Observe(int64_t value);

  struct Snapshot {
    std::vector<int64_t> cumulative;  // one per bound, then +Inf (== count)
    int64_t count = 0;
    int64_t sum = 0;
  };
  Snapshot Read() const;
  const std::vector<int64_t>& bounds() const { return bounds_; }

 private:
  const std::vector<int64_t> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> buckets_;  // per bound (not cumulative), then +Inf
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> sum_{0};
};

}  // namespace tradeagg::metrics
