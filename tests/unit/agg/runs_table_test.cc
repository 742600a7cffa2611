#include "tradeagg/agg/runs_table.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/engine/database.h"
#include "tradeagg/engine/query_result.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"
#include "tradeagg/lake/iceberg/sql_catalog.h"
#include "tradeagg/lake/iceberg/table_scan.h"
#include "tradeagg/lake/iceberg/trades_table.h"
#include "tradeagg/lake/local/local_object_store.h"

namespace tradeagg::agg {
namespace {

namespace iceberg = lake::iceberg;
using domain::AggregationRun;
using domain::ReconciliationStatus;
using domain::RunKind;
using domain::RunStatus;

const Date kMonday = Date::FromCivil(2026, 11, 23);
const Date kTuesday = Date::FromCivil(2026, 11, 24);
const Timestamp kRequested = Timestamp::FromMicros(1'795'500'000'000'000);
const iceberg::TableIdentifier kRuns{"tradeagg", "runs"};

AggregationRun MakeRun(int64_t id, Date date, RunKind kind, int32_t version, RunStatus status) {
  AggregationRun run;
  run.run_id = id;
  run.request.business_date = date;
  run.request.kind = kind;
  run.request.requested_by = "test";
  run.version = version;
  run.status = status;
  run.requested_at = Timestamp::FromMicros(kRequested.micros() + id * 1'000'000);
  return run;
}

// Run 1: a reconciled eod run with everything set; run 2: a failed intraday time-travel run
// (no request seq, no snapshot, an error); run 3: a succeeded intraday run; run 4: an eod run
// still running.
std::vector<AggregationRun> FirstState() {
  AggregationRun eod = MakeRun(1, kMonday, RunKind::kEod, 1, RunStatus::kSucceeded);
  eod.request_seq = 100;
  eod.watermark = 104;
  eod.trades = 60;
  eod.store_trades = 60;
  eod.snapshot_id = 111;
  eod.trades_tag = "eod-2026-11-23-v1";
  eod.exposures_snapshot_id = 211;
  eod.reconciliation = ReconciliationStatus::kMatched;
  eod.finished_at = Timestamp::FromMicros(eod.requested_at.micros() + 5'000'000);
  AggregationRun failed = MakeRun(2, kTuesday, RunKind::kIntraday, 1, RunStatus::kFailed);
  failed.request.as_of_snapshot_id = 111;
  failed.reconciliation = ReconciliationStatus::kDifferences;
  failed.difference_count = 2;
  failed.finished_at = Timestamp::FromMicros(failed.requested_at.micros() + 1'000'000);
  failed.error = "the lake lags the store";
  AggregationRun intraday = MakeRun(3, kTuesday, RunKind::kIntraday, 1, RunStatus::kSucceeded);
  intraday.request_seq = 150;
  intraday.watermark = 150;
  intraday.trades = 30;
  intraday.store_trades = 30;
  AggregationRun running = MakeRun(4, kTuesday, RunKind::kEod, 1, RunStatus::kRunning);
  return {eod, failed, intraday, running};
}

// Late trades make run 1 stale; run 4 succeeds; run 5 (the re-run of Monday) is queued.
std::vector<AggregationRun> SecondState() {
  std::vector<AggregationRun> runs = FirstState();
  runs[0].missing_trades = 3;
  runs[3].status = RunStatus::kSucceeded;
  runs[3].finished_at = Timestamp::FromMicros(runs[3].requested_at.micros() + 2'000'000);
  runs.push_back(MakeRun(5, kMonday, RunKind::kEod, 2, RunStatus::kQueued));
  return runs;
}

std::string Micros(const AggregationRun& run, int64_t plus_seconds) {
  return std::to_string(run.requested_at.micros() + plus_seconds * 1'000'000);
}

class RunsTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "tradeagg-runs-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = std::filesystem::canonical(dir);
    auto store = lake::LocalObjectStore::Open(dir_ / "warehouse");
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    iceberg::SqlCatalog::Options options;
    options.db_path = dir_ / "catalog.db";
    auto catalog = iceberg::SqlCatalog::Open(options, store_.get());
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::move(catalog).value();
    auto db = engine::Database::OpenInMemory();
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    auto connection = db_.Connect();
    ASSERT_TRUE(connection.ok());
    connection_ = std::make_unique<engine::Connection>(std::move(connection).value());
    writer_ = std::make_unique<RunsTableWriter>(*catalog_, *store_, *connection_, dir_ / "staging");
    ASSERT_TRUE(writer_->Open(false).ok());
  }
  void TearDown() override {
    writer_.reset();
    connection_.reset();
    catalog_.reset();
    std::filesystem::remove_all(dir_);
  }

  iceberg::LoadedTable Load() { return *catalog_->LoadTable(kRuns); }

  int64_t Publish(const std::vector<AggregationRun>& runs) {
    Result<int64_t> id = writer_->Publish(runs, Timestamp::Now());
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  // The table's rows as of a snapshot (current when none), as text "v|v|..." in schema order
  // ("-" for null; timestamps as epoch microseconds), by run id.
  std::vector<std::string> Rows(std::optional<int64_t> snapshot_id = std::nullopt) {
    Result<iceberg::ScanPlan> plan = iceberg::PlanScan(*store_, Load().metadata, {snapshot_id, std::nullopt}, std::nullopt);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (!plan.ok() || plan->files.empty()) return {};
    std::string files;
    for (const iceberg::DataFile& file : plan->files) {
      files += (files.empty() ? "" : ", ") + engine::QuoteLiteral(store_->LocalCopy(*store_->KeyForUri(file.file_path))->string());
    }
    std::string row;
    const iceberg::LoadedTable table = Load();
    for (const iceberg::SchemaField& field : table.metadata.CurrentSchema()->fields) {
      const bool timestamp = field.type.id == iceberg::TypeId::kTimestampTz;
      const std::string value = timestamp ? "CAST(epoch_us(" + field.name + ") AS VARCHAR)" : "CAST(" + field.name + " AS VARCHAR)";
      row += (row.empty() ? "" : " || '|' || ") + ("coalesce(" + value + ", '-')");
    }
    Result<engine::QueryResult> result =
        connection_->Query("SELECT " + row + " FROM read_parquet([" + files + "]) ORDER BY run_id");
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    std::vector<std::string> rows;
    for (uint64_t i = 0; result.ok() && i < result->row_count(); ++i) rows.push_back(*result->GetString(0, i));
    return rows;
  }

  std::filesystem::path dir_;
  std::unique_ptr<lake::LocalObjectStore> store_;
  std::unique_ptr<iceberg::SqlCatalog> catalog_;
  engine::Database db_;
  std::unique_ptr<engine::Connection> connection_;
  std::unique_ptr<RunsTableWriter> writer_;
};

TEST(RunsTableDefinitionTest, ColumnsHaveTheirOwnFieldIdsAndTheTableIsUnpartitioned) {
  const iceberg::TableDefinition definition = RunsTableDefinition();
  const std::vector<std::string> names = {
      "run_id",       "business_date",      "kind",          "version",
      "status",       "stale",              "missing_trades", "latest",
      "request_seq",  "watermark",          "trades",        "store_trades",
      "trades_snapshot_id", "trades_tag",   "exposures_snapshot_id", "reconciliation",
      "difference_count", "requested_at",   "finished_at",   "error"};
  const std::set<std::string> optional = {"request_seq", "trades_snapshot_id", "trades_tag",
                                          "exposures_snapshot_id", "finished_at", "error"};
  ASSERT_EQ(definition.schema.fields.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const iceberg::SchemaField& field = definition.schema.fields[i];
    EXPECT_EQ(field.name, names[i]);
    EXPECT_EQ(field.id, iceberg::runs_field::kRunId + static_cast<int32_t>(i)) << field.name;
    EXPECT_EQ(field.required, !optional.contains(field.name)) << field.name;
  }
  EXPECT_EQ(definition.schema.FindField("stale")->type.ToString(), "boolean");
  EXPECT_EQ(definition.schema.FindField("version")->type.ToString(), "int");
  EXPECT_EQ(definition.schema.FindField("finished_at")->type.ToString(), "timestamptz");
  EXPECT_EQ(definition.schema.FindField("business_date")->type.ToString(), "date");
  EXPECT_TRUE(definition.spec.unpartitioned());
  EXPECT_EQ(definition.properties.at(std::string(iceberg::kMaxSnapshotAgeProperty)), "3600000");
  EXPECT_TRUE(definition.schema.Validate().ok());
}

TEST(LatestRunIdsTest, TheNewestSucceededRunOfEachKindAndDate) {
  std::vector<AggregationRun> runs = {
      MakeRun(1, kMonday, RunKind::kEod, 1, RunStatus::kSucceeded),
      MakeRun(2, kMonday, RunKind::kEod, 2, RunStatus::kSucceeded),
      MakeRun(3, kMonday, RunKind::kEod, 3, RunStatus::kFailed),       // not succeeded: v2 stays latest
      MakeRun(4, kMonday, RunKind::kIntraday, 1, RunStatus::kSucceeded),
      MakeRun(6, kMonday, RunKind::kIntraday, 1, RunStatus::kSucceeded),  // intraday: the last one
      MakeRun(5, kMonday, RunKind::kIntraday, 1, RunStatus::kSucceeded),
      MakeRun(7, kTuesday, RunKind::kEod, 1, RunStatus::kSucceeded),
      MakeRun(8, kTuesday, RunKind::kIntraday, 1, RunStatus::kRunning),  // none succeeded on Tuesday
  };
  runs[6].missing_trades = 4;  // stale, and still the latest until its re-run succeeds
  EXPECT_EQ(LatestRunIds(runs), (std::set<int64_t>{2, 6, 7}));
  EXPECT_TRUE(LatestRunIds({}).empty());
}

TEST_F(RunsTableTest, APublishShowsExactlyTheListItWasGiven) {
  const std::vector<AggregationRun> first = FirstState();
  const int64_t snapshot = Publish(first);
  EXPECT_EQ(Load().metadata.current_snapshot_id, snapshot);
  EXPECT_EQ(Rows(), (std::vector<std::string>{
                        "1|2026-11-23|eod|1|succeeded|false|0|true|100|104|60|60|111|eod-2026-11-23-v1|211|matched|0|" +
                            Micros(first[0], 0) + "|" + Micros(first[0], 5) + "|-",
                        "2|2026-11-24|intraday|1|failed|false|0|false|-|0|0|0|-|-|-|differences|2|" +
                            Micros(first[1], 0) + "|" + Micros(first[1], 1) + "|the lake lags the store",
                        "3|2026-11-24|intraday|1|succeeded|false|0|true|150|150|30|30|-|-|-|pending|0|" +
                            Micros(first[2], 0) + "|-|-",
                        "4|2026-11-24|eod|1|running|false|0|false|-|0|0|0|-|-|-|pending|0|" + Micros(first[3], 0) + "|-|-",
                    }));
  const iceberg::Snapshot s = *Load().metadata.CurrentSnapshot();
  EXPECT_EQ(s.operation, "overwrite");
  EXPECT_EQ(s.SummaryInt(iceberg::summary::kAddedRecords), 4);
  EXPECT_EQ(s.SummaryInt(iceberg::summary::kTotalRecords), 4);
  EXPECT_EQ(s.SummaryInt(iceberg::summary::kTotalDataFiles), 1);
}

TEST_F(RunsTableTest, ASecondPublishReplacesTheFirstWhichTimeTravelStillReads) {
  const int64_t first = Publish(FirstState());
  const std::vector<std::string> first_rows = Rows();
  const std::vector<AggregationRun> second_state = SecondState();
  const int64_t second = Publish(second_state);

  const std::vector<std::string> rows = Rows();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].substr(0, rows[0].find("|100|")), "1|2026-11-23|eod|1|succeeded|true|3|true")
      << "stale now, and still the latest Monday eod until version 2 succeeds";
  EXPECT_EQ(rows[3], "4|2026-11-24|eod|1|succeeded|false|0|true|-|0|0|0|-|-|-|pending|0|" +
                         Micros(second_state[3], 0) + "|" + Micros(second_state[3], 2) + "|-");
  EXPECT_EQ(rows[4], "5|2026-11-23|eod|2|queued|false|0|false|-|0|0|0|-|-|-|pending|0|" +
                         Micros(second_state[4], 0) + "|-|-");
  EXPECT_EQ(Rows(first), first_rows);

  const iceberg::Snapshot s = *Load().metadata.CurrentSnapshot();
  EXPECT_EQ(s.snapshot_id, second);
  EXPECT_EQ(s.parent_snapshot_id, first);
  EXPECT_EQ(s.SummaryInt(iceberg::summary::kDeletedRecords), 4);
  EXPECT_EQ(s.SummaryInt(iceberg::summary::kDeletedDataFiles), 1);
  EXPECT_EQ(s.SummaryInt(iceberg::summary::kTotalRecords), 5);
  EXPECT_EQ(s.SummaryInt(iceberg::summary::kTotalDataFiles), 1);
}

TEST_F(RunsTableTest, AnEmptyListLeavesAnEmptyTableWithoutADataFile) {
  Publish(FirstState());
  const int64_t empty = Publish({});
  EXPECT_EQ(Load().metadata.current_snapshot_id, empty);
  EXPECT_TRUE(Rows().empty());
  EXPECT_EQ(Load().metadata.CurrentSnapshot()->SummaryInt(iceberg::summary::kTotalRecords), 0);
  EXPECT_EQ(Load().metadata.CurrentSnapshot()->SummaryInt(iceberg::summary::kAddedDataFiles), 0);
}

TEST_F(RunsTableTest, TheParquetFileCarriesTheFieldIds) {
  Publish(FirstState());
  Result<iceberg::ScanPlan> plan = iceberg::PlanScan(*store_, Load().metadata, {}, std::nullopt);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->files.size(), 1u);
  const iceberg::DataFile& file = plan->files[0];
  EXPECT_TRUE(file.partition_dates.empty());
  EXPECT_EQ(file.record_count, 4);
  EXPECT_EQ(file.value_counts.at(iceberg::runs_field::kError), 4);
  EXPECT_EQ(file.null_value_counts.at(iceberg::runs_field::kError), 3);
  const std::string path = store_->LocalCopy(*store_->KeyForUri(file.file_path))->string();
  auto schema = connection_->Query("SELECT name, field_id FROM parquet_schema(" + engine::QuoteLiteral(path) +
                                   ") WHERE field_id IS NOT NULL ORDER BY field_id");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const iceberg::Schema table_schema = RunsTableDefinition().schema;
  ASSERT_EQ(schema->row_count(), table_schema.fields.size());
  for (uint64_t i = 0; i < schema->row_count(); ++i) {
    EXPECT_EQ(*schema->GetString(0, i), table_schema.fields[i].name);
    EXPECT_EQ(*schema->GetInt64(1, i), table_schema.fields[i].id);
  }
}

TEST_F(RunsTableTest, ARunListedTwiceIsRefusedAndNothingIsCommitted) {
  std::vector<AggregationRun> runs = FirstState();
  runs.push_back(runs[0]);
  EXPECT_EQ(writer_->Publish(runs, Timestamp::Now()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Load().metadata.current_snapshot_id.has_value());
}

TEST_F(RunsTableTest, AnUnknownOutcomeIsSettledByFindingTheSnapshot) {
  FaultInjector::Global().Arm("catalog.commit.lost_reply", 1);
  const int64_t id = Publish(FirstState());
  EXPECT_EQ(Load().metadata.current_snapshot_id, id);
  EXPECT_EQ(Rows().size(), 4u);
}

TEST_F(RunsTableTest, AFailedPublishLeavesNoDataFileAndTheOwnerSweepsOrphans) {
  Publish(FirstState());
  const std::string data_dir = "tradeagg.db/runs/data/";
  ASSERT_EQ(store_->List(data_dir)->size(), 1u);
  FaultInjector::Global().Arm("catalog.commit.before_update", 5);  // every attempt fails
  EXPECT_EQ(writer_->Publish(SecondState(), Timestamp::Now()).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store_->List(data_dir)->size(), 1u);
  EXPECT_EQ(Rows().size(), 4u);

  ASSERT_TRUE(store_->Put(data_dir + "stray.parquet", "left by a crash").ok());
  ASSERT_TRUE(writer_->Open(/*remove_orphans=*/true).ok());
  EXPECT_FALSE(*store_->Exists(data_dir + "stray.parquet"));
  EXPECT_EQ(Rows().size(), 4u);
}

}  // namespace
}  // namespace tradeagg::agg
