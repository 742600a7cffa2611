#include "tradeagg/lake/iceberg/merge_append.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/manifest.h"
#include "tradeagg/lake/iceberg/manifest_list.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"
#include "test_table.h"

namespace tradeagg::lake::iceberg {
namespace {

constexpr int64_t kNowMs = 1'795'000'000'000;
const TableIdentifier kTrades = kTestTrades;
int64_t Later() { return LaterMs(); }

// What a reader finds when it follows the current snapshot: every live data file with the data
// sequence number and snapshot id it inherits or carries.
struct LiveFile {
  int64_t sequence_number;
  int64_t snapshot_id;
  ManifestEntryStatus status;
};

class MergeAppendTest : public TestTable {
 protected:
  // Appends one file per call (named after the call) and commits; returns the snapshot id.
  int64_t AppendOne(int n, int64_t now_ms) {
    return Append({FakeFile("f" + std::to_string(n), 20'000 + n % 3, n + 1)}, now_ms, std::to_string(n));
  }

  ManifestList CurrentList() {
    Result<LoadedTable> table = catalog_->LoadTable(kTrades);
    EXPECT_TRUE(table.ok());
    auto key = store_->KeyForUri(table->metadata.CurrentSnapshot()->manifest_list);
    auto list = ReadManifestList(*store_->Get(*key));
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return *list;
  }

  std::map<std::string, LiveFile> LiveFiles() {
    std::map<std::string, LiveFile> files;
    for (const ManifestFile& listed : CurrentList().manifests) {
      auto manifest = ReadManifest(*store_->Get(*store_->KeyForUri(listed.manifest_path)));
      EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
      for (const ManifestEntry& entry : manifest->entries) {
        EXPECT_NE(entry.status, ManifestEntryStatus::kDeleted);
        bool fresh = files
                         .emplace(entry.data_file.file_path,
                                  LiveFile{entry.sequence_number.value_or(listed.sequence_number),
                                           entry.snapshot_id.value_or(listed.added_snapshot_id), entry.status})
                         .second;
        EXPECT_TRUE(fresh) << entry.data_file.file_path << " is listed twice";
      }
    }
    return files;
  }
};

TEST_F(MergeAppendTest, WithoutMergingEveryAppendAddsAManifest) {
  CreateTable({{std::string(kManifestMergeEnabledProperty), "false"}});
  for (int n = 0; n < 12; ++n) AppendOne(n, Later() + n);
  EXPECT_EQ(CurrentList().manifests.size(), 12u);
  EXPECT_EQ(LiveFiles().size(), 12u);
}

TEST_F(MergeAppendTest, ManyManifestsAreMergedAndEveryFileKeepsItsSequenceNumberAndSnapshot) {
  CreateTable({{std::string(kManifestMinCountToMergeProperty), "5"}});
  std::vector<int64_t> snapshot_of;
  for (int n = 0; n < 23; ++n) snapshot_of.push_back(AppendOne(n, Later() + n));

  ManifestList list = CurrentList();
  EXPECT_LT(list.manifests.size(), 5u) << "the list should have been merged down";
  std::map<std::string, LiveFile> files = LiveFiles();
  ASSERT_EQ(files.size(), 23u);
  for (int n = 0; n < 23; ++n) {
    const LiveFile& file = files.at("file:///data/f" + std::to_string(n) + ".parquet");
    EXPECT_EQ(file.sequence_number, n + 1) << n;  // the snapshot that added it was the (n+1)th
    EXPECT_EQ(file.snapshot_id, snapshot_of[static_cast<size_t>(n)]) << n;
  }
  // The newest file is the only one the current snapshot added.
  EXPECT_EQ(files.at("file:///data/f22.parquet").status, ManifestEntryStatus::kAdded);
  EXPECT_EQ(files.at("file:///data/f0.parquet").status, ManifestEntryStatus::kExisting);

  int64_t rows = 0;
  for (const ManifestFile& m : list.manifests) rows += m.added_rows_count + m.existing_rows_count;
  EXPECT_EQ(rows, 23 * 24 / 2);
  Result<LoadedTable> table = catalog_->LoadTable(kTrades);
  EXPECT_EQ(table->metadata.CurrentSnapshot()->SummaryInt(summary::kTotalRecords), 23 * 24 / 2);
}

TEST_F(MergeAppendTest, SnapshotsPastTheRetentionAreExpiredWithTheirManifestLists) {
  CreateTable({{std::string(kMaxSnapshotAgeProperty), "1000"}});
  std::vector<std::string> old_lists;
  const int64_t start = Later();
  for (int n = 0; n < 4; ++n) AppendOne(n, start + n);
  Result<LoadedTable> before = catalog_->LoadTable(kTrades);
  for (const Snapshot& s : before->metadata.snapshots) old_lists.push_back(*store_->KeyForUri(s.manifest_list));

  AppendOne(4, start + 5000);  // the first four are now more than a second old
  Result<LoadedTable> after = catalog_->LoadTable(kTrades);
  ASSERT_EQ(after->metadata.snapshots.size(), 1u);
  EXPECT_EQ(after->metadata.snapshot_log.size(), 1u);
  for (const std::string& key : old_lists) EXPECT_FALSE(*store_->Exists(key)) << key;
  // Expiring snapshots never drops data: the current snapshot still lists every file.
  EXPECT_EQ(LiveFiles().size(), 5u);
}

TEST_F(MergeAppendTest, NothingToAppendIsRefused) {
  CreateTable({});
  Result<LoadedTable> base = catalog_->LoadTable(kTrades);
  MergeAppend append(*store_, *base);
  EXPECT_EQ(append.Prepare(Later()).status().code(), StatusCode::kInvalidArgument);
}

// --- ExpireSnapshots on metadata alone ---

TableMetadata WithSnapshots(int count, int64_t spacing_ms) {
  TableMetadata m = *NewTradesTableMetadata("file:///w/t", "8d6f3c1e-0f43-4a8e-9d7b-1f2a3b4c5d6e", kNowMs);
  m.properties[std::string(kMaxSnapshotAgeProperty)] = "10000";
  for (int i = 0; i < count; ++i) {
    SnapshotAppend a;
    a.snapshot_id = 100 + i;
    a.manifest_list = "file:///w/t/metadata/snap-" + std::to_string(100 + i) + ".avro";
    a.timestamp_ms = kNowMs + i * spacing_ms;
    m = *AppendSnapshot(m, "file:///w/t/metadata/0000" + std::to_string(i) + "-x.metadata.json", a);
  }
  return m;
}

TEST(ExpireSnapshotsTest, KeepsYoungSnapshotsRefsAndTheNewestAncestors) {
  TableMetadata m = WithSnapshots(10, 1000);  // at kNowMs, +1 s, ... +9 s
  m.refs["eod-2026-11-24"] = SnapshotRef{102, "tag", std::nullopt, std::nullopt, std::nullopt};
  m.properties[std::string(kMinSnapshotsToKeepProperty)] = "2";
  std::vector<Snapshot> expired = ExpireSnapshots(m, kNowMs + 15'500);  // keeps those after +5.5 s
  std::set<int64_t> left;
  for (const Snapshot& s : m.snapshots) left.insert(s.snapshot_id);
  EXPECT_EQ(left, (std::set<int64_t>{102, 106, 107, 108, 109}));
  EXPECT_EQ(expired.size(), 5u);
  // The log keeps only the unbroken history after the last expired snapshot.
  ASSERT_EQ(m.snapshot_log.size(), 4u);
  EXPECT_EQ(m.snapshot_log.front().snapshot_id, 106);
  EXPECT_TRUE(m.Validate().ok());
}

TEST(ExpireSnapshotsTest, TheCurrentSnapshotSurvivesAnyAgeAndOldTagsGo) {
  TableMetadata m = WithSnapshots(3, 1000);
  m.refs["old"] = SnapshotRef{100, "tag", std::nullopt, std::nullopt, int64_t{5000}};
  ExpireSnapshots(m, kNowMs + 1'000'000);
  ASSERT_EQ(m.snapshots.size(), 1u);
  EXPECT_EQ(m.snapshots[0].snapshot_id, 102);
  EXPECT_FALSE(m.refs.contains("old"));
  EXPECT_TRUE(m.refs.contains("main"));
}

TEST(ExpireSnapshotsTest, NothingExpiresWithinTheRetention) {
  TableMetadata m = WithSnapshots(5, 10);
  TableMetadata before = m;
  EXPECT_TRUE(ExpireSnapshots(m, kNowMs + 100).empty());
  EXPECT_EQ(m, before);
}

}  // namespace
}  // namespace tradeagg::lake::iceberg
