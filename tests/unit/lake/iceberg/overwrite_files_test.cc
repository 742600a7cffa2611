#include "tradeagg/lake/iceberg/overwrite_files.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/lake/iceberg/manifest.h"
#include "tradeagg/lake/iceberg/manifest_list.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"
#include "tradeagg/lake/iceberg/snapshot_producer.h"
#include "tradeagg/lake/iceberg/table_scan.h"
#include "test_table.h"

namespace tradeagg::lake::iceberg {
namespace {

constexpr int32_t kMonday = 20'416;

std::set<std::string> Paths(const ScanPlan& plan) {
  std::set<std::string> paths;
  for (const DataFile& file : plan.files) paths.insert(file.file_path);
  return paths;
}

std::string PathOf(const std::string& name) { return "file:///data/" + name + ".parquet"; }

class OverwriteFilesTest : public TestTable {
 protected:
  // Every snapshot kept unless a test says otherwise.
  void Create(std::map<std::string, std::string, std::less<>> properties = {}) {
    properties.emplace(std::string(kMaxSnapshotAgeProperty), "100000000000");
    CreateTable(std::move(properties));
  }

  ScanPlan Plan(SnapshotSelector selector = {}) {
    Result<ScanPlan> plan = PlanScan(*store_, Load().metadata, selector, std::nullopt);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return plan.ok() ? *plan : ScanPlan{};
  }

  // The current snapshot's manifests, each with its entries.
  std::vector<std::pair<ManifestFile, Manifest>> CurrentManifests() {
    std::vector<std::pair<ManifestFile, Manifest>> out;
    Result<std::vector<ManifestFile>> listed = ReadCurrentManifests(*store_, Load().metadata);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    for (const ManifestFile& file : *listed) {
      Result<Manifest> manifest = ReadManifest(*store_->Get(*store_->KeyForUri(file.manifest_path)));
      EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
      out.emplace_back(file, *manifest);
    }
    return out;
  }

  size_t MetadataFiles() { return store_->List("tradeagg.db/trades/metadata/")->size(); }
};

TEST_F(OverwriteFilesTest, ReplacesEveryLiveFileAndDeletedEntriesKeepTheirSequenceNumbers) {
  Create();
  const int64_t t = LaterMs();
  const int64_t first = Append({FakeFile("a", kMonday, 10), FakeFile("b", kMonday + 1, 20)}, t);
  const int64_t second = Append({FakeFile("c", kMonday + 1, 5)}, t + 1);
  const int64_t overwrite = Overwrite({FakeFile("new", kMonday + 2, 7)}, t + 2);

  const LoadedTable table = Load();
  const Snapshot& snapshot = *table.metadata.CurrentSnapshot();
  EXPECT_EQ(snapshot.snapshot_id, overwrite);
  EXPECT_EQ(snapshot.operation, "overwrite");
  EXPECT_EQ(snapshot.parent_snapshot_id, second);
  EXPECT_EQ(snapshot.sequence_number, 3);
  EXPECT_EQ(table.metadata.refs.at("main").snapshot_id, overwrite);
  EXPECT_EQ(table.metadata.snapshot_log.back().snapshot_id, overwrite);
  EXPECT_EQ(table.metadata.metadata_log.size(), 3u);
  EXPECT_EQ(snapshot.summary, (std::map<std::string, std::string, std::less<>>{
                                  {"added-data-files", "1"},
                                  {"added-files-size", "1007"},
                                  {"added-records", "7"},
                                  {"deleted-data-files", "3"},
                                  {"deleted-records", "35"},
                                  {"removed-files-size", "3035"},
                                  {"changed-partition-count", "3"},  // Monday and Tuesday deleted, Wednesday added
                                  {"total-data-files", "1"},
                                  {"total-delete-files", "0"},
                                  {"total-equality-deletes", "0"},
                                  {"total-files-size", "1007"},
                                  {"total-position-deletes", "0"},
                                  {"total-records", "7"},
                              }));

  // One manifest: the new file ADDED, the old ones DELETED by this snapshot with the
  // sequence numbers of the snapshots that added them.
  auto manifests = CurrentManifests();
  ASSERT_EQ(manifests.size(), 1u);
  const auto& [listed, manifest] = manifests[0];
  EXPECT_EQ(listed.added_snapshot_id, overwrite);
  EXPECT_EQ(listed.sequence_number, 3);
  EXPECT_EQ(listed.added_files_count, 1);
  EXPECT_EQ(listed.deleted_files_count, 3);
  EXPECT_EQ(listed.deleted_rows_count, 35);
  EXPECT_EQ(listed.min_sequence_number, 3) << "over live entries only";
  std::map<std::string, ManifestEntry> entries;
  for (const ManifestEntry& entry : manifest.entries) entries[entry.data_file.file_path] = entry;
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries.at(PathOf("new")).status, ManifestEntryStatus::kAdded);
  EXPECT_EQ(entries.at(PathOf("new")).snapshot_id, overwrite);
  const std::map<std::string, int64_t> added_at = {{"a", 1}, {"b", 1}, {"c", 2}};
  for (const auto& [name, sequence_number] : added_at) {
    const ManifestEntry& entry = entries.at(PathOf(name));
    EXPECT_EQ(entry.status, ManifestEntryStatus::kDeleted) << name;
    EXPECT_EQ(entry.snapshot_id, overwrite) << name;
    EXPECT_EQ(entry.sequence_number, sequence_number) << name;
    EXPECT_EQ(entry.file_sequence_number, sequence_number) << name;
  }

  // Readers of the new snapshot see only the new file; time travel still sees the old ones.
  EXPECT_EQ(Paths(Plan()), (std::set<std::string>{PathOf("new")}));
  EXPECT_EQ(Paths(Plan({second, std::nullopt})), (std::set<std::string>{PathOf("a"), PathOf("b"), PathOf("c")}));
  EXPECT_EQ(Paths(Plan({first, std::nullopt})), (std::set<std::string>{PathOf("a"), PathOf("b")}));
}

TEST_F(OverwriteFilesTest, MergedManifestsAreDeletedWithTheSequenceNumbersTheyCarry) {
  Create({{"commit.manifest.min-count-to-merge", "3"}});
  const int64_t t = LaterMs();
  for (int n = 0; n < 5; ++n) Append({FakeFile("f" + std::to_string(n), kMonday, n + 1)}, t + n);
  Overwrite({}, t + 10);
  auto manifests = CurrentManifests();
  ASSERT_EQ(manifests.size(), 1u);
  ASSERT_EQ(manifests[0].second.entries.size(), 5u);
  for (const ManifestEntry& entry : manifests[0].second.entries) {
    const int n = entry.data_file.file_path[std::string("file:///data/f").size()] - '0';
    EXPECT_EQ(entry.status, ManifestEntryStatus::kDeleted);
    EXPECT_EQ(entry.sequence_number, n + 1) << entry.data_file.file_path;
  }
  EXPECT_TRUE(Plan().files.empty());
  EXPECT_EQ(Load().metadata.CurrentSnapshot()->SummaryInt(summary::kTotalRecords), 0);
  EXPECT_EQ(Load().metadata.CurrentSnapshot()->SummaryInt(summary::kDeletedRecords), 15);
}

TEST_F(OverwriteFilesTest, AnOverwriteWithNothingToAddLeavesAnEmptyTableThatAppendsGrowAgain) {
  Create();
  const int64_t t = LaterMs();
  Append({FakeFile("a", kMonday, 10)}, t);
  Overwrite({}, t + 1);
  EXPECT_TRUE(Plan().files.empty());
  EXPECT_EQ(Load().metadata.CurrentSnapshot()->SummaryInt(summary::kTotalDataFiles), 0);
  Append({FakeFile("b", kMonday, 3)}, t + 2);
  EXPECT_EQ(Paths(Plan()), (std::set<std::string>{PathOf("b")}));
  const Snapshot after = *Load().metadata.CurrentSnapshot();
  EXPECT_EQ(after.operation, "append");
  EXPECT_EQ(after.SummaryInt(summary::kTotalRecords), 3);
  EXPECT_FALSE(after.summary.contains("deleted-data-files")) << "appends do not count deletions";
}

TEST_F(OverwriteFilesTest, OnAnEmptyTableWithNothingToAddTheListIsEmpty) {
  Create();
  const int64_t id = Overwrite({}, LaterMs());
  EXPECT_TRUE(CurrentManifests().empty());
  const Snapshot snapshot = *Load().metadata.CurrentSnapshot();
  EXPECT_EQ(snapshot.snapshot_id, id);
  EXPECT_EQ(snapshot.SummaryInt(summary::kChangedPartitionCount), 0);
  EXPECT_EQ(snapshot.SummaryInt(summary::kTotalRecords), 0);
  EXPECT_TRUE(Plan().files.empty());
}

TEST_F(OverwriteFilesTest, KeepsTagsAndAppliesRetention) {
  Create();
  const int64_t t = LaterMs();
  const int64_t first = Append({FakeFile("a", kMonday, 1)}, t);
  Append({FakeFile("b", kMonday, 1)}, t + 1);
  {
    LoadedTable base = Load();
    TableMetadata tagged = *SetRef(base.metadata, base.metadata_location, "keep", {first, "tag", {}, {}, {}}, t + 2);
    tagged.properties[std::string(kMaxSnapshotAgeProperty)] = "1000";
    ASSERT_TRUE(CommitMetadata(*catalog_, *store_, kTestTrades, base, tagged).result.committed());
  }
  LoadedTable base = Load();
  OverwriteFiles overwrite(*store_, base);
  overwrite.AddFile(FakeFile("c", kMonday, 1));
  Result<PreparedSnapshot> prepared = overwrite.Prepare(t + 5000);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->expired_manifest_lists.size(), 1u) << "the untagged, old second snapshot";
  std::set<int64_t> left;
  for (const Snapshot& s : prepared->updated.snapshots) left.insert(s.snapshot_id);
  EXPECT_EQ(left, (std::set<int64_t>{first, prepared->snapshot_id}));
  EXPECT_EQ(prepared->updated.refs.at("keep").snapshot_id, first);
  EXPECT_EQ(prepared->updated.refs.at("main").snapshot_id, prepared->snapshot_id);
}

TEST_F(OverwriteFilesTest, ARetryAfterAConflictDeletesWhatTheOtherWriterAdded) {
  Create();
  const int64_t t = LaterMs();
  Append({FakeFile("a", kMonday, 1)}, t);
  const size_t files_before = MetadataFiles();
  int attempts = 0;
  Result<int64_t> committed = CommitSnapshot(*catalog_, *store_, kTestTrades, [&](const LoadedTable& base) {
    if (++attempts == 1) Append({FakeFile("rival", kMonday, 1)}, t + 1);  // commits first
    OverwriteFiles overwrite(*store_, base);
    overwrite.AddFile(FakeFile("mine", kMonday, 1));
    return overwrite.Prepare(t + 2);
  });
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(Load().metadata.current_snapshot_id, *committed);
  EXPECT_EQ(Paths(Plan()), (std::set<std::string>{PathOf("mine")}));
  EXPECT_EQ(Load().metadata.CurrentSnapshot()->SummaryInt(summary::kDeletedDataFiles), 2);
  // The rival's commit wrote 3 files (manifest, list, metadata), ours 3 more; the failed
  // attempt's files are gone.
  EXPECT_EQ(MetadataFiles(), files_before + 6);
}

TEST_F(OverwriteFilesTest, CommitSnapshotSettlesAnUnknownOutcomeByLookingForTheSnapshot) {
  Create();
  const int64_t t = LaterMs();
  InterferingCatalog catalog(*catalog_);
  auto overwrite_with = [&](const std::string& name) {
    return [&, name](const LoadedTable& base) {
      OverwriteFiles overwrite(*store_, base);
      overwrite.AddFile(FakeFile(name, kMonday, 1));
      return overwrite.Prepare(t);
    };
  };
  // Committed, reply lost: found.
  FaultInjector::Global().Arm("catalog.commit.lost_reply", 1);
  Result<int64_t> found = CommitSnapshot(catalog, *store_, kTestTrades, overwrite_with("a"));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(Load().metadata.current_snapshot_id, *found);
  // Not committed, reported unknown: not found, and never retried blindly.
  const size_t files_before = MetadataFiles();
  catalog.lose_next_commit = true;
  Result<int64_t> lost = CommitSnapshot(catalog, *store_, kTestTrades, overwrite_with("b"));
  EXPECT_EQ(lost.status().code(), StatusCode::kStateUnknown);
  EXPECT_EQ(catalog.commits, 2);
  EXPECT_EQ(Load().metadata.current_snapshot_id, *found);
  EXPECT_EQ(MetadataFiles(), files_before + 2) << "its manifest and manifest list stay for the orphan sweep";
}

TEST_F(OverwriteFilesTest, RefusesTablesWithDeleteManifestsAndCleansUp) {
  Create();
  const int64_t t = LaterMs();
  Append({FakeFile("a", kMonday, 1)}, t);
  {
    // A snapshot whose list holds a delete manifest, as another engine would write it.
    LoadedTable base = Load();
    ManifestFile deletes;
    deletes.manifest_path = store_->Uri("tradeagg.db/trades/metadata/deletes-m0.avro");
    deletes.content = ManifestContent::kDeletes;
    deletes.sequence_number = base.metadata.next_sequence_number();
    deletes.min_sequence_number = deletes.sequence_number;
    deletes.added_snapshot_id = 77;
    deletes.partitions = {FieldSummary{}};
    const std::string list_key = "tradeagg.db/trades/metadata/snap-77.avro";
    ASSERT_TRUE(store_->Put(list_key, *WriteManifestList({77, base.metadata.current_snapshot_id,
                                                          base.metadata.next_sequence_number()},
                                                         {deletes}))
                    .ok());
    SnapshotAppend append;
    append.snapshot_id = 77;
    append.manifest_list = store_->Uri(list_key);
    append.timestamp_ms = t + 1;
    TableMetadata next = *AppendSnapshot(base.metadata, base.metadata_location, append);
    ASSERT_TRUE(CommitMetadata(*catalog_, *store_, kTestTrades, base, next).result.committed());
  }
  const size_t files_before = MetadataFiles();
  LoadedTable base = Load();
  OverwriteFiles overwrite(*store_, base);
  overwrite.AddFile(FakeFile("b", kMonday, 1));
  EXPECT_EQ(overwrite.Prepare(t + 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MetadataFiles(), files_before) << "nothing written stays behind";
}

}  // namespace
}  // namespace tradeagg::lake::iceberg
