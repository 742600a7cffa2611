// LatencyHistogram: a log-linear histogram of latencies with fixed memory (HdrHistogram-like).
//
// Values are non-negative integers (the load generator records nanoseconds). Values below 256
// get a bucket each; above, every power-of-two range is split into 128 equal buckets, so a
// reported percentile is within 1/128 (< 0.8 %) of the true value. Values at or above kMaxValue
// (about 18 minutes in nanoseconds) are counted as kMaxValue. The bucket array is allocated once
// (about 35 KB) and never grows, so recording is a few arithmetic operations and no allocation.
// min, max, count and sum are exact.
// Thread safety: none; one recorder at a time. Merge per-thread histograms for a total.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tradeagg::loadgen {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 8;                        // 256 linear buckets
  static constexpr uint64_t kSubBucketCount = 1u << kSubBucketBits;
  static constexpr uint64_t kHalfSubBucketCount = kSubBucketCount / 2;
  static constexpr int kValueBits = 40;                           // values < 2^40
  static constexpr uint64_t kMaxValue = (uint64_t{1} << kValueBits) - 1;
  static constexpr size_t kBucketCount =
      kSubBucketCount + (kValueBits - kSubBucketBits) * kHalfSubBucketCount;

  LatencyHistogram();

  void Record(uint64_t value);
  void Merge(const LatencyHistogram& other);
  void Reset();

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }

  // The smallest recorded value v such that at least `percentile` percent (0..100) of the values
  // are <= v, reported as the highest value of v's bucket, but never above max() nor below min().
  // Percentile 0 is min(), 100 is max(); 0 when nothing was recorded.
  uint64_t ValueAtPercentile(double percentile) const;

  // The bucket layout, exposed for tests.
  static size_t BucketIndex(uint64_t value);
  static uint64_t BucketLowest(size_t index);
  static uint64_t BucketHighest(size_t index);

 private:
  std::vector<uint64_t> counts_;  // kBucketCount entries, allocated once
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  // Exact up to 2^64 ns (584 years) of summed latency.
  uint64_t sum_ = 0;
};

}  // namespace tradeagg::loadgen
