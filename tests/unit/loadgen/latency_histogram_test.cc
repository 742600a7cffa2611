#include "tradeagg/loadgen/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace tradeagg::loadgen {
namespace {

TEST(LatencyHistogramTest, BucketsTileTheRangeWithoutGapsOrOverlap) {
  for (size_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
    ASSERT_EQ(LatencyHistogram::BucketHighest(i) + 1, LatencyHistogram::BucketLowest(i + 1)) << i;
    ASSERT_EQ(LatencyHistogram::BucketIndex(LatencyHistogram::BucketLowest(i)), i);
    ASSERT_EQ(LatencyHistogram::BucketIndex(LatencyHistogram::BucketHighest(i)), i);
  }
  EXPECT_EQ(LatencyHistogram::BucketHighest(LatencyHistogram::kBucketCount - 1), LatencyHistogram::kMaxValue);
}

TEST(LatencyHistogramTest, BucketWidthIsWithinOnePartIn128) {
  for (size_t i = LatencyHistogram::kSubBucketCount; i < LatencyHistogram::kBucketCount; ++i) {
    const uint64_t low = LatencyHistogram::BucketLowest(i);
    const uint64_t width = LatencyHistogram::BucketHighest(i) - low + 1;
    ASSERT_LE(width * 128, low) << i;
  }
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 0; v < 256; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 256u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 255u);
  EXPECT_EQ(h.ValueAtPercentile(50), 127u);
  EXPECT_EQ(h.ValueAtPercentile(100), 255u);
  EXPECT_EQ(h.ValueAtPercentile(0), 0u);
}

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.ValueAtPercentile(99), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogramTest, PercentilesOfAUniformRange) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 1000; ++v) h.Record(v * 1000);  // 1 us .. 1 ms in ns
  auto near = [](uint64_t got, uint64_t want) {
    return got >= want && static_cast<double>(got) <= static_cast<double>(want) * (1 + 1.0 / 128);
  };
  EXPECT_TRUE(near(h.ValueAtPercentile(50), 500'000)) << h.ValueAtPercentile(50);
  EXPECT_TRUE(near(h.ValueAtPercentile(90), 900'000)) << h.ValueAtPercentile(90);
  EXPECT_TRUE(near(h.ValueAtPercentile(99), 990'000)) << h.ValueAtPercentile(99);
  EXPECT_TRUE(near(h.ValueAtPercentile(99.9), 999'000)) << h.ValueAtPercentile(99.9);
  EXPECT_EQ(h.ValueAtPercentile(100), 1'000'000u);
  EXPECT_EQ(h.ValueAtPercentile(0), 1'000u);
  EXPECT_DOUBLE_EQ(h.mean(), 500'500.0);
}

TEST(LatencyHistogramTest, MatchesExactPercentilesOfRandomData) {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency(13.0, 1.0);  // around 0.5 ms in ns, long tail
  std::vector<uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100'000; ++i) {
    values.push_back(static_cast<uint64_t>(latency(random)));
    h.Record(values.back());
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    const uint64_t exact = values[static_cast<size_t>(std::ceil(p / 100 * values.size())) - 1];
    const uint64_t got = h.ValueAtPercentile(p);
    EXPECT_GE(got, exact) << p;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * (1 + 1.0 / 128)) << p;
  }
  EXPECT_EQ(h.ValueAtPercentile(100), values.back());
}

TEST(LatencyHistogramTest, MergeAndReset) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (uint64_t v = 1; v <= 500; ++v) a.Record(v * 1000);
  for (uint64_t v = 501; v <= 1000; ++v) b.Record(v * 1000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 1000u);
  EXPECT_EQ(a.min(), 1000u);
  EXPECT_EQ(a.max(), 1'000'000u);
  EXPECT_GE(a.ValueAtPercentile(50), 500'000u);
  EXPECT_LT(a.ValueAtPercentile(50), 505'000u);
  a.Reset();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.ValueAtPercentile(50), 0u);
  a.Record(42);
  EXPECT_EQ(a.min(), 42u);
  EXPECT_EQ(a.ValueAtPercentile(50), 42u);
}

TEST(LatencyHistogramTest, ValuesBeyondTheRangeAreClamped) {
  LatencyHistogram h;
  h.Record(UINT64_MAX);
  EXPECT_EQ(h.max(), LatencyHistogram::kMaxValue);
  EXPECT_EQ(h.ValueAtPercentile(50), LatencyHistogram::kMaxValue);
}

TEST(LatencyHistogramTest, PercentileNeverExceedsMaxOrUndercutsMin) {
  LatencyHistogram h;
  h.Record(1'000'001);  // inside a bucket 8192 wide
  EXPECT_EQ(h.ValueAtPercentile(50), 1'000'001u);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 1'000'001u);
}

}  // namespace
}  // namespace tradeagg::loadgen
