#include "tradeagg/lake/iceberg/table_metadata.h"

#include <gtest/gtest.h>

#include "tradeagg/lake/iceberg/table_metadata_json.h"

namespace tradeagg::lake::iceberg {
namespace {

constexpr const char* kLocation = "file:///warehouse/tradeagg.db/t";
constexpr const char* kBaseFile = "file:///warehouse/tradeagg.db/t/metadata/00001-a.metadata.json";
constexpr int64_t kCreatedMs = 1'795'000'000'000;

const PrimitiveType kLong = PrimitiveType::Of(TypeId::kLong);
const PrimitiveType kDate = PrimitiveType::Of(TypeId::kDate);

// A table as an earlier build created it: id (required), day (required, the partition source),
// amount (required decimal(18, 2)).
TableMetadata Old() {
  TableDefinition d;
  d.schema.fields = {{1, "id", kLong, true, ""},
                     {2, "day", kDate, true, ""},
                     {3, "amount", PrimitiveType::Decimal(18, 2), true, ""}};
  d.spec.fields = {{2, 1000, "day", "identity"}};
  Result<TableMetadata> m = NewTableMetadata(d, kLocation, "8d6f3c1e-0f43-4a8e-9d7b-1f2a3b4c5d6e", kCreatedMs);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

// What the writer needs now: amount optional and wider, a new optional column 4.
Schema Wanted() {
  Schema s;
  s.fields = {{1, "id", kLong, true, ""},
              {2, "day", kDate, true, ""},
              {3, "amount", PrimitiveType::Decimal(38, 2), false, ""},
              {4, "count", kLong, false, ""}};
  return s;
}

TEST(IcebergEvolveSchema, AddsTheSchemaAsTheNextIdAndMakesItCurrent) {
  const TableMetadata base = Old();
  EXPECT_FALSE(CurrentSchemaIs(base, Wanted()));
  Result<TableMetadata> next = EvolveSchema(base, kBaseFile, Wanted(), kCreatedMs + 5);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_EQ(next->schemas.size(), 2u);
  EXPECT_EQ(next->schemas[0], base.schemas[0]) << "the old schema stays for the files written with it";
  EXPECT_EQ(next->schemas[1].schema_id, 1);
  EXPECT_EQ(next->current_schema_id, 1);
  EXPECT_EQ(next->last_column_id, 4);
  EXPECT_TRUE(CurrentSchemaIs(*next, Wanted())) << "whatever schema id the wanted one had";
  EXPECT_EQ(next->last_updated_ms, kCreatedMs + 5);
  ASSERT_EQ(next->metadata_log.size(), 1u);
  EXPECT_EQ(next->metadata_log[0], (MetadataLogEntry{kCreatedMs, kBaseFile}));
  // Nothing else moves: no snapshot, same spec, same sequence number.
  EXPECT_EQ(next->snapshots, base.snapshots);
  EXPECT_EQ(next->partition_specs, base.partition_specs);
  EXPECT_EQ(next->last_sequence_number, base.last_sequence_number);
  // The evolved metadata survives its JSON form.
  Result<TableMetadata> parsed = ParseTableMetadataJson(TableMetadataToJson(*next));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, *next);
}

TEST(IcebergEvolveSchema, TheNextSchemaIdIsAboveEveryExistingOne) {
  TableMetadata base = Old();
  base.schemas[0].schema_id = 7;
  base.current_schema_id = 7;
  Result<TableMetadata> next = EvolveSchema(base, kBaseFile, Wanted(), kCreatedMs);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->current_schema_id, 8);
  // And again: a third schema, last-column-id never lowered.
  Schema third = Wanted();
  third.fields[3].name = "trades";  // a rename: ids are the identity
  Result<TableMetadata> again = EvolveSchema(*next, kBaseFile, third, kCreatedMs);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->current_schema_id, 9);
  EXPECT_EQ(again->schemas.size(), 3u);
  EXPECT_EQ(again->last_column_id, 4);
}

TEST(IcebergEvolveSchema, AClockThatSteppedBackIsClamped) {
  Result<TableMetadata> next = EvolveSchema(Old(), kBaseFile, Wanted(), kCreatedMs - 60'000);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->last_updated_ms, kCreatedMs);
}

TEST(IcebergEvolveSchema, RefusesWhatIcebergDoesNotAllowOrWouldLoseData) {
  const TableMetadata base = Old();
  auto refused = [&](Schema s, std::string_view why) {
    Result<TableMetadata> next = EvolveSchema(base, kBaseFile, s, kCreatedMs);
    ASSERT_FALSE(next.ok()) << why;
    EXPECT_EQ(next.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(next.status().message().find(why), std::string::npos) << next.status().message();
  };
  Schema dropped = Wanted();
  dropped.fields.erase(dropped.fields.begin() + 2);
  refused(dropped, "dropped");
  Schema retyped = Wanted();
  retyped.fields[0].type = PrimitiveType::Of(TypeId::kString);
  refused(retyped, "cannot change");
  Schema rescaled = Wanted();
  rescaled.fields[2].type = PrimitiveType::Decimal(38, 4);
  refused(rescaled, "cannot change");
  Schema required_new = Wanted();
  required_new.fields[3].required = true;
  refused(required_new, "must be optional");
  Schema reused = Wanted();
  reused.fields[3].id = 3;
  refused(reused, "");  // two fields with id 3: an invalid schema
  refused(base.schemas[0], "already current");
  EXPECT_EQ(EvolveSchema(base, "", Wanted(), kCreatedMs).status().code(), StatusCode::kInvalidArgument);

  // Optional to required is refused too.
  Result<TableMetadata> relaxed = EvolveSchema(base, kBaseFile, Wanted(), kCreatedMs);
  ASSERT_TRUE(relaxed.ok());
  Schema tightened = Wanted();
  tightened.fields[2].required = true;
  Result<TableMetadata> back = EvolveSchema(*relaxed, kBaseFile, tightened, kCreatedMs);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("cannot become required"), std::string::npos);
}

TEST(IcebergEvolveSchema, ANewColumnMayNotReuseAnIdAtOrBelowLastColumnId) {
  TableMetadata base = Old();
  base.last_column_id = 9;  // columns 4..9 existed once and were dropped by another writer
  Result<TableMetadata> next = EvolveSchema(base, kBaseFile, Wanted(), kCreatedMs);
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.status().message().find("reuses an id"), std::string::npos) << next.status().message();
}

TEST(IcebergEvolveSchema, IntAndFloatPromoteAsTheSpecAllows) {
  TableDefinition d;
  d.schema.fields = {{1, "n", PrimitiveType::Of(TypeId::kInt), true, ""},
                     {2, "x", PrimitiveType::Of(TypeId::kFloat), false, ""}};
  Result<TableMetadata> base = NewTableMetadata(d, kLocation, "8d6f3c1e-0f43-4a8e-9d7b-1f2a3b4c5d6e", kCreatedMs);
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  Schema wider;
  wider.fields = {{1, "n", kLong, true, ""}, {2, "x", PrimitiveType::Of(TypeId::kDouble), false, ""}};
  EXPECT_TRUE(EvolveSchema(*base, kBaseFile, wider, kCreatedMs).ok());
}

}  // namespace
}  // namespace tradeagg::lake::iceberg
