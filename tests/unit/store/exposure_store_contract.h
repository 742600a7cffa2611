// ExposureStoreContract<Backend>: the rules of store/exposure_store.h as a typed GoogleTest
// suite, which every ExposureStore passes: the SQLite store, the in-memory fake the agg and api
// tests use, and the MongoDB store.
//
// A Backend is a class with `Result<std::unique_ptr<ExposureStore>> Open()`, which opens a store
// on the backend's place (a fresh one per fixture; a second Open() of the same Backend object
// sees what the first wrote), and `static constexpr bool kPersists` (whether that second Open()
// is a real reopening rather than a handle on the same object). Instantiate with
// INSTANTIATE_TYPED_TEST_SUITE_P(Name, ExposureStoreContract, Types<...>).
//
// Run ids are assumed to grow in creation order (runs are listed newest first and paged with
// before_run_id, which only means something if they do) but not to be dense or start at 1.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "testing/exposure_row_builder.h"
#include "testing/trade_builder.h"
#include "tradeagg/store/exposure_store.h"

namespace tradeagg::store {

template <typename Backend>
class ExposureStoreContract : public ::testing::Test {
 protected:
  using AggregationRun = domain::AggregationRun;
  using ExposureLevel = domain::ExposureLevel;
  using ExposureRow = domain::ExposureRow;
  using RunKind = domain::RunKind;
  using RunStatus = domain::RunStatus;

  static inline const Date kDay = testing::kTradeDate;
  static inline const Timestamp kNow = Timestamp::FromMicros(1'795'512'600'000'001);  // microseconds matter

  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto opened = backend_.Open();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  AggregationRun Create(RunKind kind, Date date = kDay) {
    auto run = store_->CreateRun({date, kind, "tester", std::nullopt, std::nullopt}, kNow);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : AggregationRun{};
  }

  AggregationRun Succeed(AggregationRun run, std::vector<ExposureRow> rows = {}) {
    run.status = RunStatus::kSucceeded;
    run.finished_at = kNow;
    Status saved = store_->SaveResult(run, rows);
    EXPECT_TRUE(saved.ok()) << saved.ToString();
    return run;
  }

  std::optional<AggregationRun> Find(int64_t run_id) {
    auto found = store_->FindRun(run_id);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }

  std::vector<int64_t> ListIds(const RunQuery& query) {
    auto runs = store_->ListRuns(query);
    EXPECT_TRUE(runs.ok()) << runs.status().ToString();
    std::vector<int64_t> ids;
    if (runs.ok()) {
      for (const AggregationRun& run : *runs) ids.push_back(run.run_id);
    }
    return ids;
  }

  std::vector<ExposureRow> Load(int64_t run_id, std::optional<ExposureLevel> level = std::nullopt,
                                std::optional<std::string> participant = std::nullopt) {
    auto rows = store_->LoadExposures({run_id, level, std::move(participant)});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<ExposureRow>{};
  }

  std::optional<int64_t> LatestId(Date date, std::optional<RunKind> kind) {
    auto run = store_->LatestSucceededRun(date, kind);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    if (!run.ok() || !run->has_value()) return std::nullopt;
    return (*run)->run_id;
  }

  // A run with every field the store keeps set to something other than its default.
  static AggregationRun Filled(AggregationRun run) {
    run.status = RunStatus::kFailed;
    run.started_at = Timestamp::FromMicros(kNow.micros() + 1);
    run.finished_at = Timestamp::FromMicros(kNow.micros() + 2);
    run.request_seq = 41;
    run.store_trades = 999;
    run.trades_tag = "eod-2026-11-24-v1";
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
    return run;
  }

  static void ExpectSameRun(const AggregationRun& r, const AggregationRun& run) {
    EXPECT_EQ(r.run_id, run.run_id);
    EXPECT_EQ(r.request.business_date, run.request.business_date);
    EXPECT_EQ(r.request.kind, run.request.kind);
    EXPECT_EQ(r.request.requested_by, run.request.requested_by);
    EXPECT_EQ(r.request.as_of_snapshot_id, run.request.as_of_snapshot_id);
    EXPECT_EQ(r.request.as_of_time, run.request.as_of_time);
    EXPECT_EQ(r.version, run.version);
    EXPECT_EQ(r.status, run.status);
    EXPECT_EQ(r.requested_at, run.requested_at);
    EXPECT_EQ(r.started_at, run.started_at);
    EXPECT_EQ(r.finished_at, run.finished_at);
    EXPECT_EQ(r.request_seq, run.request_seq);
    EXPECT_EQ(r.store_trades, run.store_trades);
    EXPECT_EQ(r.trades_tag, run.trades_tag);
    EXPECT_EQ(r.snapshot_id, run.snapshot_id);
    EXPECT_EQ(r.snapshot_committed_at, run.snapshot_committed_at);
    EXPECT_EQ(r.watermark, run.watermark);
    EXPECT_EQ(r.data_files, run.data_files);
    EXPECT_EQ(r.data_files_pruned, run.data_files_pruned);
    EXPECT_EQ(r.trades, run.trades);
    EXPECT_EQ(r.instrument_rows, run.instrument_rows);
    EXPECT_EQ(r.counterparty_rows, run.counterparty_rows);
    EXPECT_EQ(r.participant_rows, run.participant_rows);
    EXPECT_EQ(r.reporting_rows, run.reporting_rows);
    EXPECT_EQ(r.reporting_currency, run.reporting_currency);
    EXPECT_EQ(r.missing_rates, run.missing_rates);
    EXPECT_EQ(r.timings, run.timings);
    EXPECT_EQ(r.reconciliation, run.reconciliation);
    EXPECT_EQ(r.book_watermark, run.book_watermark);
    EXPECT_EQ(r.difference_count, run.difference_count);
    EXPECT_EQ(r.differences, run.differences);
    EXPECT_EQ(r.exposures_snapshot_id, run.exposures_snapshot_id);
    EXPECT_EQ(r.lake_error, run.lake_error);
    EXPECT_EQ(r.error, run.error);
  }

  Backend backend_;
  std::unique_ptr<ExposureStore> store_;
};

TYPED_TEST_SUITE_P(ExposureStoreContract);

// --- runs ---

TYPED_TEST_P(ExposureStoreContract, RunsGetIdsAndEodRunsGetVersionsPerDate) {
  using domain::RunKind;
  domain::AggregationRun first = this->Create(RunKind::kEod);
  domain::AggregationRun intraday = this->Create(RunKind::kIntraday);
  domain::AggregationRun second = this->Create(RunKind::kEod);
  domain::AggregationRun other_day = this->Create(RunKind::kEod, this->kDay + 1);
  EXPECT_GT(first.run_id, 0);
  EXPECT_LT(first.run_id, intraday.run_id);
  EXPECT_LT(intraday.run_id, second.run_id);
  EXPECT_LT(second.run_id, other_day.run_id);
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(second.version, 2);  // a re-run never overwrites
  EXPECT_EQ(intraday.version, 1);
  EXPECT_EQ(other_day.version, 1);
  EXPECT_EQ(this->Create(RunKind::kIntraday).version, 1);  // intraday runs are not versioned
  EXPECT_EQ(this->Create(RunKind::kEod).version, 3);

  std::optional<domain::AggregationRun> found = this->Find(second.run_id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, domain::RunStatus::kQueued);
  EXPECT_EQ(found->version, 2);
  EXPECT_EQ(found->request.kind, RunKind::kEod);
  EXPECT_EQ(found->request.business_date, this->kDay);
  EXPECT_EQ(found->request.requested_by, "tester");
  EXPECT_EQ(found->requested_at.micros(), this->kNow.micros());
  EXPECT_FALSE(this->Find(other_day.run_id + 1000).has_value());
}

TYPED_TEST_P(ExposureStoreContract, TimeTravelRequestsAreKept) {
  domain::RunRequest request{this->kDay, domain::RunKind::kIntraday, "risk", 1'234'567'890'123, std::nullopt};
  auto by_snapshot = this->store_->CreateRun(request, this->kNow);
  ASSERT_TRUE(by_snapshot.ok()) << by_snapshot.status().ToString();
  request.as_of_snapshot_id.reset();
  request.as_of_time = Timestamp::FromMicros(1'795'500'000'000'007);
  auto by_time = this->store_->CreateRun(request, this->kNow);
  ASSERT_TRUE(by_time.ok()) << by_time.status().ToString();
  EXPECT_EQ(this->Find(by_snapshot->run_id)->request.as_of_snapshot_id, std::optional<int64_t>(1'234'567'890'123));
  EXPECT_FALSE(this->Find(by_snapshot->run_id)->request.as_of_time.has_value());
  EXPECT_EQ(this->Find(by_time->run_id)->request.as_of_time, request.as_of_time);
  EXPECT_FALSE(this->Find(by_time->run_id)->request.as_of_snapshot_id.has_value());
}

TYPED_TEST_P(ExposureStoreContract, EveryFieldOfARunSurvivesARoundTrip) {
  domain::AggregationRun run = TestFixture::Filled(this->Create(domain::RunKind::kEod));
  ASSERT_TRUE(this->store_->UpdateRun(run).ok());
  std::optional<domain::AggregationRun> found = this->Find(run.run_id);
  ASSERT_TRUE(found.has_value());
  TestFixture::ExpectSameRun(*found, run);

  // Updating again replaces what was there (the differences too), and clears what is cleared.
  run.differences.resize(1);
  run.missing_rates.clear();
  run.snapshot_id.reset();
  run.exposures_snapshot_id.reset();
  run.request_seq.reset();
  run.error.clear();
  ASSERT_TRUE(this->store_->UpdateRun(run).ok());
  found = this->Find(run.run_id);
  ASSERT_TRUE(found.has_value());
  TestFixture::ExpectSameRun(*found, run);

  domain::AggregationRun unknown;
  unknown.run_id = run.run_id + 1000;
  EXPECT_EQ(this->store_->UpdateRun(unknown).code(), StatusCode::kNotFound);
  EXPECT_FALSE(this->Find(unknown.run_id).has_value());
}

TYPED_TEST_P(ExposureStoreContract, UnfinishedRunsFailAtTheNextStart) {
  using domain::RunStatus;
  domain::AggregationRun done = this->Succeed(this->Create(domain::RunKind::kEod));
  domain::AggregationRun failed = this->Create(domain::RunKind::kEod);
  failed.status = RunStatus::kFailed;
  failed.error = "earlier";
  ASSERT_TRUE(this->store_->UpdateRun(failed).ok());
  domain::AggregationRun queued = this->Create(domain::RunKind::kIntraday);
  domain::AggregationRun running = this->Create(domain::RunKind::kIntraday);
  running.status = RunStatus::kRunning;
  ASSERT_TRUE(this->store_->UpdateRun(running).ok());

  auto count = this->store_->FailUnfinishedRuns("interrupted", this->kNow);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 2);
  EXPECT_EQ(this->Find(done.run_id)->status, RunStatus::kSucceeded);
  EXPECT_EQ(this->Find(failed.run_id)->error, "earlier");
  for (int64_t id : {queued.run_id, running.run_id}) {
    std::optional<domain::AggregationRun> run = this->Find(id);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(run->status, RunStatus::kFailed);
    EXPECT_EQ(run->error, "interrupted");
  }
  EXPECT_EQ(*this->store_->FailUnfinishedRuns("again", this->kNow), 0);
}

// --- listing ---

TYPED_TEST_P(ExposureStoreContract, ListsNewestFirstWithFiltersAndACursor) {
  using domain::RunKind;
  using domain::RunStatus;
  const Date day = this->kDay;
  std::vector<int64_t> ids;  // even: intraday on day, odd: eod on day + 1
  for (int i = 0; i < 5; ++i) {
    ids.push_back(this->Create(i % 2 ? RunKind::kEod : RunKind::kIntraday, day + i % 2).run_id);
  }
  this->Succeed(*this->Find(ids[2]));

  EXPECT_EQ(this->ListIds({std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0, 100}),
            (std::vector<int64_t>{ids[4], ids[3], ids[2], ids[1], ids[0]}));
  // Pages: the cursor is the last id seen.
  std::vector<int64_t> page = this->ListIds({std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0, 2});
  EXPECT_EQ(page, (std::vector<int64_t>{ids[4], ids[3]}));
  page = this->ListIds({std::nullopt, std::nullopt, std::nullopt, std::nullopt, page.back(), 2});
  EXPECT_EQ(page, (std::vector<int64_t>{ids[2], ids[1]}));
  page = this->ListIds({std::nullopt, std::nullopt, std::nullopt, std::nullopt, page.back(), 2});
  EXPECT_EQ(page, (std::vector<int64_t>{ids[0]}));
  EXPECT_TRUE(this->ListIds({std::nullopt, std::nullopt, std::nullopt, std::nullopt, ids[0], 2}).empty());

  // Filters, alone and together; dates are inclusive.
  EXPECT_EQ(this->ListIds({day + 1, day + 1, std::nullopt, std::nullopt, 0, 10}), (std::vector<int64_t>{ids[3], ids[1]}));
  EXPECT_EQ(this->ListIds({day, std::nullopt, std::nullopt, std::nullopt, 0, 10}).size(), 5u);
  EXPECT_EQ(this->ListIds({std::nullopt, day, std::nullopt, std::nullopt, 0, 10}),
            (std::vector<int64_t>{ids[4], ids[2], ids[0]}));
  EXPECT_TRUE(this->ListIds({day + 2, std::nullopt, std::nullopt, std::nullopt, 0, 10}).empty());
  EXPECT_EQ(this->ListIds({std::nullopt, std::nullopt, RunKind::kIntraday, std::nullopt, 0, 10}),
            (std::vector<int64_t>{ids[4], ids[2], ids[0]}));
  EXPECT_EQ(this->ListIds({std::nullopt, std::nullopt, std::nullopt, RunStatus::kSucceeded, 0, 10}),
            (std::vector<int64_t>{ids[2]}));
  EXPECT_EQ(this->ListIds({day + 1, day + 1, RunKind::kEod, RunStatus::kQueued, 0, 10}),
            (std::vector<int64_t>{ids[3], ids[1]}));
  EXPECT_EQ(this->ListIds({day, day, RunKind::kIntraday, RunStatus::kQueued, ids[4], 10}),
            (std::vector<int64_t>{ids[0]}));
}

TYPED_TEST_P(ExposureStoreContract, TheLatestSucceededRunPrefersEodWithoutAKind) {
  using domain::RunKind;
  const Date day = this->kDay;
  EXPECT_FALSE(this->LatestId(day, std::nullopt).has_value());
  domain::AggregationRun intraday = this->Succeed(this->Create(RunKind::kIntraday));
  EXPECT_EQ(this->LatestId(day, std::nullopt), intraday.run_id);  // no eod yet: the newest intraday
  domain::AggregationRun eod = this->Succeed(this->Create(RunKind::kEod));
  domain::AggregationRun later_intraday = this->Succeed(this->Create(RunKind::kIntraday));
  this->Create(RunKind::kEod);  // queued: not a result
  domain::AggregationRun failed = this->Create(RunKind::kIntraday);
  failed.status = domain::RunStatus::kFailed;
  ASSERT_TRUE(this->store_->UpdateRun(failed).ok());

  EXPECT_EQ(this->LatestId(day, std::nullopt), eod.run_id);
  EXPECT_EQ(this->LatestId(day, RunKind::kIntraday), later_intraday.run_id);
  EXPECT_EQ(this->LatestId(day, RunKind::kEod), eod.run_id);
  domain::AggregationRun eod2 = this->Succeed(this->Create(RunKind::kEod));
  EXPECT_EQ(this->LatestId(day, RunKind::kEod), eod2.run_id);
  EXPECT_EQ(this->LatestId(day, std::nullopt), eod2.run_id);
  EXPECT_FALSE(this->LatestId(day + 1, std::nullopt).has_value());
  EXPECT_FALSE(this->LatestId(day - 1, RunKind::kIntraday).has_value());

  // The run comes whole, as FindRun has it.
  domain::AggregationRun filled = TestFixture::Filled(this->Create(RunKind::kEod));
  filled.status = domain::RunStatus::kSucceeded;
  ASSERT_TRUE(this->store_->SaveResult(filled, {}).ok());
  auto latest = this->store_->LatestSucceededRun(day, std::nullopt);
  ASSERT_TRUE(latest.ok() && latest->has_value()) << latest.status().ToString();
  TestFixture::ExpectSameRun(**latest, filled);
}

// --- results ---

TYPED_TEST_P(ExposureStoreContract, ResultsComeBackExactlySortedAndFiltered) {
  using domain::ExposureLevel;
  using testing::MakeExposureRow;
  domain::ExposureRow reporting = MakeExposureRow(ExposureLevel::kReporting, "A", "", "USD");
  reporting.missing_rates = {"CHF", "JPY"};
  std::vector<domain::ExposureRow> rows = {
      MakeExposureRow(ExposureLevel::kParticipant, "B", "", "USD"),
      MakeExposureRow(ExposureLevel::kInstrument, "A", "US0378331005", "USD"),
      reporting,
      MakeExposureRow(ExposureLevel::kParticipant, "A", "", "GBP"),
      MakeExposureRow(ExposureLevel::kCounterparty, "A", "GAMMA", "USD"),
      MakeExposureRow(ExposureLevel::kInstrument, "A", "GB0002634946", "USD"),
  };
  domain::AggregationRun run = this->Succeed(this->Create(domain::RunKind::kEod), rows);
  domain::AggregationRun other = this->Succeed(this->Create(domain::RunKind::kEod), {rows[0]});

  // Sorted by level, participant, key, currency; every total exact (128-bit quantities).
  std::vector<domain::ExposureRow> all = this->Load(run.run_id);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0], rows[5]);
  EXPECT_EQ(all[1], rows[1]);
  EXPECT_EQ(all[2], rows[4]);
  EXPECT_EQ(all[3], rows[3]);
  EXPECT_EQ(all[4], rows[0]);
  EXPECT_EQ(all[5], reporting);
  EXPECT_EQ(all[5].missing_rates, (std::vector<std::string>{"CHF", "JPY"}));
  EXPECT_TRUE(all[0].missing_rates.empty());

  std::vector<domain::ExposureRow> a = this->Load(run.run_id, ExposureLevel::kParticipant, std::string("A"));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a.front().currency, "GBP");
  EXPECT_EQ(this->Load(run.run_id, ExposureLevel::kInstrument).size(), 2u);
  EXPECT_EQ(this->Load(run.run_id, std::nullopt, std::string("B")).size(), 1u);
  EXPECT_TRUE(this->Load(run.run_id, ExposureLevel::kReporting, std::string("B")).empty());
  EXPECT_EQ(this->Load(other.run_id).size(), 1u);  // each run has its own
  EXPECT_TRUE(this->Load(other.run_id + 1000).empty());

  // The run's final record is saved with its rows.
  EXPECT_EQ(this->Find(run.run_id)->status, domain::RunStatus::kSucceeded);
  // Saving again replaces, never duplicates.
  ASSERT_TRUE(this->store_->SaveResult(run, std::vector<domain::ExposureRow>{rows[0]}).ok());
  EXPECT_EQ(this->Load(run.run_id), (std::vector<domain::ExposureRow>{rows[0]}));
}

TYPED_TEST_P(ExposureStoreContract, TradesPerSideComeBack) {
  domain::AggregationRun run =
      this->Succeed(this->Create(domain::RunKind::kEod),
                    {testing::MakeExposureRow(domain::ExposureLevel::kParticipant, "A", "", "USD")});
  std::vector<domain::ExposureRow> rows = this->Load(run.run_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.front().totals.buy_trades, 7);
  EXPECT_EQ(rows.front().totals.sell_trades, 1);
  EXPECT_EQ(rows.front().totals.trade_count, 8);
  EXPECT_TRUE(rows.front().totals.side_counts_known());
  EXPECT_EQ(rows.front().totals.buy_quantity, (int128{1} << 70) + 3);
  EXPECT_EQ(rows.front().totals.sell_notional, Decimal::FromUnits(1));
}

TYPED_TEST_P(ExposureStoreContract, SavingTheResultOfAnUnknownRunStoresNothing) {
  domain::AggregationRun run = this->Create(domain::RunKind::kEod);
  run.run_id += 1000;
  run.status = domain::RunStatus::kSucceeded;
  Status saved = this->store_->SaveResult(
      run, std::vector<domain::ExposureRow>{testing::MakeExposureRow(domain::ExposureLevel::kParticipant, "A", "", "USD")});
  EXPECT_FALSE(saved.ok());
  EXPECT_TRUE(this->Load(run.run_id).empty());  // neither the run nor its rows
  EXPECT_FALSE(this->Find(run.run_id).has_value());
}

TYPED_TEST_P(ExposureStoreContract, HistoryHoldsTheParticipantRowsOfSucceededRunsOldestFirst) {
  using domain::ExposureLevel;
  using domain::RunKind;
  using testing::MakeExposureRow;
  const Date day = this->kDay;
  std::vector<domain::ExposureRow> rows = {MakeExposureRow(ExposureLevel::kInstrument, "A", "US0378331005", "USD"),
                                           MakeExposureRow(ExposureLevel::kCounterparty, "A", "GAMMA", "USD"),
                                           MakeExposureRow(ExposureLevel::kReporting, "A", "", "USD"),
                                           MakeExposureRow(ExposureLevel::kParticipant, "A", "", "USD"),
                                           MakeExposureRow(ExposureLevel::kParticipant, "B", "", "USD")};
  domain::AggregationRun first = this->Succeed(this->Create(RunKind::kIntraday), rows);
  this->Create(RunKind::kIntraday);  // still queued: not in the history
  domain::AggregationRun eod = this->Succeed(this->Create(RunKind::kEod, day + 1), rows);
  domain::AggregationRun second = this->Succeed(this->Create(RunKind::kIntraday), rows);
  this->Succeed(this->Create(RunKind::kIntraday, day + 3), rows);  // another date

  auto history = this->store_->LoadHistory({day, day + 1, std::string("A")});
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].run.run_id, first.run_id);
  EXPECT_EQ((*history)[1].run.run_id, eod.run_id);
  EXPECT_EQ((*history)[2].run.run_id, second.run_id);
  EXPECT_EQ((*history)[2].run.status, domain::RunStatus::kSucceeded);
  for (const HistoryPoint& point : *history) {
    ASSERT_EQ(point.rows.size(), 2u);  // A's participant and reporting rows, in that order
    EXPECT_EQ(point.rows[0], rows[3]);
    EXPECT_EQ(point.rows[1], rows[2]);
  }

  history = this->store_->LoadHistory({day, day, std::nullopt});
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 2u);
  ASSERT_EQ(history->front().rows.size(), 3u);  // sorted: participant A, B, then reporting
  EXPECT_EQ(history->front().rows[0], rows[3]);
  EXPECT_EQ(history->front().rows[1], rows[4]);
  EXPECT_EQ(history->front().rows[2], rows[2]);

  history = this->store_->LoadHistory({day - 5, day - 1, std::nullopt});
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->empty());
}

// --- FX rates ---

TYPED_TEST_P(ExposureStoreContract, FxRatesAreReplacedPerDate) {
  const Date day = this->kDay;
  auto none = this->store_->GetFxRates(day);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->to_reporting.empty());
  EXPECT_FALSE(none->updated_at.has_value());  // never loaded

  domain::FxRates rates;
  rates.to_reporting = {{"EUR", testing::Dec("1.0843")}, {"GBP", testing::Dec("1.26999999")},
                        {"JPY", testing::Dec("0.00000001")}, {"KWD", testing::Dec("999999.99999999")}};
  ASSERT_TRUE(this->store_->PutFxRates(day, rates, this->kNow).ok());
  domain::FxRates other;
  other.to_reporting = {{"CHF", testing::Dec("1.13")}};
  const Timestamp later = Timestamp::FromMicros(this->kNow.micros() + 1);
  ASSERT_TRUE(this->store_->PutFxRates(day + 1, other, later).ok());

  auto loaded = this->store_->GetFxRates(day);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->to_reporting, rates.to_reporting);  // exact decimals
  EXPECT_EQ(loaded->to_reporting.at("GBP").ToString(), "1.26999999");
  EXPECT_EQ(loaded->updated_at, std::optional<Timestamp>(this->kNow));
  EXPECT_EQ(this->store_->GetFxRates(day + 1)->updated_at, std::optional<Timestamp>(later));

  // Replaced, not merged; the other date keeps its own.
  ASSERT_TRUE(this->store_->PutFxRates(day, other, later).ok());
  EXPECT_EQ(this->store_->GetFxRates(day)->to_reporting, other.to_reporting);
  EXPECT_EQ(this->store_->GetFxRates(day)->updated_at, std::optional<Timestamp>(later));
  EXPECT_EQ(this->store_->GetFxRates(day + 1)->to_reporting, other.to_reporting);
  EXPECT_TRUE(this->store_->GetFxRates(day - 1)->to_reporting.empty());
}

// --- persistence ---

TYPED_TEST_P(ExposureStoreContract, RunsResultsAndRatesSurviveReopening) {
  using domain::RunKind;
  domain::AggregationRun eod = TestFixture::Filled(this->Create(RunKind::kEod));
  eod.status = domain::RunStatus::kSucceeded;
  std::vector<domain::ExposureRow> rows = {
      testing::MakeExposureRow(domain::ExposureLevel::kParticipant, "A", "", "USD")};
  ASSERT_TRUE(this->store_->SaveResult(eod, rows).ok());
  domain::FxRates rates;
  rates.to_reporting = {{"EUR", testing::Dec("1.0843")}};
  ASSERT_TRUE(this->store_->PutFxRates(this->kDay, rates, this->kNow).ok());
  // A backend that does not persist has nothing to reopen: the rest holds on the same store.
  if (TypeParam::kPersists) this->Reopen();

  std::optional<domain::AggregationRun> found = this->Find(eod.run_id);
  ASSERT_TRUE(found.has_value());
  TestFixture::ExpectSameRun(*found, eod);
  EXPECT_EQ(this->Load(eod.run_id), rows);
  EXPECT_EQ(this->store_->GetFxRates(this->kDay)->to_reporting, rates.to_reporting);
  // Ids and eod versions go on from what is stored.
  domain::AggregationRun next = this->Create(RunKind::kEod);
  EXPECT_GT(next.run_id, eod.run_id);
  EXPECT_EQ(next.version, eod.version + 1);
}

REGISTER_TYPED_TEST_SUITE_P(ExposureStoreContract, RunsGetIdsAndEodRunsGetVersionsPerDate, TimeTravelRequestsAreKept,
                            EveryFieldOfARunSurvivesARoundTrip, UnfinishedRunsFailAtTheNextStart,
                            ListsNewestFirstWithFiltersAndACursor, TheLatestSucceededRunPrefersEodWithoutAKind,
                            ResultsComeBackExactlySortedAndFiltered, TradesPerSideComeBack,
                            SavingTheResultOfAnUnknownRunStoresNothing,
                            HistoryHoldsTheParticipantRowsOfSucceededRunsOldestFirst, FxRatesAreReplacedPerDate,
                            RunsResultsAndRatesSurviveReopening);

}  // namespace tradeagg::store
