// MongoExposureStore against a real server (FerretDB): the ExposureStore contract, and what is
// the MongoDB store's own - ids and eod versions taken by concurrent instances on one database, a
// SaveResult that wrote its rows but never published them, runs failed only by their owner, the
// document layout.
#include "tradeagg/store/mongo/mongo_exposure_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "store/exposure_store_contract.h"
#include "testing/ferretdb_server.h"
#include "tradeagg/core/fault_injector.h"
#include "tradeagg/store/mongo/mongo_client.h"
#include "tradeagg/store/mongo/mongo_run_document.h"

namespace tradeagg::store {
namespace {

using domain::AggregationRun;
using domain::ExposureLevel;
using domain::ExposureRow;
using domain::RunKind;
using domain::RunStatus;

const Date kDay = Date::FromCivil(2026, 11, 24);
const Timestamp kNow = Timestamp::FromMicros(1'795'512'600'000'001);

Decimal D(const char* text) { return *Decimal::Parse(text); }

ExposureRow Row(ExposureLevel level, std::string participant, std::string key, std::string currency) {
  ExposureRow row{level, std::move(participant), std::move(key), std::move(currency), {}, {}};
  row.totals.AddSums(domain::Side::kBuy, (int128{1} << 70) + 3, D("123456789012345678901.12345678"), 7);
  row.totals.AddSums(domain::Side::kSell, 5, D("0.00000001"), 1);
  return row;
}

std::vector<ExposureRow> SomeRows() {
  ExposureRow reporting = Row(ExposureLevel::kReporting, "A", "", "USD");
  reporting.missing_rates = {"CHF", "JPY"};
  return {Row(ExposureLevel::kInstrument, "A", "US0378331005", "USD"), Row(ExposureLevel::kParticipant, "A", "", "USD"),
          Row(ExposureLevel::kParticipant, "B", "", "USD"), reporting};
}

domain::RunRequest Request(RunKind kind, Date date = kDay) { return {date, kind, "tester", std::nullopt, std::nullopt}; }

Bson RunIdIs(int64_t run_id) {
  Bson filter;
  filter.Append("run_id", run_id);
  return filter;
}

// A fresh database per fixture; each Open() connects a new client to it (kept for the fixture's
// life, as the composition root keeps its one) and opens the store as the same instance, as a
// restarted tradeagg would.
class MongoExposures {
 public:
  Result<std::unique_ptr<ExposureStore>> Open() {
    ASSIGN_OR_RETURN(std::unique_ptr<MongoClient> client, testing::ConnectToSharedFerretDb(database_));
    clients_.push_back(std::move(client));
    ASSIGN_OR_RETURN(auto store, MongoExposureStore::Open(*clients_.back(), {"contract"}));
    return std::unique_ptr<ExposureStore>(std::move(store));
  }
  static constexpr bool kPersists = true;

 private:
  std::string database_ = testing::UniqueDatabaseName("mongo-exposures");
  std::vector<std::unique_ptr<MongoClient>> clients_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Mongo, ExposureStoreContract, ::testing::Types<MongoExposures>);

// Two instances (a client and a store each) on one fresh database.
class MongoExposureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Connect(first_client_, first_, "first"));
    ASSERT_NO_FATAL_FAILURE(Connect(second_client_, second_, "second"));
  }
  void TearDown() override { FaultInjector::Global().Arm("results.save.before_commit", 0); }

  void Connect(std::unique_ptr<MongoClient>& client, std::unique_ptr<MongoExposureStore>& store, std::string instance) {
    auto connected = testing::ConnectToSharedFerretDb(database_);
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    client = std::move(connected).value();
    auto opened = MongoExposureStore::Open(*client, {std::move(instance)});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store = std::move(opened).value();
  }

  AggregationRun Create(MongoExposureStore& store, RunKind kind, Date date = kDay) {
    auto run = store.CreateRun(Request(kind, date), kNow);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : AggregationRun{};
  }

  static AggregationRun Succeeded(AggregationRun run) {
    run.status = RunStatus::kSucceeded;
    run.finished_at = kNow;
    run.differences = {{ExposureLevel::kParticipant, "A", "", "USD", "trade_count", "8", "7"}};
    run.difference_count = 1;
    return run;
  }

  int64_t StoredRows(int64_t run_id) {
    auto count = first_client_->Count("exposures", RunIdIs(run_id));
    EXPECT_TRUE(count.ok()) << count.status().ToString();
    return count.ok() ? *count : -1;
  }

  std::string database_ = testing::UniqueDatabaseName("mongo-exposures");
  std::unique_ptr<MongoClient> first_client_;
  std::unique_ptr<MongoClient> second_client_;
  std::unique_ptr<MongoExposureStore> first_;
  std::unique_ptr<MongoExposureStore> second_;
};

TEST_F(MongoExposureStoreTest, ConcurrentInstancesGetDistinctRunIdsAndEodVersions) {
  constexpr int kPerInstance = 8;
  std::vector<AggregationRun> runs[2];
  std::atomic<int> ready{0};
  auto create = [&](MongoExposureStore* store, std::vector<AggregationRun>* out) {
    ++ready;
    while (ready.load() < 2) std::this_thread::yield();
    for (int i = 0; i < kPerInstance; ++i) {
      auto run = store->CreateRun(Request(i % 4 == 3 ? RunKind::kIntraday : RunKind::kEod), kNow);
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      out->push_back(*run);
    }
  };
  std::thread a(create, first_.get(), &runs[0]);
  std::thread b(create, second_.get(), &runs[1]);
  a.join();
  b.join();

  std::set<int64_t> ids;
  std::set<int32_t> versions;
  size_t eod = 0;
  for (const auto& list : runs) {
    for (const AggregationRun& run : list) {
      ids.insert(run.run_id);
      if (run.request.kind != RunKind::kEod) continue;
      ++eod;
      versions.insert(run.version);
    }
  }
  EXPECT_EQ(ids.size(), 2u * kPerInstance);
  EXPECT_EQ(versions.size(), eod);  // no two eod runs of the date share a version
  EXPECT_EQ(*versions.begin(), 1);
  EXPECT_EQ(*versions.rbegin(), static_cast<int32_t>(eod));  // and none was skipped
  // What each store answered is what is stored.
  for (const auto& list : runs) {
    for (const AggregationRun& run : list) {
      auto found = first_->FindRun(run.run_id);
      ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
      EXPECT_EQ((*found)->version, run.version);
      EXPECT_EQ((*found)->request.kind, run.request.kind);
    }
  }
}

TEST_F(MongoExposureStoreTest, AVersionClaimedByAnInstanceThatDiedBeforeItsRunIsSkipped) {
  Bson slot;
  slot.Append("_id", "eod:" + kDay.ToString() + ":1").Append("claim", "dead");
  ASSERT_TRUE(first_client_->InsertOne("run_version_slots", slot).ok());
  EXPECT_EQ(Create(*first_, RunKind::kEod).version, 2);
  EXPECT_EQ(Create(*second_, RunKind::kEod).version, 3);
}

TEST_F(MongoExposureStoreTest, RowsWrittenButNeverPublishedStayInvisibleAndARetrySucceeds) {
  const std::vector<ExposureRow> rows = SomeRows();
  AggregationRun run = Create(*first_, RunKind::kEod);
  FaultInjector::Global().Arm("results.save.before_commit", 1);
  EXPECT_EQ(first_->SaveResult(Succeeded(run), rows).code(), StatusCode::kUnavailable);

  EXPECT_EQ(StoredRows(run.run_id), static_cast<int64_t>(rows.size()));  // written...
  auto seen = second_->LoadExposures({run.run_id, std::nullopt, std::nullopt});
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_TRUE(seen->empty());  // ... but not visible
  auto found = second_->FindRun(run.run_id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->status, RunStatus::kQueued);
  EXPECT_TRUE((*found)->differences.empty());
  EXPECT_FALSE(second_->LatestSucceededRun(kDay, std::nullopt)->has_value());
  EXPECT_TRUE(second_->LoadHistory({kDay, kDay, std::nullopt})->empty());

  ASSERT_TRUE(first_->SaveResult(Succeeded(run), rows).ok());
  seen = second_->LoadExposures({run.run_id, std::nullopt, std::nullopt});
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  ASSERT_EQ(seen->size(), rows.size());
  EXPECT_EQ((*seen)[0], rows[0]);
  EXPECT_EQ((*seen)[3], rows[3]);
  EXPECT_EQ(StoredRows(run.run_id), static_cast<int64_t>(rows.size()));  // the orphans are gone
  found = second_->FindRun(run.run_id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->status, RunStatus::kSucceeded);
  EXPECT_EQ((*found)->differences, Succeeded(run).differences);
}

TEST_F(MongoExposureStoreTest, SavingAgainReplacesTheRowsAndTheDifferencesAndLeavesNothingBehind) {
  const std::vector<ExposureRow> rows = SomeRows();
  AggregationRun run = Succeeded(Create(*first_, RunKind::kIntraday));
  ASSERT_TRUE(first_->SaveResult(run, rows).ok());
  run.differences.clear();
  ASSERT_TRUE(first_->SaveResult(run, std::vector<ExposureRow>{rows[1]}).ok());
  auto seen = first_->LoadExposures({run.run_id, std::nullopt, std::nullopt});
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(seen->front(), rows[1]);
  EXPECT_EQ(StoredRows(run.run_id), 1);
  EXPECT_TRUE((*first_->FindRun(run.run_id))->differences.empty());
  EXPECT_EQ(*first_client_->Count("run_differences", RunIdIs(run.run_id)), 0);
}

TEST_F(MongoExposureStoreTest, AnUpdateKeepsOneDifferencesDocument) {
  AggregationRun run = Succeeded(Create(*first_, RunKind::kEod));
  ASSERT_TRUE(first_->UpdateRun(run).ok());
  run.differences.push_back({ExposureLevel::kReporting, "A", "", "USD", "buy_notional", "", "1"});
  ASSERT_TRUE(first_->UpdateRun(run).ok());
  EXPECT_EQ((*second_->FindRun(run.run_id))->differences, run.differences);
  EXPECT_EQ(*first_client_->Count("run_differences", RunIdIs(run.run_id)), 1);
}

TEST_F(MongoExposureStoreTest, AnInstanceFailsOnlyItsOwnUnfinishedRuns) {
  AggregationRun mine = Create(*first_, RunKind::kIntraday);
  AggregationRun theirs = Create(*second_, RunKind::kIntraday);
  theirs.status = RunStatus::kRunning;
  ASSERT_TRUE(second_->UpdateRun(theirs).ok());
  auto failed = first_->FailUnfinishedRuns("interrupted", kNow);
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(*failed, 1);
  EXPECT_EQ((*first_->FindRun(mine.run_id))->status, RunStatus::kFailed);
  EXPECT_EQ((*first_->FindRun(mine.run_id))->error, "interrupted");
  EXPECT_EQ((*first_->FindRun(theirs.run_id))->status, RunStatus::kRunning);
  EXPECT_EQ(*second_->FailUnfinishedRuns("interrupted", kNow), 1);
}

TEST_F(MongoExposureStoreTest, TheLatestEodRunIsTheHighestVersionEvenWithASmallerId) {
  // Two instances may number a later version with a smaller id (version first, then id).
  for (auto [id, version] : {std::pair<int64_t, int32_t>{10, 1}, {5, 2}}) {
    AggregationRun run = Succeeded(AggregationRun{});
    run.run_id = id;
    run.version = version;
    run.request = Request(RunKind::kEod);
    ASSERT_TRUE(first_client_->InsertOne("aggregation_runs", NewRunDocument(run, "first", "test")).ok());
  }
  auto latest = first_->LatestSucceededRun(kDay, std::nullopt);
  ASSERT_TRUE(latest.ok() && latest->has_value()) << latest.status().ToString();
  EXPECT_EQ((*latest)->run_id, 5);
  EXPECT_EQ(Create(*first_, RunKind::kIntraday).run_id, 11);  // above the highest id
}

TEST_F(MongoExposureStoreTest, DocumentsKeepMoneyAsExactTextAndTimesTwice) {
  const std::vector<ExposureRow> rows = {Row(ExposureLevel::kParticipant, "A", "", "USD")};
  AggregationRun run = Create(*first_, RunKind::kEod);
  ASSERT_TRUE(first_->SaveResult(Succeeded(run), rows).ok());
  int seen = 0;
  ASSERT_TRUE(first_client_->Find("exposures", RunIdIs(run.run_id), Bson(), [&](const Bson& doc) {
    ++seen;
    EXPECT_EQ(doc.GetString("buy_notional"), "123456789012345678901.12345678");
    EXPECT_EQ(doc.GetString("buy_quantity"), "1180591620717411303427");
    EXPECT_EQ(doc.GetString("sell_notional"), "0.00000001");
  }).ok());
  EXPECT_EQ(seen, 1);
  Bson id;
  id.Append("_id", run.run_id);
  ASSERT_TRUE(first_client_->Find("aggregation_runs", id, Bson(), [&](const Bson& doc) {
    ++seen;
    EXPECT_EQ(doc.GetString("business_date"), "2026-11-24");
    EXPECT_EQ(doc.GetInt64("requested_at_us"), kNow.micros());
    EXPECT_EQ(doc.GetDateTime("requested_at"), kNow.micros() / 1000);
    EXPECT_EQ(doc.GetString("owner"), "first");
  }).ok());
  EXPECT_EQ(seen, 2);
  domain::FxRates rates;
  rates.to_reporting = {{"EUR", D("1.08430001")}};
  ASSERT_TRUE(first_->PutFxRates(kDay, rates, kNow).ok());
  auto read = second_->GetFxRates(kDay);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->to_reporting, rates.to_reporting);
  EXPECT_EQ(read->updated_at, kNow);
}

TEST_F(MongoExposureStoreTest, OpeningNeedsAnInstanceId) {
  EXPECT_EQ(MongoExposureStore::Open(*first_client_, {""}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(MongoExposureStoreTest, OnlyTheTwoIndexesAreCreated) {
  auto runs = first_client_->IndexNames("aggregation_runs");
  auto exposures = first_client_->IndexNames("exposures");
  ASSERT_TRUE(runs.ok() && exposures.ok());
  EXPECT_EQ(std::set<std::string>(runs->begin(), runs->end()),
            (std::set<std::string>{"_id_", "aggregation_runs_business_date"}));
  EXPECT_EQ(std::set<std::string>(exposures->begin(), exposures->end()),
            (std::set<std::string>{"_id_", "exposures_run_id"}));
}

}  // namespace
}  // namespace tradeagg::store
