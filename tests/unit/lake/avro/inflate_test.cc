#include "tradeagg/lake/avro/inflate.h"

#include <gtest/gtest.h>

namespace tradeagg::lake::avro {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string Inflate(std::string_view compressed) {
  Result<std::string> out = InflateRaw(compressed);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::string();
}

// Vectors made with zlib (compressobj(9, DEFLATED, -15)), the reference implementation.
TEST(InflateTest, FixedHuffmanBlocks) {
  EXPECT_EQ(Inflate(FromHex("0300")), "");
  EXPECT_EQ(Inflate(FromHex("4b0400")), "a");
  // Back-references that overlap their own output.
  EXPECT_EQ(Inflate(FromHex("cb48cdc9c957c8402701")), "hello hello hello hello");
}

TEST(InflateTest, DynamicHuffmanBlock) {
  const std::string plain =
      "cbebhhhgdbhaggahedbfaaa agdga dhh dfddheag bcebf g deeh gahdggcf fbh bc gfhahaegcc dad  dg ffhe ag c  "
      "dgahf d ghfgfa  fhadc cb eabbahaedebcfebcce ceehfhhbaegfgdebe dgadagcach g d hd agfgaecdaebbeecgec";
  const std::string compressed = FromHex(
      "158dc901c04008025ba1351484fe2bc8e6e1836bdcf1b48da64c586b8e241885500b9d543398f51c02d9c5ab2ad9c34d5f825c593abb"
      "100528b8ab1f07fb2bf620a49723f0ca5aecc09cf977f2ecbd5b631ffeda79b0cbf3fdafc52cb7ff77548f7aa157f48cbdf17e");
  EXPECT_EQ(Inflate(compressed), plain);
}

TEST(InflateTest, StoredBlocksAndTrailingBytes) {
  // A non-final stored block "hel", a final stored block "lo", then leftover zlib trailer bytes.
  const std::string stream = std::string("\x00\x03\x00\xfc\xff", 5) + "hel" + std::string("\x01\x02\x00\xfd\xff", 5) +
                             "lo" + "\xde\xad";
  EXPECT_EQ(Inflate(stream), "hello");
}

TEST(InflateTest, RejectsMalformedStreams) {
  auto code = [](std::string_view s) { return InflateRaw(s).status().code(); };
  EXPECT_EQ(code(""), StatusCode::kInvalidArgument);                              // no block at all
  EXPECT_EQ(code("\x07"), StatusCode::kInvalidArgument);                          // block type 3
  EXPECT_EQ(code(std::string("\x01\x03\x00\x00\x00", 5)), StatusCode::kInvalidArgument);  // bad complement
  EXPECT_EQ(code(std::string("\x01\x05\x00\xfa\xff" "abc", 8)), StatusCode::kInvalidArgument);  // truncated
  EXPECT_EQ(code(FromHex("cb48cdc9c957c840")), StatusCode::kInvalidArgument);     // cut short
  // A fixed block whose first code is a match at distance 1 with no output yet.
  EXPECT_EQ(code(FromHex("0302")), StatusCode::kInvalidArgument);
  Result<std::string> status = InflateRaw(FromHex("0300").substr(0, 0));
  EXPECT_NE(status.status().message().find("deflate: truncated stream"), std::string::npos);
}

TEST(InflateTest, OutputIsBounded) {
  Result<std::string> out = InflateRaw(FromHex("cb48cdc9c957c8402701"), /*max_output=*/10);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("output exceeds 10 bytes"), std::string::npos);
}

}  // namespace
}  // namespace tradeagg::lake::avro
