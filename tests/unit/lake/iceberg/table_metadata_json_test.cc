#include "tradeagg/lake/iceberg/table_metadata_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/partition_spec_json.h"
#include "tradeagg/lake/iceberg/schema_json.h"
#include "tradeagg/lake/iceberg/trades_table.h"

namespace tradeagg::lake::iceberg {
namespace {

constexpr const char* kLocation = "file:///warehouse/tradeagg.db/trades";
constexpr const char* kUuid = "8d6f3c1e-0f43-4a8e-9d7b-1f2a3b4c5d6e";
constexpr int64_t kCreatedMs = 1'795'000'000'000;

// Golden files written by PyIceberg: tests/data/iceberg/table_metadata (see the README there).
std::string Golden(const std::string& name) {
  const std::filesystem::path path =
      std::filesystem::path(__FILE__).parent_path() / "../../../data/iceberg/table_metadata" / name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing golden file " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TableMetadata Trades() {
  Result<TableMetadata> m = NewTradesTableMetadata(kLocation, kUuid, kCreatedMs);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : TableMetadata{};
}

SnapshotAppend Append(int64_t id, int64_t records, int64_t files, int64_t bytes, int64_t at_ms) {
  SnapshotAppend a;
  a.snapshot_id = id;
  a.manifest_list = std::string(kLocation) + "/metadata/snap-" + std::to_string(id) + "-0-x.avro";
  a.timestamp_ms = at_ms;
  a.added_data_files = files;
  a.added_records = records;
  a.added_files_size = bytes;
  a.changed_partition_count = files;
  return a;
}

TableMetadata MustAppend(const TableMetadata& base, std::string_view base_location, const SnapshotAppend& a) {
  Result<TableMetadata> next = AppendSnapshot(base, base_location, a);
  EXPECT_TRUE(next.ok()) << next.status().ToString();
  return next.ok() ? *next : base;
}

TableMetadata MustParse(std::string_view text) {
  Result<TableMetadata> m = ParseTableMetadataJson(text);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : TableMetadata{};
}

// --- types, schema, partition spec ---

TEST(IcebergTypes, ParseAndPrintTheSpecsTypeStrings) {
  for (const char* text : {"boolean", "int", "long", "float", "double", "date", "time", "timestamp",
                           "timestamptz", "string", "uuid", "binary", "decimal(18, 8)", "decimal(38, 8)",
                           "fixed[16]"}) {
    Result<PrimitiveType> t = PrimitiveType::Parse(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(t->ToString(), text);
  }
  EXPECT_EQ(*PrimitiveType::Parse("decimal(18,8)"), PrimitiveType::Decimal(18, 8));
  EXPECT_EQ(*PrimitiveType::Parse(" decimal( 9 , 2 ) "), PrimitiveType::Decimal(9, 2));
  for (const char* bad : {"decimal(39, 2)", "decimal(5, 6)", "decimal(0, 0)", "decimal(5)", "fixed[0]",
                          "varchar", "struct", ""}) {
    EXPECT_EQ(PrimitiveType::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(IcebergSchemaJson, TradesSchemaHasTheAgreedFieldsAndRoundTrips) {
  const Schema schema = TradesSchema();
  ASSERT_EQ(schema.fields.size(), 13u);
  EXPECT_EQ(schema.HighestFieldId(), trades_field::kSeq);
  for (const SchemaField& f : schema.fields) EXPECT_TRUE(f.required) << f.name;
  EXPECT_EQ(schema.FindField("price")->type.ToString(), "decimal(18, 8)");
  EXPECT_EQ(schema.FindField("notional")->type.ToString(), "decimal(38, 8)");
  EXPECT_EQ(schema.FindField(trades_field::kTradeTime)->type.id, TypeId::kTimestampTz);
  EXPECT_EQ(schema.FindField(trades_field::kBusinessDate)->name, "business_date");

  const std::string text = SchemaToJson(schema);
  EXPECT_NE(text.find(R"j({"id":7,"name":"price","required":true,"type":"decimal(18, 8)"})j"), std::string::npos)
      << text;
  Result<Schema> back = ParseSchemaJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, schema);
}

TEST(IcebergSchemaJson, RejectsNestedTypesDuplicatesAndMissingMembers) {
  EXPECT_EQ(ParseSchemaJson(R"({"type":"struct","fields":[{"id":1,"name":"l","required":true,)"
                            R"("type":{"type":"list","element-id":2,"element":"int","element-required":true}}]})")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSchemaJson(R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,"type":"int"},)"
                            R"({"id":1,"name":"b","required":true,"type":"int"}]})")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  Result<Schema> missing = ParseSchemaJson(R"({"type":"struct","fields":[{"id":1,"name":"a","type":"int"}]})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("fields[0].required"), std::string::npos) << missing.status().message();
  Result<Schema> with_doc = ParseSchemaJson(
      R"({"type":"struct","schema-id":3,"fields":[{"id":5,"name":"a","required":false,"type":"long","doc":"d"}]})");
  ASSERT_TRUE(with_doc.ok()) << with_doc.status().ToString();
  EXPECT_EQ(with_doc->schema_id, 3);
  EXPECT_EQ(with_doc->fields[0].doc, "d");
  EXPECT_EQ(*ParseSchemaJson(SchemaToJson(*with_doc)), *with_doc);
}

TEST(IcebergPartitionSpecJson, TradesSpecRoundTripsAndValidates) {
  const PartitionSpec spec = TradesPartitionSpec();
  const std::string text = PartitionSpecToJson(spec);
  EXPECT_EQ(text, R"({"spec-id":0,"fields":[{"name":"business_date","transform":"identity","source-id":12,"field-id":1000}]})");
  EXPECT_EQ(*ParsePartitionSpecJson(text), spec);
  EXPECT_TRUE(spec.Validate(TradesSchema()).ok());
  PartitionSpec bad = spec;
  bad.fields[0].field_id = 999;
  EXPECT_FALSE(bad.Validate(TradesSchema()).ok());
  bad = spec;
  bad.fields[0].source_id = 99;
  EXPECT_FALSE(bad.Validate(TradesSchema()).ok());
  EXPECT_EQ(PartitionSpec{}.HighestFieldId(), 999);
}

// --- table metadata: creation, writing, parsing ---

TEST(IcebergTableMetadata, NewTradesTableIsEmptyVersion2) {
  const TableMetadata m = Trades();
  EXPECT_EQ(m.format_version, 2);
  EXPECT_EQ(m.location, kLocation);
  EXPECT_EQ(m.last_sequence_number, 0);
  EXPECT_EQ(m.last_column_id, 13);
  EXPECT_EQ(m.last_partition_id, 1000);
  EXPECT_EQ(m.current_schema_id, 0);
  EXPECT_EQ(m.default_spec_id, 0);
  EXPECT_EQ(m.default_sort_order_id, 0);
  ASSERT_EQ(m.sort_orders.size(), 1u);
  EXPECT_TRUE(m.sort_orders[0].fields.empty());
  EXPECT_FALSE(m.current_snapshot_id.has_value());
  EXPECT_TRUE(m.snapshots.empty());
  EXPECT_TRUE(m.refs.empty());
  EXPECT_EQ(m.properties.at("created-by"), "tradeagg");
  EXPECT_EQ(m.properties.at("history.expire.max-snapshot-age-ms"), "3600000");
  EXPECT_EQ(m.next_sequence_number(), 1);
}

TEST(IcebergTableMetadataJson, WritesTheSpecMembersDeterministically) {
  const TableMetadata m = Trades();
  const std::string text = TableMetadataToJson(m);
  EXPECT_EQ(text, TableMetadataToJson(m));
  for (const char* member :
       {R"("format-version":2)", R"("table-uuid":"8d6f3c1e-0f43-4a8e-9d7b-1f2a3b4c5d6e")",
        R"("location":"file:///warehouse/tradeagg.db/trades")", R"("last-sequence-number":0)",
        R"("last-updated-ms":1795000000000)", R"("last-column-id":13)", R"("current-schema-id":0)",
        R"("default-spec-id":0)", R"("last-partition-id":1000)", R"("default-sort-order-id":0)",
        R"("sort-orders":[{"order-id":0,"fields":[]}])", R"("properties":{"created-by":"tradeagg","history.expire.max-snapshot-age-ms":"3600000"})",
        R"("current-snapshot-id":-1)", R"("refs":{})", R"("snapshots":[])", R"("statistics":[])",
        R"("partition-statistics":[])", R"("snapshot-log":[])", R"("metadata-log":[])"}) {
    EXPECT_NE(text.find(member), std::string::npos) << member << " in " << text;
  }
  EXPECT_EQ(text.rfind(R"({"format-version":2,)", 0), 0u);
}

TEST(IcebergTableMetadataJson, RoundTripsByteForByte) {
  TableMetadata m = Trades();
  m = MustAppend(m, std::string(kLocation) + "/metadata/00000-a.metadata.json", Append(11, 3, 2, 100, kCreatedMs + 5));
  SnapshotAppend second = Append(22, 2, 1, 50, kCreatedMs + 9);
  second.extra_summary = {{"tradeagg.watermark", "5"}};
  m = MustAppend(m, std::string(kLocation) + "/metadata/00001-b.metadata.json", second);
  m.properties["write.metadata.previous-versions-max"] = "7";
  m.refs["audit"] = SnapshotRef{11, "tag", std::nullopt, std::nullopt, int64_t{86'400'000}};
  m.statistics_json = R"([{"snapshot-id":11,"statistics-path":"file:///s.puffin","file-size-in-bytes":4,)"
                      R"("file-footer-size-in-bytes":2,"blob-metadata":[]}])";

  const std::string text = TableMetadataToJson(m);
  const TableMetadata back = MustParse(text);
  EXPECT_EQ(back, m);
  EXPECT_EQ(TableMetadataToJson(back), text);
}

TEST(IcebergTableMetadataJson, RejectsWhatIsNotVersion2Metadata) {
  std::string text = TableMetadataToJson(Trades());
  EXPECT_EQ(ParseTableMetadataJson("{not json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTableMetadataJson("[]").status().code(), StatusCode::kInvalidArgument);

  std::string v1 = text;
  v1.replace(v1.find(R"("format-version":2)"), 18, R"("format-version":1)");
  Result<TableMetadata> parsed = ParseTableMetadataJson(v1);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("format-version 1"), std::string::npos);

  std::string no_uuid = text;
  no_uuid.replace(no_uuid.find(R"("table-uuid")"), 12, R"("table-uuix")");
  parsed = ParseTableMetadataJson(no_uuid);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("table-uuid: missing"), std::string::npos) << parsed.status().message();

  std::string dangling = text;
  dangling.replace(dangling.find(R"("current-snapshot-id":-1)"), 24, R"("current-snapshot-id":42)");
  EXPECT_EQ(ParseTableMetadataJson(dangling).status().code(), StatusCode::kInvalidArgument);
}

// --- appending snapshots ---

TEST(IcebergAppendSnapshot, FirstAppendStartsTheTotalsAndTheLogs) {
  const TableMetadata base = Trades();
  const std::string base_location = std::string(kLocation) + "/metadata/00000-a.metadata.json";
  SnapshotAppend a = Append(101, 1000, 2, 4096, kCreatedMs + 10);
  a.extra_summary = {{"tradeagg.watermark", "1000"}};
  const TableMetadata m = MustAppend(base, base_location, a);

  EXPECT_EQ(m.last_sequence_number, 1);
  EXPECT_EQ(m.last_updated_ms, kCreatedMs + 10);
  ASSERT_EQ(m.current_snapshot_id, 101);
  const Snapshot& s = *m.CurrentSnapshot();
  EXPECT_EQ(s.sequence_number, 1);
  EXPECT_FALSE(s.parent_snapshot_id.has_value());
  EXPECT_EQ(s.schema_id, 0);
  EXPECT_EQ(s.operation, "append");
  EXPECT_EQ(s.summary, (std::map<std::string, std::string, std::less<>>{
                           {"added-data-files", "2"},
                           {"added-files-size", "4096"},
                           {"added-records", "1000"},
                           {"changed-partition-count", "2"},
                           {"total-data-files", "2"},
                           {"total-delete-files", "0"},
                           {"total-equality-deletes", "0"},
                           {"total-files-size", "4096"},
                           {"total-position-deletes", "0"},
                           {"total-records", "1000"},
                           {"tradeagg.watermark", "1000"},
                       }));
  EXPECT_EQ(m.snapshot_log, (std::vector<SnapshotLogEntry>{{kCreatedMs + 10, 101}}));
  EXPECT_EQ(m.metadata_log, (std::vector<MetadataLogEntry>{{kCreatedMs, base_location}}));
  ASSERT_EQ(m.refs.size(), 1u);
  EXPECT_EQ(m.refs.at("main"), (SnapshotRef{101, "branch", {}, {}, {}}));
  // The summary is written with "operation" first.
  EXPECT_NE(TableMetadataToJson(m).find(R"("summary":{"operation":"append","added-data-files":"2")"),
            std::string::npos);
}

TEST(IcebergAppendSnapshot, LaterAppendsAddToThePreviousTotals) {
  TableMetadata m = Trades();
  m = MustAppend(m, "file:///w/metadata/00000-a.metadata.json", Append(1, 10, 1, 100, kCreatedMs + 1));
  m = MustAppend(m, "file:///w/metadata/00001-b.metadata.json", Append(2, 5, 2, 30, kCreatedMs + 2));
  m = MustAppend(m, "file:///w/metadata/00002-c.metadata.json", Append(3, 0, 0, 0, kCreatedMs + 3));
  EXPECT_EQ(m.last_sequence_number, 3);
  const Snapshot& s = *m.CurrentSnapshot();
  EXPECT_EQ(s.parent_snapshot_id, 2);
  EXPECT_EQ(s.SummaryInt("total-records"), 15);
  EXPECT_EQ(s.SummaryInt("total-data-files"), 3);
  EXPECT_EQ(s.SummaryInt("total-files-size"), 130);
  EXPECT_EQ(m.FindSnapshot(2)->SummaryInt("total-records"), 15);
  EXPECT_EQ(m.FindSnapshot(2)->sequence_number, 2);
  EXPECT_EQ(m.snapshots.size(), 3u);
  EXPECT_EQ(m.snapshot_log.size(), 3u);
  ASSERT_EQ(m.metadata_log.size(), 3u);
  EXPECT_EQ(m.metadata_log[2].metadata_file, "file:///w/metadata/00002-c.metadata.json");
  EXPECT_EQ(m.metadata_log[2].timestamp_ms, kCreatedMs + 2);
  EXPECT_EQ(m.refs.at("main").snapshot_id, 3);
}

TEST(IcebergAppendSnapshot, TotalsThePreviousSnapshotDoesNotRecordStayUnrecorded) {
  TableMetadata m = MustAppend(Trades(), "file:///w/metadata/0.metadata.json", Append(1, 10, 1, 100, kCreatedMs));
  m.snapshots[0].summary.erase("total-files-size");
  m = MustAppend(m, "file:///w/metadata/1.metadata.json", Append(2, 1, 1, 1, kCreatedMs));
  EXPECT_FALSE(m.CurrentSnapshot()->SummaryInt("total-files-size").has_value());
  EXPECT_EQ(m.CurrentSnapshot()->SummaryInt("total-records"), 11);
}

TEST(IcebergAppendSnapshot, RejectsBadAppends) {
  const TableMetadata base = MustAppend(Trades(), "file:///w/m/0.metadata.json", Append(1, 1, 1, 1, kCreatedMs));
  EXPECT_EQ(AppendSnapshot(base, "file:///w/m/1.metadata.json", Append(1, 1, 1, 1, kCreatedMs)).status().code(),
            StatusCode::kInvalidArgument)
      << "snapshot ids are unique";
  EXPECT_EQ(AppendSnapshot(base, "", Append(2, 1, 1, 1, kCreatedMs)).status().code(), StatusCode::kInvalidArgument);
  SnapshotAppend no_list = Append(2, 1, 1, 1, kCreatedMs);
  no_list.manifest_list.clear();
  EXPECT_FALSE(AppendSnapshot(base, "file:///w/m/1.metadata.json", no_list).ok());
  SnapshotAppend overriding = Append(2, 1, 1, 1, kCreatedMs);
  overriding.extra_summary = {{"total-records", "0"}};
  EXPECT_FALSE(AppendSnapshot(base, "file:///w/m/1.metadata.json", overriding).ok());
  SnapshotAppend negative = Append(2, -1, 1, 1, kCreatedMs);
  EXPECT_FALSE(AppendSnapshot(base, "file:///w/m/1.metadata.json", negative).ok());
}

TEST(IcebergAppendSnapshot, AClockThatSteppedBackIsClamped) {
  const TableMetadata base = Trades();
  const TableMetadata m = MustAppend(base, "file:///w/m/0.metadata.json", Append(1, 1, 1, 1, kCreatedMs - 60'000));
  EXPECT_EQ(m.CurrentSnapshot()->timestamp_ms, kCreatedMs);
  EXPECT_EQ(m.last_updated_ms, kCreatedMs);
}

TEST(IcebergAppendSnapshot, MetadataLogKeepsThePropertysNumberOfEntries) {
  TableMetadata m = Trades();
  m.properties["write.metadata.previous-versions-max"] = "2";
  for (int i = 1; i <= 5; ++i) {
    m = MustAppend(m, "file:///w/m/" + std::to_string(i) + ".metadata.json", Append(i, 1, 1, 1, kCreatedMs + i));
  }
  ASSERT_EQ(m.metadata_log.size(), 2u);
  EXPECT_EQ(m.metadata_log[0].metadata_file, "file:///w/m/4.metadata.json");
  EXPECT_EQ(m.metadata_log[1].metadata_file, "file:///w/m/5.metadata.json");
  EXPECT_EQ(m.snapshot_log.size(), 5u) << "the snapshot log is not trimmed";
}

TEST(IcebergAppendSnapshot, KeepsMainsRetentionSettings) {
  TableMetadata m = MustAppend(Trades(), "file:///w/m/0.metadata.json", Append(1, 1, 1, 1, kCreatedMs));
  m.refs["main"].min_snapshots_to_keep = 3;
  m = MustAppend(m, "file:///w/m/1.metadata.json", Append(2, 1, 1, 1, kCreatedMs));
  EXPECT_EQ(m.refs.at("main"), (SnapshotRef{2, "branch", 3, {}, {}}));
}

TEST(IcebergAppendSnapshot, AnOverwriteCountsWhatItDeletedAndTotalsFollow) {
  TableMetadata m = MustAppend(Trades(), "file:///w/m/0.metadata.json", Append(1, 10, 2, 100, kCreatedMs + 1));
  SnapshotAppend overwrite = Append(2, 4, 1, 40, kCreatedMs + 2);
  overwrite.operation = "overwrite";
  overwrite.deleted_data_files = 2;
  overwrite.deleted_records = 10;
  overwrite.removed_files_size = 100;
  overwrite.changed_partition_count = 3;
  m = MustAppend(m, "file:///w/m/1.metadata.json", overwrite);
  const Snapshot& s = *m.CurrentSnapshot();
  EXPECT_EQ(s.operation, "overwrite");
  EXPECT_EQ(s.parent_snapshot_id, 1);
  EXPECT_EQ(s.summary, (std::map<std::string, std::string, std::less<>>{
                           {"added-data-files", "1"},
                           {"added-files-size", "40"},
                           {"added-records", "4"},
                           {"changed-partition-count", "3"},
                           {"deleted-data-files", "2"},
                           {"deleted-records", "10"},
                           {"removed-files-size", "100"},
                           {"total-data-files", "1"},
                           {"total-delete-files", "0"},
                           {"total-equality-deletes", "0"},
                           {"total-files-size", "40"},
                           {"total-position-deletes", "0"},
                           {"total-records", "4"},
                       }));
  EXPECT_EQ(m.refs.at("main").snapshot_id, 2);
  EXPECT_NE(TableMetadataToJson(m).find(R"("summary":{"operation":"overwrite",)"), std::string::npos);
}

TEST(IcebergAppendSnapshot, ATotalThatWouldGoNegativeStaysUnrecorded) {
  TableMetadata m = MustAppend(Trades(), "file:///w/m/0.metadata.json", Append(1, 10, 1, 100, kCreatedMs));
  m.snapshots[0].summary["total-records"] = "3";  // wrong, as another writer might have left it
  SnapshotAppend overwrite = Append(2, 0, 0, 0, kCreatedMs);
  overwrite.operation = "overwrite";
  overwrite.deleted_data_files = 1;
  overwrite.deleted_records = 10;
  overwrite.removed_files_size = 100;
  m = MustAppend(m, "file:///w/m/1.metadata.json", overwrite);
  EXPECT_FALSE(m.CurrentSnapshot()->SummaryInt("total-records").has_value());
  EXPECT_EQ(m.CurrentSnapshot()->SummaryInt("total-data-files"), 0);
}

TEST(IcebergAppendSnapshot, RejectsDeletionsInAnAppendAndUnknownOperations) {
  const TableMetadata base = Trades();
  SnapshotAppend deleting = Append(1, 1, 1, 1, kCreatedMs);
  deleting.deleted_data_files = 1;
  EXPECT_EQ(AppendSnapshot(base, "file:///w/m/0.metadata.json", deleting).status().code(),
            StatusCode::kInvalidArgument);
  SnapshotAppend replace = Append(1, 1, 1, 1, kCreatedMs);
  replace.operation = "replace";
  EXPECT_EQ(AppendSnapshot(base, "file:///w/m/0.metadata.json", replace).status().code(),
            StatusCode::kInvalidArgument);
  SnapshotAppend negative = Append(1, 1, 1, 1, kCreatedMs);
  negative.operation = "overwrite";
  negative.removed_files_size = -1;
  EXPECT_FALSE(AppendSnapshot(base, "file:///w/m/0.metadata.json", negative).ok());
  SnapshotAppend overriding = Append(1, 1, 1, 1, kCreatedMs);
  overriding.extra_summary = {{"deleted-records", "0"}};
  EXPECT_FALSE(AppendSnapshot(base, "file:///w/m/0.metadata.json", overriding).ok());
}

// --- refs ---

TEST(IcebergSetRef, AddsATagAndRecordsTheCommitLikeAnAppend) {
  TableMetadata m = MustAppend(Trades(), "file:///w/m/0.metadata.json", Append(1, 1, 1, 1, kCreatedMs + 1));
  m = MustAppend(m, "file:///w/m/1.metadata.json", Append(2, 1, 1, 1, kCreatedMs + 2));
  const SnapshotRef tag{1, "tag", std::nullopt, std::nullopt, int64_t{86'400'000}};
  Result<TableMetadata> tagged = SetRef(m, "file:///w/m/2.metadata.json", "eod-2026-11-24", tag, kCreatedMs + 50);
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  EXPECT_EQ(tagged->refs.at("eod-2026-11-24"), tag);
  EXPECT_EQ(tagged->refs.at("main").snapshot_id, 2) << "main and the current snapshot stay";
  EXPECT_EQ(tagged->current_snapshot_id, 2);
  EXPECT_EQ(tagged->snapshots, m.snapshots);
  EXPECT_EQ(tagged->snapshot_log, m.snapshot_log);
  EXPECT_EQ(tagged->last_sequence_number, m.last_sequence_number);
  EXPECT_EQ(tagged->last_updated_ms, kCreatedMs + 50);
  ASSERT_EQ(tagged->metadata_log.size(), 3u);
  EXPECT_EQ(tagged->metadata_log.back(), (MetadataLogEntry{kCreatedMs + 2, "file:///w/m/2.metadata.json"}));
  // Written as the spec's ref object, and read back the same.
  const std::string json = TableMetadataToJson(*tagged);
  EXPECT_NE(json.find(R"("eod-2026-11-24":{"snapshot-id":1,"type":"tag","max-ref-age-ms":86400000})"),
            std::string::npos)
      << json;
  EXPECT_EQ(MustParse(json), *tagged);

  // A clock that stepped back is clamped; the next append keeps the tag.
  Result<TableMetadata> early = SetRef(m, "file:///w/m/2.metadata.json", "t", tag, kCreatedMs - 1000);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->last_updated_ms, kCreatedMs + 2);
  const TableMetadata appended = MustAppend(*tagged, "file:///w/m/3.metadata.json", Append(3, 1, 1, 1, kCreatedMs + 60));
  EXPECT_EQ(appended.refs.at("eod-2026-11-24"), tag);
  EXPECT_EQ(appended.refs.at("main").snapshot_id, 3);
}

TEST(IcebergSetRef, RefusesMainUnknownSnapshotsAndBadRefs) {
  const TableMetadata m = MustAppend(Trades(), "file:///w/m/0.metadata.json", Append(1, 1, 1, 1, kCreatedMs));
  const std::string at = "file:///w/m/1.metadata.json";
  auto code = [&](std::string_view name, SnapshotRef ref) { return SetRef(m, at, name, ref, kCreatedMs).status().code(); };
  EXPECT_EQ(code("main", {1, "tag", {}, {}, {}}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("main", {1, "branch", {}, {}, {}}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("", {1, "tag", {}, {}, {}}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("t", {99, "tag", {}, {}, {}}), StatusCode::kNotFound);
  EXPECT_EQ(code("t", {1, "label", {}, {}, {}}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("t", {1, "tag", 2, {}, {}}), StatusCode::kInvalidArgument) << "a tag keeps no snapshots";
  EXPECT_EQ(code("t", {1, "tag", {}, {}, int64_t{0}}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("b", {1, "branch", 2, int64_t{1000}, {}}), StatusCode::kOk);
  EXPECT_EQ(SetRef(m, "", "t", {1, "tag", {}, {}, {}}, kCreatedMs).status().code(), StatusCode::kInvalidArgument);
}

// --- what PyIceberg writes ---

TEST(IcebergTableMetadataJson, ReadsAnEmptyTableWrittenByPyIceberg) {
  const TableMetadata m = MustParse(Golden("pyiceberg_created.metadata.json"));
  EXPECT_EQ(m.location, "file:///warehouse/tradeagg/trades");
  EXPECT_FALSE(m.current_snapshot_id.has_value()) << "PyIceberg omits current-snapshot-id";
  EXPECT_TRUE(m.refs.empty());
  EXPECT_EQ(m.last_sequence_number, 0);
  ASSERT_NE(m.CurrentSchema(), nullptr);
  // Same columns, ids and types as ours (PyIceberg reassigns ids, in the same order).
  Schema expected = TradesSchema();
  EXPECT_EQ(*m.CurrentSchema(), expected);
  EXPECT_EQ(*m.DefaultSpec(), TradesPartitionSpec());
  EXPECT_EQ(m.properties.at("created-by"), "pyiceberg golden");
}

TEST(IcebergTableMetadataJson, ReadsTwoAppendsWrittenByPyIceberg) {
  const TableMetadata m = MustParse(Golden("pyiceberg_two_appends.metadata.json"));
  ASSERT_EQ(m.snapshots.size(), 2u);
  EXPECT_EQ(m.last_sequence_number, 2);
  const Snapshot* current = m.CurrentSnapshot();
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->sequence_number, 2);
  EXPECT_EQ(current->parent_snapshot_id, m.snapshots[0].snapshot_id);
  EXPECT_EQ(current->operation, "append");
  EXPECT_EQ(current->SummaryInt("total-records"), 5);
  EXPECT_EQ(current->SummaryInt("tradeagg.watermark"), 5);
  EXPECT_EQ(m.refs.at("main").snapshot_id, current->snapshot_id);
  EXPECT_EQ(m.metadata_log.size(), 2u);
  EXPECT_EQ(m.snapshot_log.size(), 2u);
  EXPECT_TRUE(current->manifest_list.starts_with("file:///warehouse/tradeagg/trades/metadata/snap-"));

  // Our writer keeps everything we read, and appending continues PyIceberg's totals.
  EXPECT_EQ(MustParse(TableMetadataToJson(m)), m);
  const TableMetadata next = MustAppend(m, "file:///warehouse/tradeagg/trades/metadata/00002-x.metadata.json",
                                        Append(NewSnapshotId(), 4, 1, 1000, m.last_updated_ms + 1));
  EXPECT_EQ(next.CurrentSnapshot()->sequence_number, 3);
  EXPECT_EQ(next.CurrentSnapshot()->SummaryInt("total-records"), 9);
  EXPECT_EQ(next.CurrentSnapshot()->SummaryInt("total-data-files"), 4);
  EXPECT_EQ(next.CurrentSnapshot()->parent_snapshot_id, current->snapshot_id);
}

TEST(IcebergTableMetadataJson, DefaultsMainToTheCurrentSnapshotWhenRefsAreAbsent) {
  TableMetadata m = MustAppend(Trades(), "file:///w/m/0.metadata.json", Append(7, 1, 1, 1, kCreatedMs));
  std::string text = TableMetadataToJson(m);
  const std::string refs = R"("refs":{"main":{"snapshot-id":7,"type":"branch"}},)";
  ASSERT_NE(text.find(refs), std::string::npos) << text;
  text.erase(text.find(refs), refs.size());
  EXPECT_EQ(MustParse(text).refs.at("main").snapshot_id, 7);
}

TEST(IcebergIds, UuidsAndSnapshotIdsHaveTheirForms) {
  const std::string uuid = NewUuid();
  ASSERT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[8], '-');
  EXPECT_EQ(uuid[14], '4') << "version 4";
  EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << "RFC variant";
  EXPECT_NE(NewUuid(), uuid);
  for (int i = 0; i < 100; ++i) EXPECT_GT(NewSnapshotId(), 0);
}

}  // namespace
}  // namespace tradeagg::lake::iceberg
