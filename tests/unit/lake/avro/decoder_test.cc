#include "tradeagg/lake/avro/decoder.h"

#include <gtest/gtest.h>

#include <limits>

#include "tradeagg/lake/avro/encoder.h"

namespace tradeagg::lake::avro {
namespace {

Schema Parse(std::string_view json) {
  Result<Schema> schema = Schema::Parse(json);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return std::move(schema).value();
}

Result<Datum> Decode(std::string_view schema_json, std::string_view bytes, size_t base_offset = 0) {
  Schema schema = Parse(schema_json);
  Decoder decoder(bytes, base_offset);
  return DecodeDatum(schema.root(), decoder);
}

void ExpectError(const Result<Datum>& result, const std::string& fragment) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find(fragment), std::string::npos) << result.status().message();
}

TEST(AvroDecoderTest, ZigzagEdgeValues) {
  Decoder decoder(std::string_view("\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01" "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 20));
  EXPECT_EQ(*decoder.ReadLong(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*decoder.ReadLong(), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(decoder.at_end());
}

TEST(AvroDecoderTest, NonMinimalVarintsAreAccepted) {
  // 0 written in two bytes is legal varint (writers should not, readers must cope).
  Decoder decoder(std::string_view("\x80\x00", 2));
  EXPECT_EQ(*decoder.ReadLong(), 0);
}

TEST(AvroDecoderTest, RejectsBadVarints) {
  Decoder truncated(std::string_view("\x80\x80", 2), 100);
  Result<int64_t> r = truncated.ReadLong();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "avro: truncated varint at offset 100");

  Decoder overlong(std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10));
  EXPECT_FALSE(overlong.ReadLong().ok());
  Decoder eleven(std::string_view("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 11));
  EXPECT_FALSE(eleven.ReadLong().ok());
  Decoder empty(std::string_view{});
  EXPECT_FALSE(empty.ReadLong().ok());
}

TEST(AvroDecoderTest, IntMustFitIn32Bits) {
  ExpectError(Decode(R"("int")", "\x80\x80\x80\x80\x10"), "out of 32-bit range");
  EXPECT_EQ(*Decode(R"("int")", "\xff\xff\xff\xff\x0f"), Datum::Int(std::numeric_limits<int32_t>::min()));
}

TEST(AvroDecoderTest, BooleanMustBeZeroOrOne) {
  ExpectError(Decode(R"("boolean")", "\x02"), "neither 0 nor 1");
  EXPECT_EQ(*Decode(R"("boolean")", "\x01"), Datum::Boolean(true));
}

TEST(AvroDecoderTest, BytesLengthIsChecked) {
  ExpectError(Decode(R"("string")", "\x0a" "ab", 40), "byte length 5 exceeds the 2 bytes left at offset 40");
  ExpectError(Decode(R"("bytes")", "\x01"), "byte length -1");
  ExpectError(Decode(R"({"type": "fixed", "name": "F", "size": 4})", "abc"), "truncated value of 4 bytes");
}

TEST(AvroDecoderTest, UnionBranchIsChecked) {
  EXPECT_EQ(*Decode(R"(["null", "long"])", "\x02\x04"), Datum::Long(2));
  EXPECT_EQ(*Decode(R"(["null", "long"])", std::string_view("\x00", 1)), Datum::Null());
  ExpectError(Decode(R"(["null", "long"])", "\x04\x04"), "union branch 2 of 2 at offset 0");
  ExpectError(Decode(R"(["null", "long"])", "\x01"), "union branch -1");
}

TEST(AvroDecoderTest, ArraysInSeveralBlocksAndWithByteSizes) {
  // Block of 2, then a block of -1 items with its byte size (1), then the end.
  const std::string bytes("\x04\x02\x04\x01\x02\x06\x00", 7);
  EXPECT_EQ(*Decode(R"({"type": "array", "items": "long"})", bytes),
            Datum::Array({Datum::Long(1), Datum::Long(2), Datum::Long(3)}));
}

TEST(AvroDecoderTest, MapsInBlocks) {
  // count -1 (zigzag 0x01), byte size 3, key "a", value 1, then the end.
  const std::string bytes("\x01\x06\x02" "a" "\x02\x00", 6);
  EXPECT_EQ(*Decode(R"({"type": "map", "values": "int"})", bytes), Datum::Map({{"a", Datum::Int(1)}}));
}

TEST(AvroDecoderTest, ImplausibleBlockCountsAreRejected) {
  // 2^40 longs cannot fit in the 1 byte left.
  ExpectError(Decode(R"({"type": "array", "items": "long"})", "\x80\x80\x80\x80\x80\x40\x00"), "block count");
  // Zero-width items cannot be checked against the bytes left, so they are capped.
  ExpectError(Decode(R"({"type": "array", "items": "null"})", "\x80\x80\x80\x80\x80\x40"), "block count");
  EXPECT_EQ(*Decode(R"({"type": "array", "items": "null"})", std::string_view("\x06\x00", 2)),
            Datum::Array({Datum::Null(), Datum::Null(), Datum::Null()}));
}

TEST(AvroDecoderTest, TruncatedRecordSaysWhere) {
  ExpectError(Decode(R"({"type": "record", "name": "r", "fields": [
                          {"name": "a", "type": "long"}, {"name": "b", "type": "long"}]})",
                     "\x02", 7),
              "truncated varint at offset 8");
}

TEST(AvroDecoderTest, DeepRecursionIsLimited) {
  // A linked list: each level is one union byte "1" (the record branch).
  const char* schema = R"({"type": "record", "name": "Node", "fields": [
                            {"name": "next", "type": ["null", "Node"]}]})";
  EXPECT_EQ(*Decode(schema, std::string("\x02\x02\x00", 3)),
            Datum::Record({Datum::Record({Datum::Record({Datum::Null()})})}));
  ExpectError(Decode(schema, std::string(10000, '\x02')), "nested deeper");
}

TEST(AvroDecoderTest, RoundTripsAComplexValue) {
  const char* schema_json = R"({"type": "record", "name": "r", "fields": [
      {"name": "id", "type": "string"},
      {"name": "when", "type": {"type": "long", "logicalType": "timestamp-micros"}},
      {"name": "tags", "type": {"type": "map", "values": ["null", "bytes"]}},
      {"name": "parts", "type": {"type": "array", "items": {"type": "record", "name": "p", "fields": [
          {"name": "k", "type": "int"}, {"name": "v", "type": {"type": "fixed", "name": "two", "size": 2}}]}}},
      {"name": "ok", "type": "boolean"}]})";
  const Datum value = Datum::Record({
      Datum::String("T-1"), Datum::Long(-1'700'000'000'000'000),
      Datum::Map({{"x", Datum::Null()}, {"y", Datum::Bytes(std::string("\0\1", 2))}}),
      Datum::Array({Datum::Record({Datum::Int(7), Datum::Bytes("ab")}), Datum::Record({Datum::Int(-7), Datum::Bytes("cd")})}),
      Datum::Boolean(true)});
  Schema schema = Parse(schema_json);
  std::string bytes;
  ASSERT_TRUE(EncodeDatum(schema.root(), value, &bytes).ok());
  Decoder decoder(bytes);
  Result<Datum> decoded = DecodeDatum(schema.root(), decoder);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, value);
  EXPECT_TRUE(decoder.at_end());
}

}  // namespace
}  // namespace tradeagg::lake::avro
