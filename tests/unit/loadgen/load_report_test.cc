#include "tradeagg/loadgen/load_report.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace tradeagg::loadgen {
namespace {

TEST(RunStatsTest, WarmUpCountsForProgressButNotForTheTotal) {
  const Clock::time_point start = Clock::now();
  RunStats stats(start + std::chrono::seconds(1));
  stats.RecordResponse(start, 1'000'000, 201, 1);                             // warm-up
  stats.RecordResponse(start + std::chrono::seconds(2), 2'000'000, 201, 10);  // measured
  stats.RecordResponse(start + std::chrono::seconds(2), 3'000'000, 422, 10);
  stats.RecordFailure(start + std::chrono::seconds(3), FailureKind::kTimeout);

  Tally interval;
  stats.TakeInterval(interval);
  EXPECT_EQ(interval.responses, 3u);
  EXPECT_EQ(interval.failed(), 1u);
  Tally again;
  stats.TakeInterval(again);
  EXPECT_EQ(again.responses, 0u);  // taking an interval starts a new one

  Tally total;
  stats.MergeTotalInto(total);
  EXPECT_EQ(total.responses, 2u);
  EXPECT_EQ(total.ok, 1u);
  EXPECT_EQ(total.trades, 10u);  // only 2xx responses carry accepted trades
  EXPECT_EQ(total.non_2xx(), 1u);
  EXPECT_EQ(total.errors(), 2u);
  EXPECT_EQ(total.requests(), 3u);  // two responses and a timeout
  EXPECT_EQ(total.latency.count(), 2u);
  EXPECT_EQ(ErrorBreakdown(total), "422: 1, timeout: 1");
  EXPECT_EQ(stats.last_completion(), start + std::chrono::seconds(3));
}

TEST(LoadReportTest, JsonCarriesRatesPercentilesAndErrors) {
  LoadReport report;
  report.target = "POST http://127.0.0.1:1/v1/trades";
  report.connections = 4;
  report.threads = 1;
  report.batch = 10;
  report.seconds = 2.0;
  for (int i = 1; i <= 100; ++i) {
    ++report.total.responses;
    ++report.total.ok;
    report.total.trades += 10;
    report.total.latency.Record(static_cast<uint64_t>(i) * 100'000);  // 0.1 .. 10 ms
  }
  ++report.total.failures[static_cast<size_t>(FailureKind::kConnect)];

  simdjson::dom::parser parser;
  simdjson::dom::element json;
  const std::string text = report.ToJson();
  ASSERT_FALSE(parser.parse(text).get(json)) << text;
  EXPECT_EQ(json["requests"].get_int64().value(), 100);  // a failed connect sent nothing
  EXPECT_EQ(json["trades"].get_int64().value(), 1000);
  EXPECT_DOUBLE_EQ(json["requests_per_s"].get_double().value(), 50.0);
  EXPECT_DOUBLE_EQ(json["trades_per_s"].get_double().value(), 500.0);
  EXPECT_EQ(json["errors"].get_int64().value(), 1);
  EXPECT_EQ(json["errors_by_status"]["connect"].get_int64().value(), 1);
  EXPECT_NEAR(json["latency_ms"]["p50"].get_double().value(), 5.0, 0.05);
  EXPECT_NEAR(json["latency_ms"]["p99"].get_double().value(), 9.9, 0.1);
  EXPECT_DOUBLE_EQ(json["latency_ms"]["max"].get_double().value(), 10.0);

  const std::string human = report.ToText();
  EXPECT_NE(human.find("trades/s     500.0"), std::string::npos) << human;
  EXPECT_NE(human.find("connect: 1"), std::string::npos) << human;
}

}  // namespace
}  // namespace tradeagg::loadgen
