#include "tradeagg/lake/iceberg/snapshot_tag.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/lake/iceberg/orphan_files.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"
#include "tradeagg/lake/iceberg/table_scan.h"
#include "test_table.h"

namespace tradeagg::lake::iceberg {
namespace {

constexpr int32_t kMonday = 20'416;
constexpr int64_t kSecond = 1000;
constexpr int64_t kWeekMs = 7 * 86'400'000LL;
const RetryPolicy kNoWait{5, std::chrono::milliseconds(0), std::chrono::milliseconds(0)};

class SnapshotTagTest : public TestTable {
 protected:
  void SetUp() override {
    TestTable::SetUp();
    interfering_ = std::make_unique<InterferingCatalog>(*catalog_);
  }

  Status Tag(std::string_view name, int64_t snapshot_id, std::optional<int64_t> max_ref_age_ms = std::nullopt) {
    return TagSnapshot(*interfering_, *store_, kTestTrades, name, snapshot_id, max_ref_age_ms, kNoWait);
  }

  std::set<int64_t> SnapshotIds() {
    std::set<int64_t> ids;
    const LoadedTable table = Load();
    for (const Snapshot& s : table.metadata.snapshots) ids.insert(s.snapshot_id);
    return ids;
  }

  // A real (if tiny) file under the table's data directory, so the orphan sweep sees it.
  DataFile StoredFile(const std::string& name) {
    const std::string key = "tradeagg.db/trades/data/business_date=2025-11-24/" + name + ".parquet";
    EXPECT_TRUE(store_->Put(key, "not really parquet").ok());
    DataFile file = FakeFile(name, kMonday, 1);
    file.file_path = store_->Uri(key);
    return file;
  }
  bool Stored(const DataFile& file) { return *store_->Exists(*store_->KeyForUri(file.file_path)); }

  std::unique_ptr<InterferingCatalog> interfering_;
};

TEST_F(SnapshotTagTest, TagsASnapshotInOneCommitAndIsIdempotent) {
  CreateTable();
  const int64_t t = LaterMs();
  const int64_t first = Append({FakeFile("a", kMonday, 1)}, t);
  const int64_t second = Append({FakeFile("b", kMonday, 1)}, t + 1);
  ASSERT_TRUE(Tag("eod-2025-11-24", first, kWeekMs).ok());
  const LoadedTable tagged = Load();
  EXPECT_EQ(tagged.metadata.refs.at("eod-2025-11-24"),
            (SnapshotRef{first, "tag", std::nullopt, std::nullopt, kWeekMs}));
  EXPECT_EQ(tagged.metadata.current_snapshot_id, second);
  EXPECT_EQ(interfering_->commits, 1);

  // Again: nothing to commit, and the first tag's age is kept.
  ASSERT_TRUE(Tag("eod-2025-11-24", first).ok());
  EXPECT_EQ(interfering_->commits, 1);
  EXPECT_EQ(Load().metadata_location, tagged.metadata_location);
}

TEST_F(SnapshotTagTest, ATakenNameAnUnknownSnapshotAndBadArgumentsAreRefused) {
  CreateTable();
  const int64_t t = LaterMs();
  const int64_t first = Append({FakeFile("a", kMonday, 1)}, t);
  const int64_t second = Append({FakeFile("b", kMonday, 1)}, t + 1);
  ASSERT_TRUE(Tag("eod", first).ok());
  EXPECT_EQ(Tag("eod", second).code(), StatusCode::kAlreadyExists) << "a tag never moves";
  EXPECT_EQ(Tag("other", 12345).code(), StatusCode::kNotFound);
  EXPECT_EQ(Tag("main", first).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Tag("", first).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Tag("x", first, int64_t{0}).code(), StatusCode::kInvalidArgument);
  {
    LoadedTable base = Load();
    TableMetadata branched = *SetRef(base.metadata, base.metadata_location, "audit", {first, "branch", {}, {}, {}}, t);
    ASSERT_TRUE(CommitMetadata(*catalog_, *store_, kTestTrades, base, branched).result.committed());
  }
  EXPECT_EQ(Tag("audit", first).code(), StatusCode::kAlreadyExists) << "a branch is not a tag";
  EXPECT_EQ(Load().metadata.refs.at("eod").snapshot_id, first);
  EXPECT_EQ(TagSnapshot(*catalog_, *store_, {"tradeagg", "nope"}, "t", first, std::nullopt, kNoWait).code(),
            StatusCode::kNotFound);
}

TEST_F(SnapshotTagTest, AConflictIsRetriedOnTheReloadedTable) {
  CreateTable();
  const int64_t t = LaterMs();
  const int64_t first = Append({FakeFile("a", kMonday, 1)}, t);
  int64_t rival = 0;
  interfering_->before_next_commit = [&] { rival = Append({FakeFile("rival", kMonday, 1)}, t + 1); };
  ASSERT_TRUE(Tag("eod", first).ok());
  EXPECT_EQ(interfering_->commits, 2);
  const LoadedTable table = Load();
  EXPECT_EQ(table.metadata.refs.at("eod").snapshot_id, first);
  EXPECT_EQ(table.metadata.current_snapshot_id, rival) << "the rival's append is kept";
}

TEST_F(SnapshotTagTest, AnUnknownOutcomeIsSettledByRereadingTheTable) {
  CreateTable();
  const int64_t first = Append({FakeFile("a", kMonday, 1)}, LaterMs());
  // The swap happened but the reply was lost: the reread finds the tag.
  FaultInjector::Global().Arm("catalog.commit.lost_reply", 1);
  ASSERT_TRUE(Tag("made", first).ok());
  EXPECT_EQ(interfering_->commits, 1);
  EXPECT_EQ(Load().metadata.refs.at("made").snapshot_id, first);
  // The swap did not happen: the reread finds no tag, and the attempt is made again.
  interfering_->lose_next_commit = true;
  ASSERT_TRUE(Tag("retried", first).ok());
  EXPECT_EQ(interfering_->commits, 3);
  EXPECT_EQ(Load().metadata.refs.at("retried").snapshot_id, first);
  EXPECT_EQ(Load().metadata.refs.at("made").snapshot_id, first);
}

TEST_F(SnapshotTagTest, AppendsKeepTheTagAndExpiryKeepsTheTaggedSnapshotWhileTheTagLives) {
  CreateTable({{std::string(kMaxSnapshotAgeProperty), "1000"}});
  const int64_t t = LaterMs();
  const int64_t tagged = Append({FakeFile("a", kMonday, 1)}, t);
  const int64_t untagged = Append({FakeFile("b", kMonday, 1)}, t + 1);
  ASSERT_TRUE(Tag("eod", tagged, 10 * kSecond).ok());

  // Five seconds later both are past the table's retention: only the tagged one stays.
  const int64_t third = Append({FakeFile("c", kMonday, 1)}, t + 5 * kSecond);
  EXPECT_EQ(SnapshotIds(), (std::set<int64_t>{tagged, third}));
  EXPECT_EQ(Load().metadata.refs.at("eod").snapshot_id, tagged);
  EXPECT_FALSE(Load().metadata.FindSnapshot(untagged));
  Result<ScanPlan> plan = PlanScan(*store_, Load().metadata, {tagged, std::nullopt}, std::nullopt);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->files.size(), 1u) << "the tagged snapshot is still readable";

  // Past the tag's own max-ref-age-ms the tag is dropped, and its snapshot expires with it.
  const int64_t fourth = Append({FakeFile("d", kMonday, 1)}, t + 11 * kSecond);
  EXPECT_FALSE(Load().metadata.refs.contains("eod"));
  EXPECT_EQ(SnapshotIds(), (std::set<int64_t>{fourth}));
}

TEST_F(SnapshotTagTest, TheOrphanSweepKeepsTheFilesOfATaggedOtherwiseExpiredSnapshot) {
  CreateTable({{std::string(kMaxSnapshotAgeProperty), "1000"}});
  const int64_t t = LaterMs();
  const DataFile kept = StoredFile("kept");
  const DataFile dropped = StoredFile("dropped");
  const int64_t tagged = Append({kept}, t);
  ASSERT_TRUE(Tag("eod", tagged, 20 * kSecond).ok());
  // Two overwrites: afterwards no manifest of the current snapshot names `kept` any more, and
  // only the tag keeps the snapshot (and so the file) from expiry and the sweep.
  Overwrite({dropped}, t + 1);
  Overwrite({StoredFile("current")}, t + 5 * kSecond);
  // `dropped` is named only by the expired middle snapshot (its manifest) and, as a deleted
  // entry, by the current one.
  ASSERT_EQ(SnapshotIds().size(), 2u);
  Result<size_t> swept = RemoveOrphanFiles(*store_, Load(), std::chrono::milliseconds(0));
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_TRUE(Stored(kept)) << "reachable from the tagged snapshot";

  // Once the tag has expired (at the next commit), the file goes at the next sweep.
  Overwrite({StoredFile("later")}, t + 30 * kSecond);
  EXPECT_FALSE(Load().metadata.refs.contains("eod"));
  swept = RemoveOrphanFiles(*store_, Load(), std::chrono::milliseconds(0));
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_FALSE(Stored(kept));
  EXPECT_FALSE(Stored(dropped));
}

}  // namespace
}  // namespace tradeagg::lake::iceberg
