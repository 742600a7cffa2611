#include "tradeagg/lake/avro/schema.h"

#include <gtest/gtest.h>

namespace tradeagg::lake::avro {
namespace {

void ExpectRejected(std::string_view json, const std::string& fragment) {
  Result<Schema> schema = Schema::Parse(json);
  ASSERT_FALSE(schema.ok()) << json;
  EXPECT_EQ(schema.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(schema.status().message().find(fragment), std::string::npos) << schema.status().message();
}

TEST(AvroSchemaTest, PrimitivesInBothForms) {
  for (std::string_view json : {R"("long")", R"({"type": "long"})"}) {
    Result<Schema> schema = Schema::Parse(json);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    EXPECT_EQ(schema->root().type, Type::kLong);
    EXPECT_EQ(schema->json(), json);
  }
}

TEST(AvroSchemaTest, KeepsIcebergAttributes) {
  const std::string json = R"({"type": "record", "name": "manifest_entry", "fields": [
      {"name": "status", "field-id": 0, "type": "int"},
      {"name": "split_offsets", "field-id": 132, "type": ["null", {"type": "array", "element-id": 133, "items": "long"}],
       "default": null, "doc": "Splittable offsets"},
      {"name": "day", "field-id": 1000, "type": {"type": "int", "logicalType": "date"}},
      {"name": "sizes", "field-id": 108, "type": {"type": "array", "logicalType": "map", "items": {
          "type": "record", "name": "k117_v118", "fields": [
              {"name": "key", "type": "int", "field-id": 117}, {"name": "value", "type": "long", "field-id": 118}]}}},
      {"name": "tags", "type": {"type": "map", "values": "string", "key-id": 5, "value-id": 6}}]})";
  Result<Schema> parsed = Schema::Parse(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Schema& schema = *parsed;
  EXPECT_EQ(schema.json(), json);  // verbatim, for the container header
  const Node& root = schema.root();
  ASSERT_EQ(root.type, Type::kRecord);
  EXPECT_EQ(root.name, "manifest_entry");
  ASSERT_EQ(root.fields.size(), 5u);

  EXPECT_EQ(IntProp(root.fields[0].props, "field-id"), 0);
  const Field& offsets = root.fields[1];
  EXPECT_EQ(IntProp(offsets.props, "field-id"), 132);
  EXPECT_EQ(offsets.props.at("default"), "null");
  EXPECT_EQ(offsets.props.at("doc"), "\"Splittable offsets\"");
  ASSERT_EQ(offsets.type->type, Type::kUnion);
  ASSERT_EQ(offsets.type->branches.size(), 2u);
  const Node& array = *offsets.type->branches[1];
  EXPECT_EQ(array.type, Type::kArray);
  EXPECT_EQ(IntProp(array.props, "element-id"), 133);
  EXPECT_EQ(array.items->type, Type::kLong);

  EXPECT_EQ(root.fields[2].type->logical_type, "date");
  const Node& sizes = *root.fields[3].type;
  EXPECT_EQ(sizes.logical_type, "map");
  EXPECT_EQ(sizes.items->name, "k117_v118");
  EXPECT_EQ(IntProp(sizes.items->fields[1].props, "field-id"), 118);
  const Node& tags = *root.fields[4].type;
  EXPECT_EQ(IntProp(tags.props, "key-id"), 5);
  EXPECT_EQ(IntProp(tags.props, "value-id"), 6);

  size_t index = 0;
  ASSERT_NE(FindFieldById(root, 1000, &index), nullptr);
  EXPECT_EQ(index, 2u);
  EXPECT_EQ(FindFieldById(root, 999, &index), nullptr);
}

TEST(AvroSchemaTest, NamedReferencesAndNamespaces) {
  Result<Schema> schema = Schema::Parse(R"({"type": "record", "name": "Outer", "namespace": "a.b", "fields": [
      {"name": "f1", "type": {"type": "fixed", "name": "Four", "size": 4}},
      {"name": "f2", "type": "Four"},
      {"name": "f3", "type": "a.b.Four"},
      {"name": "inner", "type": {"type": "record", "name": "x.Inner", "fields": [{"name": "v", "type": "int"}]}},
      {"name": "again", "type": ["null", "x.Inner"]}]})");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const Node& root = schema->root();
  EXPECT_EQ(root.name, "a.b.Outer");
  EXPECT_EQ(root.fields[0].type->name, "a.b.Four");
  EXPECT_EQ(root.fields[1].type, root.fields[0].type);
  EXPECT_EQ(root.fields[2].type, root.fields[0].type);
  EXPECT_EQ(root.fields[3].type->name, "x.Inner");
  EXPECT_EQ(root.fields[4].type->branches[1], root.fields[3].type);
}

TEST(AvroSchemaTest, RecursiveRecordsPointAtThemselves) {
  Result<Schema> schema = Schema::Parse(R"({"type": "record", "name": "List", "fields": [
      {"name": "value", "type": "long"}, {"name": "next", "type": ["null", "List"]}]})");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->root().fields[1].type->branches[1], &schema->root());
}

TEST(AvroSchemaTest, NodesSurviveMoves) {
  Result<Schema> parsed = Schema::Parse(R"({"type": "array", "items": "string"})");
  ASSERT_TRUE(parsed.ok());
  Schema moved = std::move(parsed).value();
  Schema again = std::move(moved);
  EXPECT_EQ(again.root().items->type, Type::kString);
}

TEST(AvroSchemaTest, RejectsInvalidSchemas) {
  ExpectRejected("{", "not valid JSON");
  ExpectRejected(R"("float")", "unsupported type \"float\"");
  ExpectRejected(R"({"type": "enum", "name": "E", "symbols": ["A"]})", "unsupported type \"enum\"");
  ExpectRejected(R"("Nope")", "unknown type name \"Nope\"");
  ExpectRejected(R"({"type": "record", "fields": []})", "record without a \"name\"");
  ExpectRejected(R"({"type": "record", "name": "r"})", "without a \"fields\" array");
  ExpectRejected(R"({"type": "record", "name": "r", "fields": [{"name": "a"}]})", "at a: record field without");
  ExpectRejected(R"({"type": "record", "name": "r", "fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]})",
                 "duplicate field name");
  ExpectRejected(R"({"type": "record", "name": "r", "fields": [{"name": "a", "type": {"type": "array"}}]})",
                 "at a: array without \"items\"");
  ExpectRejected(R"({"type": "fixed", "name": "F"})", "fixed without a non-negative \"size\"");
  ExpectRejected(R"({"type": "fixed", "name": "F", "size": -1})", "fixed without a non-negative \"size\"");
  ExpectRejected(R"(["null", "null"])", "union holds \"null\" twice");
  ExpectRejected(R"(["null", ["int"]])", "may not directly contain a union");
  ExpectRejected(R"([])", "empty union");
  ExpectRejected(R"({"type": "record", "name": "r", "fields": [
      {"name": "a", "type": {"type": "fixed", "name": "r", "size": 1}}]})", "defined twice");
  ExpectRejected(R"({"type": "record", "name": "r", "fields": [
      {"name": "outer", "type": {"type": "record", "name": "in", "fields": [{"name": "deep", "type": "bogus"}]}}]})",
                 "avro schema at outer.deep: unknown type name");
  ExpectRejected("42", "must be a string, an object or an array");
}

}  // namespace
}  // namespace tradeagg::lake::avro
