#include "tradeagg/loadgen/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tradeagg::loadgen {

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

// Below kSubBucketCount the value is its own bucket. Above, the value's highest set bit picks a
// power-of-two range and the next kSubBucketBits - 1 bits pick one of its 128 buckets: the value
// is shifted right until it lies in [128, 256), so `shift` is the bucket width in bits.
size_t LatencyHistogram::BucketIndex(uint64_t value) {
  value = std::min(value, kMaxValue);
  if (value < kSubBucketCount) return static_cast<size_t>(value);
  const int msb = std::bit_width(value) - 1;  // >= kSubBucketBits
  const int shift = msb - (kSubBucketBits - 1);
  const uint64_t top = value >> shift;  // in [128, 256)
  return static_cast<size_t>(kSubBucketCount + (shift - 1) * kHalfSubBucketCount + (top - kHalfSubBucketCount));
}

uint64_t LatencyHistogram::BucketLowest(size_t index) {
  if (index < kSubBucketCount) return index;
  const size_t above = index - kSubBucketCount;
  const int shift = static_cast<int>(above / kHalfSubBucketCount) + 1;
  const uint64_t top = kHalfSubBucketCount + above % kHalfSubBucketCount;
  return top << shift;
}

uint64_t LatencyHistogram::BucketHighest(size_t index) {
  if (index < kSubBucketCount) return index;
  const int shift = static_cast<int>((index - kSubBucketCount) / kHalfSubBucketCount) + 1;
  return BucketLowest(index) + (uint64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(uint64_t value) {
  value = std::min(value, kMaxValue);
  ++counts_[BucketIndex(value)];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += value;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void LatencyHistogram::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = 0;
}

uint64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  if (percentile <= 0) return min();
  percentile = std::min(percentile, 100.0);
  // The rank (1-based) of the value asked for; at least the first value. The relative nudge
  // keeps a product that is whole in exact arithmetic (99.9 % of 1000) from rounding up a rank
  // because 99.9 has no exact binary form.
  const double exact_rank = percentile * static_cast<double>(count_) / 100.0;
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(exact_rank * (1.0 - 1e-12))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(BucketHighest(i), min(), max_);
  }
  return max_;
}

}  // namespace tradeagg::loadgen
