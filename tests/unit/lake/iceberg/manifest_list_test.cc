#include "tradeagg/lake/iceberg/manifest_list.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "tradeagg/lake/avro/container_reader.h"

namespace tradeagg::lake::iceberg {
namespace {

using testing::Expected;
using testing::ReadGolden;
using Json = nlohmann::json;

std::string Day(int32_t day) {
  const auto bits = static_cast<uint32_t>(day);
  return {static_cast<char>(bits & 0xff), static_cast<char>((bits >> 8) & 0xff), static_cast<char>((bits >> 16) & 0xff),
          static_cast<char>(bits >> 24)};
}

ManifestFile Sample() {
  ManifestFile m;
  m.manifest_path = "file:///w/metadata/abc-m0.avro";
  m.manifest_length = 4884;
  m.partition_spec_id = 0;
  m.sequence_number = 3;
  m.min_sequence_number = 2;
  m.added_snapshot_id = 1234567890123;
  m.added_files_count = 2;
  m.existing_files_count = 1;
  m.deleted_files_count = 0;
  m.added_rows_count = 300;
  m.existing_rows_count = 5;
  m.partitions = {{false, false, Day(19724), Day(19725)}};
  return m;
}

TEST(ManifestListTest, RoundTrips) {
  ManifestFile unpartitioned = Sample();
  unpartitioned.partitions.clear();
  unpartitioned.content = ManifestContent::kDeletes;
  ManifestFile no_bounds = Sample();
  no_bounds.partitions = {{true, std::nullopt, std::nullopt, std::nullopt}};
  const std::vector<ManifestFile> manifests = {Sample(), unpartitioned, no_bounds};
  const ManifestListMetadata metadata{.snapshot_id = 99, .parent_snapshot_id = 98, .sequence_number = 3};

  Result<std::string> bytes = WriteManifestList(metadata, manifests);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<ManifestList> list = ReadManifestList(*bytes);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->metadata, metadata);
  EXPECT_EQ(list->manifests, manifests);

  Result<avro::ContainerFile> file = avro::ReadContainer(*bytes);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->metadata.at("snapshot-id"), "99");
  EXPECT_EQ(file->metadata.at("parent-snapshot-id"), "98");
  EXPECT_EQ(file->metadata.at("sequence-number"), "3");
  EXPECT_EQ(file->metadata.at("format-version"), "2");
}

TEST(ManifestListTest, FirstSnapshotHasNullParent) {
  const ManifestListMetadata metadata{.snapshot_id = 1, .parent_snapshot_id = std::nullopt, .sequence_number = 1};
  Result<std::string> bytes = WriteManifestList(metadata, {});
  ASSERT_TRUE(bytes.ok());
  Result<avro::ContainerFile> file = avro::ReadContainer(*bytes);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->metadata.at("parent-snapshot-id"), "null");
  Result<ManifestList> list = ReadManifestList(*bytes);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->metadata, metadata);
  EXPECT_TRUE(list->manifests.empty());
}

TEST(ManifestListTest, ReadsPyIcebergManifestList) {
  Result<ManifestList> list = ReadManifestList(ReadGolden("manifest-list.avro"));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  const Json expected = Expected("manifest-list.avro");
  const Json& kv = expected["metadata"];
  EXPECT_EQ(list->metadata.snapshot_id, std::stoll(kv["snapshot-id"].get<std::string>()));
  EXPECT_EQ(list->metadata.parent_snapshot_id, std::stoll(kv["parent-snapshot-id"].get<std::string>()));
  EXPECT_EQ(list->metadata.sequence_number, 2);

  const Json& records = expected["records"];
  ASSERT_EQ(list->manifests.size(), 2u);
  ASSERT_EQ(records.size(), 2u);
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    const ManifestFile& m = list->manifests[i];
    const Json& r = records[i];
    EXPECT_EQ(m.manifest_path, r["manifest_path"].get<std::string>());
    EXPECT_EQ(m.manifest_length, r["manifest_length"].get<int64_t>());
    EXPECT_EQ(m.partition_spec_id, r["partition_spec_id"].get<int32_t>());
    EXPECT_EQ(static_cast<int>(m.content), r["content"].get<int>());
    EXPECT_EQ(m.sequence_number, r["sequence_number"].get<int64_t>());
    EXPECT_EQ(m.min_sequence_number, r["min_sequence_number"].get<int64_t>());
    EXPECT_EQ(m.added_snapshot_id, r["added_snapshot_id"].get<int64_t>());
    EXPECT_EQ(m.added_files_count, r["added_files_count"].get<int32_t>());
    EXPECT_EQ(m.existing_files_count, r["existing_files_count"].get<int32_t>());
    EXPECT_EQ(m.deleted_files_count, r["deleted_files_count"].get<int32_t>());
    EXPECT_EQ(m.added_rows_count, r["added_rows_count"].get<int64_t>());
    EXPECT_EQ(m.existing_rows_count, r["existing_rows_count"].get<int64_t>());
    EXPECT_EQ(m.deleted_rows_count, r["deleted_rows_count"].get<int64_t>());
    ASSERT_EQ(m.partitions.size(), r["partitions"].size());
    for (size_t p = 0; p < m.partitions.size(); ++p) {
      const Json& s = r["partitions"][p];
      EXPECT_EQ(m.partitions[p].contains_null, s["contains_null"].get<bool>());
      EXPECT_EQ(m.partitions[p].contains_nan, s["contains_nan"].is_null() ? std::nullopt
                                                                           : std::optional<bool>(s["contains_nan"].get<bool>()));
      EXPECT_EQ(m.partitions[p].lower_bound, testing::OptionalUnhex(s["lower_bound"]));
      EXPECT_EQ(m.partitions[p].upper_bound, testing::OptionalUnhex(s["upper_bound"]));
    }
  }
}

TEST(ManifestListTest, WritesPyIcebergsAvroSchema) {
  Result<ManifestList> golden = ReadManifestList(ReadGolden("manifest-list.avro"));
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  Result<std::string> ours = WriteManifestList(golden->metadata, golden->manifests);
  ASSERT_TRUE(ours.ok());
  Result<avro::ContainerFile> ours_file = avro::ReadContainer(*ours);
  Result<avro::ContainerFile> theirs_file = avro::ReadContainer(ReadGolden("manifest-list.avro"));
  ASSERT_TRUE(ours_file.ok() && theirs_file.ok());
  const Json ours_schema = Json::parse(ours_file->metadata.at("avro.schema"));
  const Json theirs_schema = testing::WithoutDocs(Json::parse(theirs_file->metadata.at("avro.schema")));
  EXPECT_EQ(ours_schema, theirs_schema) << "ours:   " << ours_schema.dump() << "\ntheirs: " << theirs_schema.dump();

  for (const char* key : {"snapshot-id", "parent-snapshot-id", "sequence-number", "format-version"}) {
    EXPECT_EQ(ours_file->metadata.at(key), theirs_file->metadata.at(key)) << key;
  }
  Result<ManifestList> reread = ReadManifestList(*ours);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread->manifests, golden->manifests);
}

// DescribeManifest over PyIceberg's manifest says what PyIceberg's manifest list says of it.
TEST(ManifestListTest, DescribeManifestAgreesWithPyIceberg) {
  Result<Manifest> manifest = ReadManifest(ReadGolden("manifest.avro"));
  Result<ManifestList> list = ReadManifestList(ReadGolden("manifest-list.avro"));
  ASSERT_TRUE(manifest.ok() && list.ok());
  const ManifestFile& theirs = list->manifests[1];  // the first snapshot's manifest
  ASSERT_EQ(theirs.added_files_count, 2);
  const ManifestFile ours = DescribeManifest(theirs.manifest_path, theirs.manifest_length, theirs.partition_spec_id,
                                             theirs.added_snapshot_id, theirs.sequence_number, manifest->entries, 1);
  EXPECT_EQ(ours, theirs);
}

TEST(ManifestListTest, DescribeManifestCountsByStatus) {
  auto entry = [](ManifestEntryStatus status, std::optional<int64_t> seq, int32_t day, int64_t rows) {
    ManifestEntry e;
    e.status = status;
    e.sequence_number = seq;
    e.file_sequence_number = seq;
    e.data_file.partition_dates = {day};
    e.data_file.record_count = rows;
    return e;
  };
  const std::vector<ManifestEntry> entries = {
      entry(ManifestEntryStatus::kAdded, std::nullopt, 10, 5),
      entry(ManifestEntryStatus::kExisting, 4, -3, 7),
      entry(ManifestEntryStatus::kDeleted, 1, 20, 11),  // deleted: no say in min_sequence_number
  };
  const ManifestFile m = DescribeManifest("p", 10, 0, 77, 6, entries, 1);
  EXPECT_EQ(m.added_files_count, 1);
  EXPECT_EQ(m.existing_files_count, 1);
  EXPECT_EQ(m.deleted_files_count, 1);
  EXPECT_EQ(m.added_rows_count, 5);
  EXPECT_EQ(m.existing_rows_count, 7);
  EXPECT_EQ(m.deleted_rows_count, 11);
  EXPECT_EQ(m.min_sequence_number, 4);
  EXPECT_EQ(m.sequence_number, 6);
  EXPECT_EQ(m.added_snapshot_id, 77);
  ASSERT_EQ(m.partitions.size(), 1u);
  EXPECT_EQ(m.partitions[0], (FieldSummary{false, false, Day(-3), Day(20)}));

  EXPECT_EQ(DescribeManifest("p", 10, 0, 77, 6, {entries[0]}, 1).min_sequence_number, 6);  // inherited
}

TEST(ManifestListTest, SummarizePartitions) {
  DataFile a, b;
  a.partition_dates = {19724};
  b.partition_dates = {-1};
  EXPECT_EQ(SummarizePartitions({a, b}, 1), (std::vector<FieldSummary>{{false, false, Day(-1), Day(19724)}}));
  EXPECT_EQ(Day(19724), std::string("\x0c\x4d\x00\x00", 4));  // Appendix D: 4-byte little-endian
  EXPECT_EQ(SummarizePartitions({}, 1), (std::vector<FieldSummary>{{false, false, std::nullopt, std::nullopt}}));
  EXPECT_TRUE(SummarizePartitions({a}, 0).empty());
}

TEST(ManifestListTest, RejectsCorruptLists) {
  EXPECT_EQ(ReadManifestList("").status().code(), StatusCode::kInvalidArgument);
  Result<std::string> bytes = WriteManifestList({.snapshot_id = 1, .parent_snapshot_id = {}, .sequence_number = 1},
                                                {Sample()});
  ASSERT_TRUE(bytes.ok());
  std::string truncated = bytes->substr(0, bytes->size() - 30);
  EXPECT_EQ(ReadManifestList(truncated).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tradeagg::lake::iceberg
