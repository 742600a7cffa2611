#include "tradeagg/lake/iceberg/table_scan.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"
#include "test_table.h"

namespace tradeagg::lake::iceberg {
namespace {

constexpr int32_t kMonday = 20'416;  // 2025-11-24
const int32_t kDateField = trades_field::kBusinessDate;

std::string DateBound(int32_t days) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<char>(static_cast<uint32_t>(days) >> (8 * i));
  return out;
}

std::set<std::string> Paths(const ScanPlan& plan) {
  std::set<std::string> paths;
  for (const DataFile& file : plan.files) paths.insert(file.file_path);
  return paths;
}

class TableScanTest : public TestTable {
 protected:
  void SetUp() override {
    TestTable::SetUp();
    CreateTable({{std::string(kMaxSnapshotAgeProperty), "100000000000"}});
  }
  ScanPlan Plan(SnapshotSelector selector, std::optional<DateFilter> filter) {
    Result<ScanPlan> plan = PlanScan(*store_, Load().metadata, selector, filter);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return plan.ok() ? *plan : ScanPlan{};
  }
};

TEST_F(TableScanTest, AnEmptyTablePlansNothing) {
  ScanPlan plan = Plan({}, std::nullopt);
  EXPECT_FALSE(plan.snapshot.has_value());
  EXPECT_TRUE(plan.files.empty());
}

TEST_F(TableScanTest, ADateFilterSkipsManifestsAndFilesOfOtherDates) {
  const int64_t t = LaterMs();
  Append({FakeFile("mon-1", kMonday, 10)}, t);                                 // a manifest of Monday only
  Append({FakeFile("tue-1", kMonday + 1, 20), FakeFile("mon-2", kMonday, 5)}, t + 1);  // both dates
  Append({FakeFile("wed-1", kMonday + 2, 30)}, t + 2);
  ScanPlan all = Plan({}, std::nullopt);
  EXPECT_EQ(all.files.size(), 4u);
  EXPECT_EQ(all.record_count, 65);

  ScanPlan monday = Plan({}, DateFilter{kDateField, Date::FromDays(kMonday), Date::FromDays(kMonday)});
  EXPECT_EQ(Paths(monday), (std::set<std::string>{"file:///data/mon-1.parquet", "file:///data/mon-2.parquet"}));
  EXPECT_EQ(monday.record_count, 15);
  EXPECT_EQ(monday.manifests_total, 3);
  EXPECT_EQ(monday.manifests_skipped, 1);  // Wednesday's
  EXPECT_EQ(monday.files_pruned, 1);       // Tuesday's file in the mixed manifest

  ScanPlan from_tuesday = Plan({}, DateFilter{kDateField, Date::FromDays(kMonday + 1), std::nullopt});
  EXPECT_EQ(Paths(from_tuesday), (std::set<std::string>{"file:///data/tue-1.parquet", "file:///data/wed-1.parquet"}));
}

TEST_F(TableScanTest, ColumnBoundsPruneWhereThePartitionDoesNotTell) {
  // Files filtered on a date column that is not the partition source: only their bounds decide.
  DataFile inside = FakeFile("inside", kMonday, 1);
  inside.lower_bounds[trades_field::kTradeTime] = DateBound(kMonday);
  inside.upper_bounds[trades_field::kTradeTime] = DateBound(kMonday + 1);
  DataFile outside = FakeFile("outside", kMonday, 1);
  outside.lower_bounds[trades_field::kTradeTime] = DateBound(kMonday + 5);
  outside.upper_bounds[trades_field::kTradeTime] = DateBound(kMonday + 6);
  DataFile unknown = FakeFile("unknown", kMonday, 1);
  Append({inside, outside, unknown}, LaterMs());
  ScanPlan plan = Plan({}, DateFilter{trades_field::kTradeTime, Date::FromDays(kMonday + 1), Date::FromDays(kMonday + 2)});
  EXPECT_EQ(Paths(plan), (std::set<std::string>{"file:///data/inside.parquet", "file:///data/unknown.parquet"}));
  EXPECT_EQ(plan.files_pruned, 1);
}

TEST_F(TableScanTest, TimeTravelBySnapshotId) {
  const int64_t t = LaterMs();
  const int64_t first = Append({FakeFile("a", kMonday, 1)}, t, "1");
  const int64_t second = Append({FakeFile("b", kMonday, 2)}, t + 1000, "3");
  EXPECT_EQ(Plan({first, std::nullopt}, std::nullopt).files.size(), 1u);
  EXPECT_EQ(Plan({second, std::nullopt}, std::nullopt).files.size(), 2u);
  EXPECT_EQ(Plan({}, std::nullopt).snapshot->snapshot_id, second);
  EXPECT_EQ(PlanScan(*store_, Load().metadata, {12345, std::nullopt}, std::nullopt).status().code(),
            StatusCode::kNotFound);
}

// Metadata alone, with commit times in the past: created at 1,000,000 ms, snapshots 100 ms apart.
TableMetadata History(int snapshots) {
  TableMetadata m = *NewTradesTableMetadata("file:///w/t", "8d6f3c1e-0f43-4a8e-9d7b-1f2a3b4c5d6e", 1'000'000);
  for (int i = 0; i < snapshots; ++i) {
    SnapshotAppend a;
    a.snapshot_id = 100 + i;
    a.manifest_list = "file:///w/t/metadata/snap-" + std::to_string(i) + ".avro";
    a.timestamp_ms = 1'000'100 + i * 100;
    m = *AppendSnapshot(m, "file:///w/t/metadata/0000" + std::to_string(i) + "-x.metadata.json", a);
  }
  return m;
}

Result<const Snapshot*> At(const TableMetadata& metadata, int64_t ms) {
  return SelectSnapshot(metadata, {std::nullopt, Timestamp::FromMicros(ms * 1000)});
}

TEST(SelectSnapshotTest, AnInstantReadsTheSnapshotThatWasCurrentThen) {
  const TableMetadata m = History(3);  // at 1,000,100 / 200 / 300
  EXPECT_EQ(*At(m, 1'000'050), nullptr);  // before the first commit: empty
  EXPECT_EQ((*At(m, 1'000'100))->snapshot_id, 100);
  EXPECT_EQ((*At(m, 1'000'299))->snapshot_id, 101);
  EXPECT_EQ((*At(m, 1'000'300))->snapshot_id, 102);
  EXPECT_EQ((*At(m, 1'500'000))->snapshot_id, 102);
  EXPECT_EQ(At(m, Timestamp::Now().micros() / 1000 + 3'600'000).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*SelectSnapshot(History(0), {std::nullopt, Timestamp::FromMicros(1'000'000'000)}), nullptr);
}

TEST(SelectSnapshotTest, AnInstantInExpiredHistoryIsRefused) {
  TableMetadata m = History(3);
  m.properties[std::string(kMaxSnapshotAgeProperty)] = "150";
  ExpireSnapshots(m, 1'000'360);  // keeps what is younger than 150 ms: only 102 (at 300)
  ASSERT_EQ(m.snapshots.size(), 1u);
  auto old = At(m, 1'000'150);
  EXPECT_EQ(old.status().code(), StatusCode::kInvalidArgument) << old.status().ToString();
  EXPECT_NE(old.status().message().find("expired"), std::string::npos);
  EXPECT_EQ((*At(m, 1'000'300))->snapshot_id, 102);  // the unbroken history still reads
  EXPECT_EQ((*SelectSnapshot(m, {102, std::nullopt}))->snapshot_id, 102);
}

}  // namespace
}  // namespace tradeagg::lake::iceberg
