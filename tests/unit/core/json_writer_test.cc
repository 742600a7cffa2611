#include "tradeagg/core/json_writer.h"

#include <gtest/gtest.h>

namespace tradeagg {
namespace {

std::string Escaped(std::string_view value) {
  std::string out;
  AppendJsonEscaped(out, value);
  return out;
}

TEST(JsonWriterTest, EmptyContainers) {
  EXPECT_EQ(JsonWriter().BeginObject().EndObject().Take(), "{}");
  EXPECT_EQ(JsonWriter().BeginArray().EndArray().Take(), "[]");
}

TEST(JsonWriterTest, PlacesCommasBetweenMembers) {
  JsonWriter w;
  w.BeginObject().Key("a").Int(int64_t{1}).Key("b").String("x").Key("c").Bool(true).Key("d").Null().EndObject();
  EXPECT_EQ(w.str(), R"({"a":1,"b":"x","c":true,"d":null})");
}

TEST(JsonWriterTest, PlacesCommasBetweenArrayElements) {
  JsonWriter w;
  w.BeginArray().Int(int64_t{1}).Int(int64_t{-2}).String("three").Bool(false).Null().EndArray();
  EXPECT_EQ(w.Take(), R"([1,-2,"three",false,null])");
}

TEST(JsonWriterTest, Nested) {
  JsonWriter w;
  w.BeginObject()
      .Key("rows")
      .BeginArray()
      .BeginObject().Field("id", 1).EndObject()
      .BeginObject().Field("id", 2).Key("tags").BeginArray().EndArray().EndObject()
      .BeginArray().BeginArray().EndArray().EndArray()
      .EndArray()
      .Key("empty")
      .BeginObject()
      .EndObject()
      .Field("after", "yes")
      .EndObject();
  EXPECT_EQ(w.Take(), R"({"rows":[{"id":1},{"id":2,"tags":[]},[[]]],"empty":{},"after":"yes"})");
}

TEST(JsonWriterTest, FieldPicksTheEncodingByType) {
  JsonWriter w;
  std::string text = "s";
  w.BeginObject()
      .Field("int", 42)
      .Field("long", int64_t{-9'000'000'000})
      .Field("big", int128{1} << 100)
      .Field("flag", false)
      .Field("price", *Decimal::Parse("101.2500"))
      .Field("literal", "lit")
      .Field("string", text)
      .Field("view", std::string_view("v"))
      .EndObject();
  EXPECT_EQ(w.Take(),
            R"({"int":42,"long":-9000000000,"big":1267650600228229401496703205376,"flag":false,)"
            R"("price":"101.25","literal":"lit","string":"s","view":"v"})");
}

TEST(JsonWriterTest, DecimalsAreStrings) {
  JsonWriter w;
  w.BeginArray().Decimal(*Decimal::Parse("-0.5")).Decimal(Decimal()).EndArray();
  EXPECT_EQ(w.Take(), R"(["-0.5","0"])");
}

TEST(JsonWriterTest, Int128Extremes) {
  const int128 max = (int128{1} << 126) - 1 + (int128{1} << 126);
  JsonWriter w;
  w.BeginArray().Int(max).Int(-max - 1).EndArray();
  EXPECT_EQ(w.Take(), "[170141183460469231731687303715884105727,-170141183460469231731687303715884105728]");
}

TEST(JsonWriterTest, RawIsOneValue) {
  JsonWriter w;
  w.BeginObject().Key("a").Raw(R"({"x":[1,2]})").Key("b").Raw("3").EndObject();
  EXPECT_EQ(w.Take(), R"({"a":{"x":[1,2]},"b":3})");
  JsonWriter arr;
  arr.BeginArray().Raw("1").Raw("{}").EndArray();
  EXPECT_EQ(arr.Take(), "[1,{}]");
}

TEST(JsonWriterTest, TopLevelScalar) {
  EXPECT_EQ(JsonWriter().String("a").Take(), R"("a")");
  EXPECT_EQ(JsonWriter().Int(int64_t{7}).Take(), "7");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndShortForms) {
  EXPECT_EQ(Escaped(""), R"("")");
  EXPECT_EQ(Escaped(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(Escaped(R"(C:\dir)"), R"("C:\\dir")");
  EXPECT_EQ(Escaped("a\nb\rc\td"), R"("a\nb\rc\td")");
  EXPECT_EQ(Escaped("/"), R"("/")");  // '/' may stay as is
}

TEST(JsonWriterTest, EscapesOtherControlCharactersAsUnicode) {
  EXPECT_EQ(Escaped(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(Escaped("\x01"), R"("\u0001")");
  EXPECT_EQ(Escaped("\b\f"), R"("\u0008\u000c")");
  EXPECT_EQ(Escaped("\x1f"), R"("\u001f")");
  EXPECT_EQ(Escaped("x\x1by"), R"("x\u001by")");
}

TEST(JsonWriterTest, LeavesOtherBytesAlone) {
  EXPECT_EQ(Escaped("\x7f"), "\"\x7f\"");
  EXPECT_EQ(Escaped("caf\xc3\xa9 \xe2\x82\xac"), "\"caf\xc3\xa9 \xe2\x82\xac\"");  // UTF-8 passes through
}

TEST(JsonWriterTest, KeysAndValuesAreEscaped) {
  JsonWriter w;
  w.BeginObject().Field("k\"ey", "v\\al\n").EndObject();
  EXPECT_EQ(w.Take(), R"({"k\"ey":"v\\al\n"})");
}

}  // namespace
}  // namespace tradeagg
