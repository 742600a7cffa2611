#include "tradeagg/store/sqlite/sqlite_exposure_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "tradeagg/store/sqlite/sqlite_trade_store.h"

namespace tradeagg::store {
namespace {

namespace fs = std::filesystem;
using domain::AggregationRun;
using domain::ExposureLevel;
using domain::ExposureRow;
using domain::RunKind;
using domain::RunStatus;

const Date kDay = Date::FromCivil(2026, 11, 24);
const Timestamp kNow = Timestamp::FromMicros(1'795'512'600'000'000);

Decimal D(const char* text) { return *Decimal::Parse(text); }

ExposureRow Row(ExposureLevel level, std::string participant, std::string key, std::string currency) {
  ExposureRow row{level, std::move(participant), std::move(key), std::move(currency), {}, {}};
  row.totals.AddSums(domain::Side::kBuy, (int128{1} << 70) + 3, D("123456789012345678901.12345678"), 7);
  row.totals.AddSums(domain::Side::kSell, 5, D("0.00000001"), 1);
  return row;
}

class SqliteExposureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (fs::temp_directory_path() / "tradeagg-exposure-store-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    auto store = SqliteExposureStore::Open(dir_ / "tradeagg.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  AggregationRun Create(RunKind kind, Date date = kDay) {
    auto run = store_->CreateRun({date, kind, "tester", std::nullopt, std::nullopt}, kNow);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return *run;
  }

  AggregationRun Succeed(AggregationRun run, std::vector<ExposureRow> rows = {}) {
    run.status = RunStatus::kSucceeded;
    run.finished_at = kNow;
    EXPECT_TRUE(store_->SaveResult(run, rows).ok());
    return run;
  }

  fs::path dir_;
  std::unique_ptr<SqliteExposureStore> store_;
};

TEST_F(SqliteExposureStoreTest, RunsGetIdsAndEodRunsGetVersionsPerDate) {
  AggregationRun first = Create(RunKind::kEod);
  AggregationRun intraday = Create(RunKind::kIntraday);
  AggregationRun second = Create(RunKind::kEod);
  AggregationRun other_day = Create(RunKind::kEod, kDay + 1);
  EXPECT_LT(first.run_id, intraday.run_id);
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(intraday.version, 1);
  EXPECT_EQ(other_day.version, 1);
  auto found = store_->FindRun(second.run_id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->status, RunStatus::kQueued);
  EXPECT_EQ((*found)->request.requested_by, "tester");
  EXPECT_EQ((*found)->requested_at, kNow);
}

TEST_F(SqliteExposureStoreTest, EveryFieldOfARunSurvivesARoundTrip) {
  AggregationRun run = Create(RunKind::kEod);
  run.request.as_of_snapshot_id.reset();
  run.status = RunStatus::kFailed;
  run.started_at = Timestamp::FromMicros(kNow.micros() + 1);
  run.finished_at = Timestamp::FromMicros(kNow.micros() + 2);
  run.snapshot_id = 8'123'456'789'012'345'678;
  run.snapshot_committed_at = Timestamp::FromMicros(kNow.micros() - 5);
  run.watermark = 42;
  run.data_files = 3;
  run.data_files_pruned = 9;
  run.trades = 1000;
  run.instrument_rows = 11;
  run.counterparty_rows = 12;
  run.participant_rows = 13;
  run.reporting_rows = 14;
  run.reporting_currency = "USD";
  run.missing_rates = {"CHF", "JPY"};
  run.timings = {1, 2, 3, 4, 5, 6};
  run.reconciliation = domain::ReconciliationStatus::kDifferences;
  run.book_watermark = 44;
  run.difference_count = 2;
  run.differences = {{ExposureLevel::kCounterparty, "A", "B", "USD", "buy_notional", "1.5", "1.25"},
                     {ExposureLevel::kParticipant, "A", "", "USD", "trade_count", "", "3"}};
  run.exposures_snapshot_id = 77;
  run.lake_error = "lake down";
  run.error = "it broke";
  ASSERT_TRUE(store_->UpdateRun(run).ok());
  auto found = store_->FindRun(run.run_id);
  ASSERT_TRUE(found.ok() && found->has_value());
  const AggregationRun& r = **found;
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.started_at, run.started_at);
  EXPECT_EQ(r.finished_at, run.finished_at);
  EXPECT_EQ(r.snapshot_id, run.snapshot_id);
  EXPECT_EQ(r.snapshot_committed_at, run.snapshot_committed_at);
  EXPECT_EQ(r.watermark, 42);
  EXPECT_EQ(r.data_files_pruned, 9);
  EXPECT_EQ(r.reporting_rows, 14);
  EXPECT_EQ(r.missing_rates, run.missing_rates);
  EXPECT_EQ(r.timings, run.timings);
  EXPECT_EQ(r.reconciliation, run.reconciliation);
  EXPECT_EQ(r.book_watermark, 44);
  EXPECT_EQ(r.differences, run.differences);
  EXPECT_EQ(r.exposures_snapshot_id, 77);
  EXPECT_EQ(r.lake_error, "lake down");
  EXPECT_EQ(r.error, "it broke");
  EXPECT_EQ(store_->UpdateRun(AggregationRun{}).code(), StatusCode::kNotFound);
}

TEST_F(SqliteExposureStoreTest, ResultsComeBackExactlyAndFiltered) {
  ExposureRow reporting = Row(ExposureLevel::kReporting, "A", "", "USD");
  reporting.missing_rates = {"CHF"};
  std::vector<ExposureRow> rows = {Row(ExposureLevel::kParticipant, "B", "", "USD"),
                                   Row(ExposureLevel::kInstrument, "A", "US0378331005", "USD"), reporting,
                                   Row(ExposureLevel::kParticipant, "A", "", "GBP")};
  AggregationRun run = Succeed(Create(RunKind::kEod), rows);
  auto all = store_->LoadExposures({run.run_id, std::nullopt, std::nullopt});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0], rows[1]);  // sorted: instrument first, then participant A, B, then reporting
  EXPECT_EQ((*all)[1], rows[3]);
  EXPECT_EQ((*all)[2], rows[0]);
  EXPECT_EQ((*all)[3], reporting);
  auto a = store_->LoadExposures({run.run_id, ExposureLevel::kParticipant, std::string("A")});
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ(a->front().currency, "GBP");
  // Saving again replaces, never duplicates.
  ASSERT_TRUE(store_->SaveResult(run, std::vector<ExposureRow>{rows[0]}).ok());
  EXPECT_EQ(store_->LoadExposures({run.run_id, std::nullopt, std::nullopt})->size(), 1u);
}

TEST_F(SqliteExposureStoreTest, TradesPerSideComeBackAndRowsStoredBeforeTheSplitSayTheyHaveNone) {
  AggregationRun run = Succeed(Create(RunKind::kEod), {Row(ExposureLevel::kParticipant, "A", "", "USD")});
  auto rows = store_->LoadExposures({run.run_id, std::nullopt, std::nullopt});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().totals.buy_trades, 7);
  EXPECT_EQ(rows->front().totals.sell_trades, 1);
  EXPECT_EQ(rows->front().totals.trade_count, 8);
  EXPECT_TRUE(rows->front().totals.side_counts_known());

  // A row of a run stored before schema 3, whose trades were on both sides: the migration could
  // not split them and left 0 and 0 beside the total.
  {
    Result<SqliteDb> raw = SqliteDb::Open(dir_ / "tradeagg.db", SqliteDb::Mode::kReadWriteCreate, 1000);
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    ASSERT_TRUE(raw->Exec("UPDATE exposures SET buy_trades = 0, sell_trades = 0").ok());
  }
  auto old = store_->LoadHistory({kDay, kDay, std::string("A")});
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  ASSERT_EQ(old->size(), 1u);
  ASSERT_EQ(old->front().rows.size(), 1u);
  const domain::ExposureTotals& totals = old->front().rows.front().totals;
  EXPECT_EQ(totals.trade_count, 8);
  EXPECT_FALSE(totals.side_counts_known());
}

TEST_F(SqliteExposureStoreTest, TheLatestSucceededRunPrefersEodWithoutAKind) {
  EXPECT_FALSE(store_->LatestSucceededRun(kDay, std::nullopt)->has_value());
  AggregationRun eod = Succeed(Create(RunKind::kEod));
  AggregationRun intraday = Succeed(Create(RunKind::kIntraday));
  Create(RunKind::kEod);  // queued: not a result
  EXPECT_EQ((*store_->LatestSucceededRun(kDay, std::nullopt))->run_id, eod.run_id);
  EXPECT_EQ((*store_->LatestSucceededRun(kDay, RunKind::kIntraday))->run_id, intraday.run_id);
  AggregationRun eod2 = Succeed(Create(RunKind::kEod));
  EXPECT_EQ((*store_->LatestSucceededRun(kDay, RunKind::kEod))->run_id, eod2.run_id);
  EXPECT_FALSE(store_->LatestSucceededRun(kDay + 1, std::nullopt)->has_value());
}

TEST_F(SqliteExposureStoreTest, ListsNewestFirstWithFiltersAndACursor) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Create(i % 2 ? RunKind::kEod : RunKind::kIntraday, kDay + i % 2).run_id);
  auto page = store_->ListRuns({std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0, 2});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].run_id, ids[4]);
  auto next = store_->ListRuns({std::nullopt, std::nullopt, std::nullopt, std::nullopt, (*page)[1].run_id, 10});
  EXPECT_EQ(next->size(), 3u);
  auto eod = store_->ListRuns({kDay + 1, kDay + 1, RunKind::kEod, RunStatus::kQueued, 0, 10});
  ASSERT_EQ(eod->size(), 2u);
  EXPECT_EQ((*eod)[0].run_id, ids[3]);
}

TEST_F(SqliteExposureStoreTest, HistoryHoldsTheParticipantRowsOfSucceededRunsOldestFirst) {
  std::vector<ExposureRow> rows = {Row(ExposureLevel::kInstrument, "A", "US0378331005", "USD"),
                                   Row(ExposureLevel::kParticipant, "A", "", "USD"),
                                   Row(ExposureLevel::kParticipant, "B", "", "USD"),
                                   Row(ExposureLevel::kReporting, "A", "", "USD")};
  AggregationRun first = Succeed(Create(RunKind::kIntraday), rows);
  Create(RunKind::kIntraday);  // still queued: not in the history
  AggregationRun second = Succeed(Create(RunKind::kIntraday), rows);
  Succeed(Create(RunKind::kIntraday, kDay + 3), rows);  // another date
  auto history = store_->LoadHistory({kDay, kDay + 1, std::string("A")});
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].run.run_id, first.run_id);
  EXPECT_EQ((*history)[1].run.run_id, second.run_id);
  ASSERT_EQ((*history)[0].rows.size(), 2u);  // A's participant and reporting rows
  EXPECT_EQ((*history)[0].rows[0].level, ExposureLevel::kParticipant);
  EXPECT_EQ((*history)[0].rows[1].level, ExposureLevel::kReporting);
  EXPECT_EQ(store_->LoadHistory({kDay, kDay, std::nullopt})->front().rows.size(), 3u);
}

TEST_F(SqliteExposureStoreTest, UnfinishedRunsFailAtTheNextStart) {
  AggregationRun done = Succeed(Create(RunKind::kEod));
  AggregationRun queued = Create(RunKind::kIntraday);
  AggregationRun running = Create(RunKind::kIntraday);
  running.status = RunStatus::kRunning;
  ASSERT_TRUE(store_->UpdateRun(running).ok());
  EXPECT_EQ(*store_->FailUnfinishedRuns("interrupted", kNow), 2);
  EXPECT_EQ((*store_->FindRun(done.run_id))->status, RunStatus::kSucceeded);
  for (int64_t id : {queued.run_id, running.run_id}) {
    auto run = *store_->FindRun(id);
    EXPECT_EQ(run->status, RunStatus::kFailed);
    EXPECT_EQ(run->error, "interrupted");
  }
}

TEST_F(SqliteExposureStoreTest, FxRatesAreReplacedPerDate) {
  EXPECT_TRUE(store_->GetFxRates(kDay)->to_reporting.empty());
  domain::FxRates rates;
  rates.to_reporting = {{"EUR", D("1.0843")}, {"GBP", D("1.26999999")}};
  ASSERT_TRUE(store_->PutFxRates(kDay, rates, kNow).ok());
  rates.to_reporting = {{"CHF", D("1.13")}};
  ASSERT_TRUE(store_->PutFxRates(kDay + 1, rates, kNow).ok());
  auto day = store_->GetFxRates(kDay);
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->to_reporting.size(), 2u);
  EXPECT_EQ(day->to_reporting.at("GBP"), D("1.26999999"));
  EXPECT_EQ(day->updated_at, kNow);
  ASSERT_TRUE(store_->PutFxRates(kDay, rates, kNow).ok());
  EXPECT_EQ(store_->GetFxRates(kDay)->to_reporting, rates.to_reporting);
}

TEST_F(SqliteExposureStoreTest, SharesTheFileWithTheTradeStore) {
  auto trades = SqliteTradeStore::Open(dir_ / "tradeagg.db");
  ASSERT_TRUE(trades.ok()) << trades.status().ToString();
  Create(RunKind::kEod);
  EXPECT_EQ(*(*trades)->LastSeq(), 0);
}

}  // namespace
}  // namespace tradeagg::store
