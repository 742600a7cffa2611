#include "tradeagg/lake/avro/encoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "tradeagg/lake/avro/decoder.h"

namespace tradeagg::lake::avro {
namespace {

std::string EncodeLong(int64_t value) {
  std::string out;
  Encoder(&out).WriteLong(value);
  return out;
}

Schema Parse(std::string_view json) {
  Result<Schema> schema = Schema::Parse(json);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return std::move(schema).value();
}

std::string Encode(std::string_view schema_json, const Datum& datum) {
  Schema schema = Parse(schema_json);
  std::string out;
  Status status = EncodeDatum(schema.root(), datum, &out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

// The Avro spec's own examples, then the edges of 32 and 64 bits.
TEST(AvroEncoderTest, ZigzagVarints) {
  EXPECT_EQ(EncodeLong(0), std::string("\x00", 1));
  EXPECT_EQ(EncodeLong(-1), "\x01");
  EXPECT_EQ(EncodeLong(1), "\x02");
  EXPECT_EQ(EncodeLong(-2), "\x03");
  EXPECT_EQ(EncodeLong(2), "\x04");
  EXPECT_EQ(EncodeLong(-64), "\x7f");
  EXPECT_EQ(EncodeLong(64), "\x80\x01");
  EXPECT_EQ(EncodeLong(std::numeric_limits<int32_t>::max()), "\xfe\xff\xff\xff\x0f");
  EXPECT_EQ(EncodeLong(std::numeric_limits<int32_t>::min()), "\xff\xff\xff\xff\x0f");
  EXPECT_EQ(EncodeLong(std::numeric_limits<int64_t>::max()), "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01");
  EXPECT_EQ(EncodeLong(std::numeric_limits<int64_t>::min()), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
}

TEST(AvroEncoderTest, ZigzagRoundTripsAcrossTheRange) {
  std::vector<int64_t> values = {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192};
  for (int shift = 0; shift < 63; ++shift) {
    const int64_t p = int64_t{1} << shift;
    values.insert(values.end(), {p, -p, p - 1, -p + 1, p + 1, -p - 1});
  }
  values.push_back(std::numeric_limits<int64_t>::max());
  values.push_back(std::numeric_limits<int64_t>::min());
  for (int64_t value : values) {
    const std::string bytes = EncodeLong(value);
    Decoder decoder(bytes);
    Result<int64_t> decoded = decoder.ReadLong();
    ASSERT_TRUE(decoded.ok()) << value;
    EXPECT_EQ(*decoded, value);
    EXPECT_TRUE(decoder.at_end()) << value;
  }
}

TEST(AvroEncoderTest, Primitives) {
  EXPECT_EQ(Encode(R"("null")", Datum::Null()), "");
  EXPECT_EQ(Encode(R"("boolean")", Datum::Boolean(true)), "\x01");
  EXPECT_EQ(Encode(R"("boolean")", Datum::Boolean(false)), std::string("\x00", 1));
  EXPECT_EQ(Encode(R"("int")", Datum::Int(-3)), "\x05");
  EXPECT_EQ(Encode(R"({"type": "int", "logicalType": "date"})", Datum::Int(19724)), "\x98\xb4\x02");
  EXPECT_EQ(Encode(R"("long")", Datum::Long(300)), "\xd8\x04");
  EXPECT_EQ(Encode(R"("string")", Datum::String("foo")), "\x06" "foo");
  EXPECT_EQ(Encode(R"("bytes")", Datum::Bytes(std::string("\x00\xff", 2))), std::string("\x04\x00\xff", 3));
  EXPECT_EQ(Encode(R"({"type": "fixed", "name": "F", "size": 3})", Datum::Bytes("abc")), "abc");
}

TEST(AvroEncoderTest, RecordsArraysMapsAndUnions) {
  // The Avro spec's record example: {"a": 27, "b": "foo"} -> 36 06 66 6f 6f.
  EXPECT_EQ(Encode(R"({"type": "record", "name": "test", "fields": [
                        {"name": "a", "type": "long"}, {"name": "b", "type": "string"}]})",
                   Datum::Record({Datum::Long(27), Datum::String("foo")})),
            "\x36\x06" "foo");
  // Spec: the array [3, 27] of longs -> 04 06 36 00.
  EXPECT_EQ(Encode(R"({"type": "array", "items": "long"})", Datum::Array({Datum::Long(3), Datum::Long(27)})),
            std::string("\x04\x06\x36\x00", 4));
  EXPECT_EQ(Encode(R"({"type": "array", "items": "long"})", Datum::Array({})), std::string("\x00", 1));
  EXPECT_EQ(Encode(R"({"type": "map", "values": "int"})", Datum::Map({{"k", Datum::Int(1)}})),
            std::string("\x02\x02k\x02\x00", 5));
  // Spec: ["null","string"] with "a" -> 02 02 61; null -> 00.
  EXPECT_EQ(Encode(R"(["null", "string"])", Datum::String("a")), "\x02\x02" "a");
  EXPECT_EQ(Encode(R"(["null", "string"])", Datum::Null()), std::string("\x00", 1));
}

TEST(AvroEncoderTest, MismatchNamesThePath) {
  Schema schema = Parse(R"({"type": "record", "name": "r", "fields": [
      {"name": "outer", "type": {"type": "record", "name": "inner", "fields": [
          {"name": "n", "type": ["null", "long"]}]}},
      {"name": "list", "type": {"type": "array", "items": "int"}}]})");
  std::string out;
  Status status = EncodeDatum(schema.root(),
                              Datum::Record({Datum::Record({Datum::Int(1)}), Datum::Array({})}), &out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("/outer/n"), std::string::npos) << status.message();

  status = EncodeDatum(schema.root(),
                       Datum::Record({Datum::Record({Datum::Long(1)}), Datum::Array({Datum::Int(1), Datum::Long(2)})}),
                       &out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("/list[1]"), std::string::npos) << status.message();

  status = EncodeDatum(schema.root(), Datum::Record({Datum::Null()}), &out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("record of 2 fields"), std::string::npos) << status.message();
}

TEST(AvroEncoderTest, FixedMustHaveItsSize) {
  Schema schema = Parse(R"({"type": "fixed", "name": "F", "size": 2})");
  std::string out;
  EXPECT_EQ(EncodeDatum(schema.root(), Datum::Bytes("abc"), &out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tradeagg::lake::avro
