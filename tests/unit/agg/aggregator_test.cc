#include "tradeagg/agg/aggregator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "lake_fixture.h"
#include "tradeagg/agg/exposure_set.h"
#include "tradeagg/agg/exposures_table.h"
#include "tradeagg/book/position_book.h"

namespace tradeagg::agg {
namespace {

using domain::ExposureLevel;
using domain::RunKind;
using domain::RunStatus;

domain::RunRequest Request(Date date, RunKind kind = RunKind::kEod) {
  return {date, kind, "test", std::nullopt, std::nullopt};
}

std::vector<domain::ExposureRow> Expected(const std::vector<domain::Trade>& trades, Date date) {
  book::PositionBook book;
  for (const domain::Trade& t : trades) book.Apply(t);
  return ExposureSet::FromBook(book.View(date)).rows();
}

class AggregatorTest : public LakeFixture {};

TEST_F(AggregatorTest, AnEodRunReadsTheDatesFilesAndReconciles) {
  std::vector<domain::Trade> monday = Commit(1, 60, kMonday);
  std::vector<domain::Trade> tuesday = Commit(61, 90, kTuesday);
  Export();
  OpenAggregator();
  domain::FxRates rates;
  rates.to_reporting = {{"GBP", *Decimal::Parse("1.25")}, {"EUR", *Decimal::Parse("1.05")}};
  ASSERT_TRUE(results_->PutFxRates(kMonday, rates, Timestamp::Now()).ok());

  auto run = aggregator_->RunNow(Request(kMonday));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->status, RunStatus::kSucceeded) << run->error;
  EXPECT_EQ(run->trades, 60);
  EXPECT_EQ(run->watermark, 90);
  EXPECT_EQ(run->data_files, 1);
  EXPECT_EQ(run->data_files_pruned, 1);
  EXPECT_EQ(run->reconciliation, domain::ReconciliationStatus::kMatched);
  EXPECT_EQ(run->difference_count, 0);
  EXPECT_TRUE(run->missing_rates.empty());
  EXPECT_EQ(run->reporting_rows, 3);
  ASSERT_TRUE(run->exposures_snapshot_id.has_value()) << run->lake_error;

  auto rows = results_->LoadExposures({run->run_id, std::nullopt, std::nullopt});
  ASSERT_TRUE(rows.ok());
  std::vector<domain::ExposureRow> stored;
  for (const auto& row : *rows) {
    if (row.level != ExposureLevel::kReporting) stored.push_back(row);
  }
  EXPECT_EQ(stored, Expected(monday, kMonday));

  auto table = lake_->catalog().LoadTable({"tradeagg", std::string(kExposuresTableName)});
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->metadata.CurrentSnapshot()->snapshot_id, *run->exposures_snapshot_id);
  EXPECT_EQ(table->metadata.CurrentSnapshot()->summary.at(std::string(kRunIdSummary)), std::to_string(run->run_id));
  EXPECT_EQ(table->metadata.CurrentSnapshot()->SummaryInt("added-records"), static_cast<int64_t>(rows->size()));
}

TEST_F(AggregatorTest, ARunWaitsForTheLakeToHoldEveryTradeAcknowledgedBeforeIt) {
  Commit(1, 30, kMonday);
  Export();
  Commit(31, 40, kMonday);  // acknowledged, not exported yet: the run asks for the export
  OpenAggregator();
  auto run = aggregator_->RunNow(Request(kMonday, RunKind::kIntraday));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kSucceeded) << run->error;
  EXPECT_EQ(run->request_seq, 40);
  EXPECT_EQ(run->watermark, 40);
  EXPECT_EQ(run->trades, 40);
  EXPECT_EQ(run->store_trades, 40);
  EXPECT_EQ(run->difference_count, 0);
  auto stored = results_->FindRun(run->run_id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->request_seq, 40);
  EXPECT_EQ((*stored)->store_trades, 40);
}

TEST_F(AggregatorTest, ARunFailsSayingSoWhenTheLakeCannotCatchUp) {
  Commit(1, 30, kMonday);
  Export();
  Commit(31, 40, kMonday);
  int asked = 0;
  request_export_ = [&] { ++asked; };  // an exporter that never gets there
  aggregator_config_.lake_wait = std::chrono::milliseconds(100);
  OpenAggregator();
  auto run = aggregator_->RunNow(Request(kMonday));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kFailed);
  EXPECT_NE(run->error.find("lake behind: watermark 30, needed 40"), std::string::npos) << run->error;
  EXPECT_GT(asked, 0);
  auto latest = results_->LatestSucceededRun(kMonday, RunKind::kEod);
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->has_value());
}

TEST_F(AggregatorTest, TimeTravelAnswersForTheSnapshotAndTheBookIsTakenBackToItsWatermark) {
  Commit(1, 30, kMonday);
  Export();
  auto table = lake_->catalog().LoadTable({"tradeagg", "trades"});
  ASSERT_TRUE(table.ok());
  const int64_t first = table->metadata.CurrentSnapshot()->snapshot_id;
  Commit(31, 40, kMonday);
  Export();
  book::PositionBook book;
  ASSERT_TRUE(store_->ScanTrades(0, 0, [&](const domain::Trade& t) { book.Apply(t); }).ok());
  LiveBookSource live(book, *store_);
  OpenAggregator(&live);
  domain::RunRequest request = Request(kMonday, RunKind::kIntraday);
  request.as_of_snapshot_id = first;
  auto run = aggregator_->RunNow(request);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kSucceeded) << run->error;
  EXPECT_FALSE(run->request_seq.has_value());
  EXPECT_EQ(run->trades, 30);
  EXPECT_EQ(run->store_trades, 30);
  EXPECT_EQ(run->watermark, 30);
  EXPECT_EQ(run->book_watermark, 40);
  EXPECT_EQ(run->difference_count, 0);
}

// A book that is off by one in one instrument row: that row and the participant total built
// from it are reported, and the run still succeeds.
class SkewedBook final : public BookSource {
 public:
  explicit SkewedBook(store::TradeStore& store) : inner_(store) {}
  Result<BookView> ViewAt(Date date, int64_t watermark) override {
    ASSIGN_OR_RETURN(BookView view, inner_.ViewAt(date, watermark));
    view.view.by_instrument.begin()->second.buy_quantity += 1;
    return view;
  }

 private:
  StoreBookSource inner_;
};

TEST_F(AggregatorTest, ADifferenceWithTheBookIsRecordedOnTheRun) {
  Commit(1, 12, kMonday);
  Export();
  SkewedBook skewed(*store_);
  OpenAggregator(&skewed);
  auto run = aggregator_->RunNow(Request(kMonday));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kSucceeded);
  EXPECT_EQ(run->reconciliation, domain::ReconciliationStatus::kDifferences);
  EXPECT_EQ(run->difference_count, 2);
  ASSERT_EQ(run->differences.size(), 2u);
  EXPECT_EQ(run->differences[0].level, ExposureLevel::kInstrument);
  EXPECT_EQ(run->differences[0].field, "buy_quantity");
  EXPECT_EQ(run->differences[1].level, ExposureLevel::kParticipant);
  auto found = results_->FindRun(run->run_id);
  EXPECT_EQ((*found)->differences, run->differences);
  EXPECT_EQ(aggregator_->reconciliation_differences(), 2);
}

TEST_F(AggregatorTest, TimeTravelReadsAnEarlierSnapshotAndAnUnknownOneFailsTheRun) {
  Commit(1, 10, kMonday);
  Export();
  auto first = lake_->catalog().LoadTable({"tradeagg", "trades"});
  const int64_t snapshot = first->metadata.CurrentSnapshot()->snapshot_id;
  Commit(11, 25, kMonday);
  Export();
  OpenAggregator();
  domain::RunRequest request = Request(kMonday, RunKind::kIntraday);
  request.as_of_snapshot_id = snapshot;
  auto then = aggregator_->RunNow(request);
  ASSERT_TRUE(then.ok());
  EXPECT_EQ(then->status, RunStatus::kSucceeded) << then->error;
  EXPECT_EQ(then->trades, 10);
  EXPECT_EQ(then->snapshot_id, snapshot);
  EXPECT_EQ(then->difference_count, 0);  // against the store's book at watermark 10
  request.as_of_snapshot_id = 42;
  auto unknown = aggregator_->RunNow(request);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, RunStatus::kFailed);
  EXPECT_NE(unknown->error.find("42"), std::string::npos);
  EXPECT_EQ(aggregator_->runs_failed(), 1);
}

TEST_F(AggregatorTest, AnEmptyDateSucceedsWithNoRows) {
  OpenAggregator();
  auto run = aggregator_->RunNow(Request(kMonday));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kSucceeded) << run->error;
  EXPECT_EQ(run->trades, 0);
  EXPECT_FALSE(run->snapshot_id.has_value());
  EXPECT_FALSE(run->exposures_snapshot_id.has_value());
  EXPECT_TRUE(run->lake_error.empty());
}

TEST_F(AggregatorTest, TheWorkerRunsWhatIsSubmittedInOrder) {
  Commit(1, 9, kMonday);
  Export();
  OpenAggregator();
  auto a = aggregator_->Submit(Request(kMonday, RunKind::kIntraday));
  auto b = aggregator_->Submit(Request(kMonday, RunKind::kEod));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->status, RunStatus::kQueued);
  EXPECT_TRUE(aggregator_->HasPending(kMonday, RunKind::kEod));
  EXPECT_FALSE(aggregator_->HasPending(kTuesday, RunKind::kEod));
  aggregator_->Start();
  for (int i = 0; i < 500 && aggregator_->runs_succeeded() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  aggregator_->Stop();
  EXPECT_EQ(aggregator_->runs_succeeded(), 2);
  EXPECT_FALSE(aggregator_->HasPending(kMonday, RunKind::kEod));
  auto first = *results_->FindRun(a->run_id);
  auto second = *results_->FindRun(b->run_id);
  EXPECT_EQ(first->status, RunStatus::kSucceeded);
  EXPECT_LE(*first->finished_at, *second->started_at);
}

}  // namespace
}  // namespace tradeagg::agg
