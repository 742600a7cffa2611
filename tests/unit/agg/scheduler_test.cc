#include "tradeagg/agg/scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "lake_fixture.h"
#include "tradeagg/agg/late_trades.h"

namespace tradeagg::agg {
namespace {

using domain::RunKind;

// London, 17:30 cut-off: at 10:00 UTC on Tuesday 2026-11-24 the current business date is the
// 24th and the 23rd is closed.
const Timestamp kTuesdayMorning = Timestamp::FromMicros((int64_t{kTuesday.days()} * 86'400 + 10 * 3600) * 1'000'000);

class SchedulerTest : public LakeFixture {
 protected:
  void SetUp() override {
    LakeFixture::SetUp();
    auto calendar = domain::BusinessCalendar::Create({});
    ASSERT_TRUE(calendar.ok());
    calendar_ = *calendar;
    OpenAggregator();  // not started: what the scheduler submits stays queued
  }

  std::unique_ptr<AggregationScheduler> Scheduler(SchedulerConfig config) {
    return std::make_unique<AggregationScheduler>(
        *aggregator_, *results_, *store_, *calendar_, [this] { return lake_watermark_; }, config,
        [this] { return now_; });
  }

  std::vector<domain::AggregationRun> Runs(RunKind kind) {
    return *results_->ListRuns({std::nullopt, std::nullopt, kind, std::nullopt, 0, 100});
  }

  void Advance(int64_t seconds) { now_ = Timestamp::FromMicros(now_.micros() + seconds * 1'000'000); }

  std::shared_ptr<const domain::BusinessCalendar> calendar_;
  Timestamp now_ = kTuesdayMorning;
  int64_t lake_watermark_ = 0;
};

TEST_F(SchedulerTest, IntradayRunsComeEveryIntervalAndNeverPileUp) {
  SchedulerConfig config;
  config.intraday_interval = std::chrono::seconds(60);
  config.eod = false;
  auto scheduler = Scheduler(config);
  scheduler->Tick();
  ASSERT_EQ(Runs(RunKind::kIntraday).size(), 1u);
  EXPECT_EQ(Runs(RunKind::kIntraday)[0].request.business_date, kTuesday);
  Advance(30);
  scheduler->Tick();
  EXPECT_EQ(Runs(RunKind::kIntraday).size(), 1u);  // not yet due
  Advance(31);
  scheduler->Tick();
  EXPECT_EQ(Runs(RunKind::kIntraday).size(), 1u);  // due, but the first is still queued
  aggregator_->Start();
  for (int i = 0; i < 500 && aggregator_->HasPending(kTuesday, RunKind::kIntraday); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Advance(61);
  scheduler->Tick();
  EXPECT_EQ(Runs(RunKind::kIntraday).size(), 2u);
  aggregator_->Stop();
}

TEST_F(SchedulerTest, TheEodOfTheClosedDateWaitsForTheLakeAndRunsOnce) {
  Commit(1, 5, kMonday);
  SchedulerConfig config;
  config.intraday_interval = std::chrono::seconds(0);
  auto scheduler = Scheduler(config);
  scheduler->Tick();
  EXPECT_TRUE(Runs(RunKind::kEod).empty());  // the store holds seq 5, the lake nothing yet
  Commit(6, 8, kTuesday);                      // committed after the close was seen: not waited for
  lake_watermark_ = 5;
  scheduler->Tick();
  auto runs = Runs(RunKind::kEod);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].request.business_date, kMonday);
  EXPECT_EQ(runs[0].request.requested_by, "scheduler");
  scheduler->Tick();
  EXPECT_EQ(Runs(RunKind::kEod).size(), 1u);  // pending: not again

  // Once it succeeded, the date is done for good, also for a new scheduler (a restart).
  Export();
  aggregator_->Start();
  for (int i = 0; i < 500 && aggregator_->runs_succeeded() < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  aggregator_->Stop();
  Advance(3600);
  scheduler->Tick();
  Scheduler(config)->Tick();
  EXPECT_EQ(Runs(RunKind::kEod).size(), 1u);
}

TEST_F(SchedulerTest, AFailedEodIsRetriedAndAPendingOneIsNot) {
  SchedulerConfig config;
  config.intraday_interval = std::chrono::seconds(0);
  config.eod_retry_interval = std::chrono::seconds(300);
  auto scheduler = Scheduler(config);
  scheduler->Tick();
  ASSERT_EQ(Runs(RunKind::kEod).size(), 1u);
  // The queued run is lost (a restart marks it failed); it is retried once the interval passed.
  ASSERT_EQ(*results_->FailUnfinishedRuns("interrupted", now_), 1);
  aggregator_->Stop();
  OpenAggregator();
  scheduler = Scheduler(config);  // the aggregator it knew is gone
  scheduler->Tick();
  EXPECT_EQ(Runs(RunKind::kEod).size(), 2u);  // a new scheduler retries at once
  Advance(100);
  scheduler->Tick();
  EXPECT_EQ(Runs(RunKind::kEod).size(), 2u);
}

// Runs what is queued and waits for it to end.
void Drain(Aggregator& aggregator, Date date, RunKind kind) {
  aggregator.Start();
  for (int i = 0; i < 500 && aggregator.HasPending(date, kind); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  aggregator.Stop();
}

TEST_F(SchedulerTest, ALateTradeMakesTheEodStaleAndTheDateIsRunAgainOnceTheLakeHoldsIt) {
  Commit(1, 5, kMonday);
  Export();
  lake_watermark_ = 5;
  SchedulerConfig config;
  config.intraday_interval = std::chrono::seconds(0);
  auto scheduler = Scheduler(config);
  scheduler->Tick();
  ASSERT_EQ(Runs(RunKind::kEod).size(), 1u);
  Drain(*aggregator_, kMonday, RunKind::kEod);
  ASSERT_EQ(Runs(RunKind::kEod)[0].status, domain::RunStatus::kSucceeded);

  // A late trade of Monday (its trade time before the cut-off that has passed).
  Commit(6, 6, kMonday);
  std::vector<domain::AggregationRun> runs = Runs(RunKind::kEod);
  ASSERT_TRUE(FillMissingTrades(*store_, runs).ok());
  EXPECT_TRUE(runs[0].stale());
  EXPECT_EQ(runs[0].missing_trades, 1);
  OpenAggregator();
  scheduler = Scheduler(config);
  scheduler->Tick();
  EXPECT_EQ(Runs(RunKind::kEod).size(), 1u);  // the lake does not hold it yet
  Export();
  lake_watermark_ = 6;
  scheduler->Tick();
  ASSERT_EQ(Runs(RunKind::kEod).size(), 2u);
  scheduler->Tick();
  EXPECT_EQ(Runs(RunKind::kEod).size(), 2u);  // pending: not again
  Drain(*aggregator_, kMonday, RunKind::kEod);

  runs = Runs(RunKind::kEod);  // newest first
  ASSERT_TRUE(FillMissingTrades(*store_, runs).ok());
  EXPECT_EQ(runs[0].status, domain::RunStatus::kSucceeded) << runs[0].error;
  EXPECT_EQ(runs[0].version, 2);
  EXPECT_EQ(runs[0].trades, 6);
  EXPECT_FALSE(runs[0].stale());
  EXPECT_TRUE(runs[1].stale());  // version 1 still misses the trade, and says so
  Advance(3600);
  OpenAggregator();
  Scheduler(config)->Tick();
  EXPECT_EQ(Runs(RunKind::kEod).size(), 2u);  // the newest version is complete: nothing more
}

}  // namespace
}  // namespace tradeagg::agg
