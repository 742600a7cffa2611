#include "tradeagg/metrics/registry.h"

#include <gtest/gtest.h>

namespace tradeagg::metrics {
namespace {

TEST(FormatMicrosAsSecondsTest, IsExactDecimalText) {
  EXPECT_EQ(FormatMicrosAsSeconds(0), "0");
  EXPECT_EQ(FormatMicrosAsSeconds(1), "0.000001");
  EXPECT_EQ(FormatMicrosAsSeconds(250'000), "0.25");
  EXPECT_EQ(FormatMicrosAsSeconds(12'000'000), "12");
  EXPECT_EQ(FormatMicrosAsSeconds(-1'500'000), "-1.5");
  EXPECT_EQ(FormatMicrosAsMillis(618), "0.618");
  EXPECT_EQ(FormatMicrosAsMillis(12'000), "12");
}

TEST(RegistryTest, RendersCountersWithTheirLabelsInOrder) {
  Registry registry;
  auto& requests = registry.AddCounter("requests_total", "Requests.", {"route", "status"});
  requests.With({"/b", "200"}).Increment(2);
  requests.With({"/a", "404"}).Increment();
  EXPECT_EQ(registry.Render(),
            "# HELP requests_total Requests.\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"/a\",status=\"404\"} 1\n"
            "requests_total{route=\"/b\",status=\"200\"} 2\n");
}

TEST(RegistryTest, EscapesLabelValues) {
  Registry registry;
  registry.AddCounter("c_total", "C.", {"v"}).With({"a\"b\\c\nd"}).Increment();
  EXPECT_NE(registry.Render().find("c_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(RegistryTest, RendersHistogramsCumulativeInSeconds) {
  Registry registry;
  auto& latency = registry.AddHistogram("latency_seconds", "Latency.", {}, {1'000, 10'000}, Unit::kMicrosecondsAsSeconds).Get();
  latency.Observe(500);     // <= 0.001
  latency.Observe(1'000);   // == the bound: in it
  latency.Observe(20'000);  // only +Inf
  EXPECT_EQ(registry.Render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.001\"} 2\n"
            "latency_seconds_bucket{le=\"0.01\"} 2\n"
            "latency_seconds_bucket{le=\"+Inf\"} 3\n"
            "latency_seconds_sum 0.0215\n"
            "latency_seconds_count 3\n");
}

TEST(RegistryTest, RefreshesGaugesBeforeRendering) {
  Registry registry;
  auto& lag = registry.AddGauge("lag_seconds", "Lag.", {}, Unit::kMicrosecondsAsSeconds).Get();
  int refreshed = 0;
  registry.AddRefresh([&] { lag.Set(1'500'000 * ++refreshed); });
  EXPECT_NE(registry.Render().find("lag_seconds 1.5\n"), std::string::npos);
  EXPECT_NE(registry.Render().find("lag_seconds 3\n"), std::string::npos);
}

TEST(RegistryTest, AFamilyWithoutSeriesStillDeclaresItself) {
  Registry registry;
  registry.AddCounter("unused_total", "Never incremented.", {"kind"});
  EXPECT_EQ(registry.Render(), "# HELP unused_total Never incremented.\n# TYPE unused_total counter\n");
}

}  // namespace
}  // namespace tradeagg::metrics
