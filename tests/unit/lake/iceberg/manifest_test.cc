#include "tradeagg/lake/iceberg/manifest.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "tradeagg/lake/avro/container_reader.h"

namespace tradeagg::lake::iceberg {
namespace {

using testing::Expected;
using testing::ReadGolden;
using Json = nlohmann::json;

const char* const kSchemaJson =
    R"({"type":"struct","schema-id":0,"fields":[{"id":1,"name":"trade_id","required":true,"type":"string"},)"
    R"({"id":12,"name":"business_date","required":true,"type":"date"},{"id":13,"name":"seq","required":true,"type":"long"}]})";
const char* const kSpecJson = R"([{"source-id":12,"field-id":1000,"transform":"identity","name":"business_date"}])";

ManifestMetadata Metadata() { return {kSchemaJson, 0, kSpecJson, 0}; }

ManifestEntry Entry(std::string path, int32_t day) {
  ManifestEntry entry;
  entry.status = ManifestEntryStatus::kAdded;
  entry.snapshot_id = 7;
  entry.data_file.file_path = std::move(path);
  entry.data_file.partition_dates = {day};
  entry.data_file.record_count = 3;
  entry.data_file.file_size_in_bytes = 1234;
  return entry;
}

Manifest RoundTrip(const ManifestMetadata& metadata, const std::vector<ManifestEntry>& entries) {
  Result<std::string> bytes = WriteManifest(metadata, entries);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<Manifest> manifest = ReadManifest(bytes.ok() ? *bytes : "");
  EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
  return manifest.ok() ? std::move(manifest).value() : Manifest{};
}

TEST(ManifestTest, RoundTripsEveryField) {
  ManifestEntry full = Entry("file:///w/data/business_date=2024-01-02/a.parquet", 19724);
  full.sequence_number = 3;
  full.file_sequence_number = 4;
  DataFile& f = full.data_file;
  f.column_sizes = {{1, 100}, {12, 20}};
  f.value_counts = {{1, 3}, {12, 3}};
  f.null_value_counts = {{1, 0}, {12, 0}};
  f.lower_bounds = {{1, "T-1"}, {12, std::string("\x0c\x4d\x00\x00", 4)}};
  f.upper_bounds = {{1, "T-9"}, {12, std::string("\x0c\x4d\x00\x00", 4)}};
  f.split_offsets = {4, 1000};
  f.sort_order_id = 0;
  ManifestEntry existing = Entry("file:///w/data/business_date=1969-12-31/b.parquet", -1);
  existing.status = ManifestEntryStatus::kExisting;
  existing.snapshot_id.reset();
  existing.sequence_number = 1;
  existing.file_sequence_number = 1;
  ManifestEntry inherited = Entry("file:///w/data/c.parquet", 0);  // everything inherited
  inherited.snapshot_id.reset();

  const std::vector<ManifestEntry> entries = {full, existing, inherited};
  Manifest manifest = RoundTrip(Metadata(), entries);
  EXPECT_EQ(manifest.metadata, Metadata());
  EXPECT_EQ(manifest.entries, entries);
}

TEST(ManifestTest, WritesTheSpecMetadata) {
  Result<std::string> bytes = WriteManifest({kSchemaJson, 3, kSpecJson, 5}, {Entry("file:///a.parquet", 1)});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<avro::ContainerFile> file = avro::ReadContainer(*bytes);
  ASSERT_TRUE(file.ok());
  const auto& kv = file->metadata;
  EXPECT_EQ(kv.at("schema"), kSchemaJson);
  EXPECT_EQ(kv.at("schema-id"), "3");
  EXPECT_EQ(kv.at("partition-spec"), kSpecJson);
  EXPECT_EQ(kv.at("partition-spec-id"), "5");
  EXPECT_EQ(kv.at("format-version"), "2");
  EXPECT_EQ(kv.at("content"), "data");
  EXPECT_EQ(kv.at("avro.codec"), "null");
}

TEST(ManifestTest, UnpartitionedSpecWritesAnEmptyPartitionRecord) {
  ManifestEntry entry = Entry("file:///a.parquet", 0);
  entry.data_file.partition_dates.clear();
  Manifest manifest = RoundTrip({kSchemaJson, 0, "[]", 0}, {entry});
  ASSERT_EQ(manifest.entries.size(), 1u);
  EXPECT_TRUE(manifest.entries[0].data_file.partition_dates.empty());
}

TEST(ManifestTest, OptionalSourceColumnMakesAnOptionalPartitionField) {
  const std::string schema =
      R"({"type":"struct","schema-id":0,"fields":[{"id":12,"name":"business_date","required":false,"type":"date"}]})";
  Result<std::string> bytes = WriteManifest({schema, 0, kSpecJson, 0}, {Entry("file:///a.parquet", 5)});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<avro::ContainerFile> file = avro::ReadContainer(*bytes);
  ASSERT_TRUE(file.ok());
  const Json avro_schema = Json::parse(file->metadata.at("avro.schema"));
  const Json partition = avro_schema["fields"][4]["type"]["fields"][3];
  EXPECT_EQ(partition["name"], "partition");
  EXPECT_EQ(partition["type"]["fields"][0]["type"],
            Json::parse(R"(["null", {"type": "int", "logicalType": "date"}])"));
  Result<Manifest> manifest = ReadManifest(*bytes);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->entries[0].data_file.partition_dates, std::vector<int32_t>{5});
}

TEST(ManifestTest, RejectsWhatItCannotWriteCorrectly) {
  auto code = [](const ManifestMetadata& m, const ManifestEntry& e) { return WriteManifest(m, {e}).status(); };
  const ManifestEntry ok = Entry("file:///a.parquet", 1);

  ManifestEntry two_values = ok;
  two_values.data_file.partition_dates = {1, 2};
  EXPECT_NE(code(Metadata(), two_values).message().find("has 2 partition values, the spec has 1"), std::string::npos);

  ManifestEntry deletes = ok;
  deletes.data_file.content = DataFileContent::kPositionDeletes;
  EXPECT_EQ(code(Metadata(), deletes).code(), StatusCode::kInvalidArgument);

  ManifestEntry existing = ok;
  existing.status = ManifestEntryStatus::kExisting;
  EXPECT_NE(code(Metadata(), existing).message().find("must carry both sequence numbers"), std::string::npos);

  const char* bucket = R"([{"source-id":12,"field-id":1000,"transform":"bucket[4]","name":"b"}])";
  EXPECT_NE(code({kSchemaJson, 0, bucket, 0}, ok).message().find("only identity"), std::string::npos);
  const char* on_long = R"([{"source-id":13,"field-id":1000,"transform":"identity","name":"seq"}])";
  EXPECT_NE(code({kSchemaJson, 0, on_long, 0}, ok).message().find("date column"), std::string::npos);
  EXPECT_EQ(code({kSchemaJson, 0, R"({"spec-id":0})", 0}, ok).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({"not json", 0, kSpecJson, 0}, ok).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({kSchemaJson, 0, R"([{"source-id":"12"}])", 0}, ok).code(), StatusCode::kInvalidArgument);
}

TEST(ManifestTest, ReaderRejectsOtherFormatVersionsAndCorruptFiles) {
  EXPECT_EQ(ReadManifest("garbage").status().code(), StatusCode::kInvalidArgument);
  Result<std::string> bytes = WriteManifest(Metadata(), {Entry("file:///a.parquet", 1)});
  ASSERT_TRUE(bytes.ok());
  std::string v1 = *bytes;
  const size_t at = v1.find("format-version");
  ASSERT_NE(at, std::string::npos);
  v1[at + std::string("format-version").size() + 1] = '1';  // the value "2" follows its length byte
  EXPECT_NE(ReadManifest(v1).status().message().find("format-version 1 is not supported"), std::string::npos);
}

// PyIceberg's manifest (tests/data/iceberg), as fastavro reads it, is what our reader reads.
TEST(ManifestTest, ReadsPyIcebergManifest) {
  Result<Manifest> manifest = ReadManifest(ReadGolden("manifest.avro"));
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  const Json expected = Expected("manifest.avro");
  const Json& kv = expected["metadata"];
  EXPECT_EQ(kv["avro.codec"], "deflate");  // PyIceberg's default: exercises our inflate
  EXPECT_EQ(manifest->metadata.schema_json, kv["schema"].get<std::string>());
  EXPECT_EQ(manifest->metadata.schema_id, 0);  // PyIceberg omits schema-id: from the schema JSON
  EXPECT_EQ(manifest->metadata.partition_spec_json, kv["partition-spec"].get<std::string>());
  EXPECT_EQ(manifest->metadata.partition_spec_id, std::stoi(kv["partition-spec-id"].get<std::string>()));

  const Json& records = expected["records"];
  ASSERT_EQ(manifest->entries.size(), records.size());
  ASSERT_EQ(records.size(), 2u);
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    const ManifestEntry& entry = manifest->entries[i];
    const Json& r = records[i];
    const Json& f = r["data_file"];
    EXPECT_EQ(static_cast<int>(entry.status), r["status"].get<int>());
    EXPECT_EQ(entry.snapshot_id, testing::OptionalInt(r["snapshot_id"]));
    EXPECT_EQ(entry.sequence_number, testing::OptionalInt(r["sequence_number"]));
    EXPECT_EQ(entry.file_sequence_number, testing::OptionalInt(r["file_sequence_number"]));
    const DataFile& d = entry.data_file;
    EXPECT_EQ(static_cast<int>(d.content), f["content"].get<int>());
    EXPECT_EQ(d.file_path, f["file_path"].get<std::string>());
    EXPECT_EQ(d.file_format, f["file_format"].get<std::string>());
    EXPECT_EQ(d.partition_dates, std::vector<int32_t>{f["partition"]["business_date"].get<int32_t>()});
    EXPECT_EQ(d.record_count, f["record_count"].get<int64_t>());
    EXPECT_EQ(d.file_size_in_bytes, f["file_size_in_bytes"].get<int64_t>());
    EXPECT_EQ(d.column_sizes, testing::IntMap<int64_t>(f["column_sizes"], false));
    EXPECT_EQ(d.value_counts, testing::IntMap<int64_t>(f["value_counts"], false));
    EXPECT_EQ(d.null_value_counts, testing::IntMap<int64_t>(f["null_value_counts"], false));
    EXPECT_EQ(d.lower_bounds, testing::IntMap<std::string>(f["lower_bounds"], true));
    EXPECT_EQ(d.upper_bounds, testing::IntMap<std::string>(f["upper_bounds"], true));
    EXPECT_EQ(d.split_offsets, f["split_offsets"].get<std::vector<int64_t>>());
    EXPECT_EQ(d.sort_order_id, testing::OptionalInt(f["sort_order_id"]));
    EXPECT_EQ(d.column_sizes.size(), 13u);  // tradeagg.trades has 13 columns
  }
  EXPECT_EQ(manifest->entries[0].data_file.partition_dates, std::vector<int32_t>{19724});  // 2024-01-02
  EXPECT_EQ(manifest->entries[1].data_file.partition_dates, std::vector<int32_t>{19725});
}

// Our manifest_entry schema is PyIceberg's, field for field and id for id, but for the one
// place where PyIceberg departs from the spec (equality_ids elements are int, not long).
TEST(ManifestTest, WritesPyIcebergsAvroSchema) {
  Result<Manifest> golden = ReadManifest(ReadGolden("manifest.avro"));
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  Result<std::string> ours = WriteManifest(golden->metadata, golden->entries);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();

  Result<avro::ContainerFile> ours_file = avro::ReadContainer(*ours);
  Result<avro::ContainerFile> theirs_file = avro::ReadContainer(ReadGolden("manifest.avro"));
  ASSERT_TRUE(ours_file.ok() && theirs_file.ok());
  const Json ours_schema = Json::parse(ours_file->metadata.at("avro.schema"));
  Json theirs_schema = testing::WithoutDocs(Json::parse(theirs_file->metadata.at("avro.schema")));

  Json& data_file_fields = theirs_schema["fields"][4]["type"]["fields"];
  ASSERT_EQ(data_file_fields[14]["name"], "equality_ids");
  EXPECT_EQ(data_file_fields[14]["type"][1]["items"], "long");
  data_file_fields[14]["type"][1]["items"] = "int";
  EXPECT_EQ(ours_schema, theirs_schema) << "ours:   " << ours_schema.dump() << "\ntheirs: " << theirs_schema.dump();
}

// Rewriting PyIceberg's manifest with our writer keeps every entry as it was.
TEST(ManifestTest, RewritesPyIcebergManifestUnchanged) {
  Result<Manifest> golden = ReadManifest(ReadGolden("manifest.avro"));
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  Manifest rewritten = RoundTrip(golden->metadata, golden->entries);
  EXPECT_EQ(rewritten.metadata, golden->metadata);
  EXPECT_EQ(rewritten.entries, golden->entries);
}

// Corrupt manifests are rejected, never crash (run under the sanitizers to see). The header
// (mostly JSON) is covered by the Avro container tests; here the deflated data blocks are hit.
TEST(ManifestTest, SurvivesTruncationAndCorruption) {
  const std::string golden = ReadGolden("manifest.avro");
  const std::string sync = golden.substr(golden.size() - 16);
  const size_t data_start = golden.find(sync) + sync.size();
  ASSERT_LT(data_start, golden.size() - sync.size());
  for (size_t size = 0; size < golden.size(); size += 7) {
    Result<Manifest> manifest = ReadManifest(std::string_view(golden).substr(0, size));
    if (manifest.ok()) {  // cut at a block boundary: fewer entries (Avro files have no end marker)
      EXPECT_LT(manifest->entries.size(), 2u) << size;
    } else {
      EXPECT_EQ(manifest.status().code(), StatusCode::kInvalidArgument) << size;
    }
  }
  for (size_t i = data_start; i < golden.size(); ++i) {
    std::string corrupt = golden;
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
    Result<Manifest> manifest = ReadManifest(corrupt);
    if (!manifest.ok()) {
      ASSERT_EQ(manifest.status().code(), StatusCode::kInvalidArgument) << i;
    }
  }
}

}  // namespace
}  // namespace tradeagg::lake::iceberg
