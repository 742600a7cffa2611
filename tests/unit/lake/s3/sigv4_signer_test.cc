#include "tradeagg/lake/s3/sigv4_signer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tradeagg::lake::s3 {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// The inputs of the examples in AWS's S3 documentation, "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk (AWS Signature Version 4)"
// (sig-v4-header-based-auth): the expected signatures below are the ones printed there.
const Credentials kAwsExampleCredentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr std::string_view kAwsExampleHost = "examplebucket.s3.amazonaws.com";
constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;

// 2013-05-24T00:00:00Z, the examples' x-amz-date 20130524T000000Z.
Timestamp AwsExampleTime() { return Timestamp::FromMicros(Date::FromCivil(2013, 5, 24).days() * kMicrosPerDay); }

SignableRequest Request(std::string method, std::string host, std::string path, Pairs query, Pairs headers,
                        std::string_view payload_sha256_hex) {
  return SignableRequest{std::move(method), std::move(host),    std::move(path),
                         std::move(query),  std::move(headers), std::string(payload_sha256_hex)};
}

Pairs SignAwsExample(const SignableRequest& request, const Credentials& credentials = kAwsExampleCredentials) {
  return SignV4(request, credentials, "us-east-1", "s3", AwsExampleTime());
}

std::string HeaderValue(const Pairs& headers, std::string_view name) {
  for (const auto& [header_name, value] : headers) {
    if (header_name == name) return value;
  }
  ADD_FAILURE() << "no header " << name;
  return "";
}

std::string SignatureOf(const Pairs& headers) {
  std::string authorization = HeaderValue(headers, "Authorization");
  size_t at = authorization.rfind("Signature=");
  return at == std::string::npos ? "" : authorization.substr(at + 10);
}

std::string SignedHeadersOf(const Pairs& headers) {
  std::string authorization = HeaderValue(headers, "Authorization");
  size_t begin = authorization.find("SignedHeaders=");
  if (begin == std::string::npos) return "";
  begin += 14;
  return authorization.substr(begin, authorization.find(',', begin) - begin);
}

SignableRequest AwsGetObjectExample() {
  return Request("GET", std::string(kAwsExampleHost), "/test.txt", {}, {{"Range", "bytes=0-9"}}, kEmptySha256);
}

// ---- AWS's published examples -------------------------------------------------------------

TEST(Sigv4Signer, AwsExampleGetObject) {
  Pairs added = SignAwsExample(AwsGetObjectExample());
  Pairs expected{
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
       "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
       "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-content-sha256", std::string(kEmptySha256)},
  };
  EXPECT_EQ(added, expected);
}

TEST(Sigv4Signer, AwsExamplePutObject) {
  const std::string body = "Welcome to Amazon S3.";
  ASSERT_EQ(Sha256Hex(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  // The key has a '$', which the signed (and sent) path carries as %24.
  EXPECT_EQ(EncodePath("/test$file.text"), "/test%24file.text");
  Pairs added = SignAwsExample(Request("PUT", std::string(kAwsExampleHost), "/test$file.text", {},
                                       {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                        {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                                       Sha256Hex(body)));
  EXPECT_EQ(SignedHeadersOf(added), "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(SignatureOf(added), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  EXPECT_EQ(HeaderValue(added, "x-amz-content-sha256"), Sha256Hex(body));
}

TEST(Sigv4Signer, AwsExampleGetBucketLifecycle) {
  Pairs added =
      SignAwsExample(Request("GET", std::string(kAwsExampleHost), "/", {{"lifecycle", ""}}, {}, kEmptySha256));
  EXPECT_EQ(SignedHeadersOf(added), "host;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(SignatureOf(added), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(Sigv4Signer, AwsExampleListObjects) {
  // Given out of order: the canonical query sorts them.
  Pairs added = SignAwsExample(
      Request("GET", std::string(kAwsExampleHost), "/", {{"prefix", "J"}, {"max-keys", "2"}}, {}, kEmptySha256));
  EXPECT_EQ(SignatureOf(added), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// ---- Canonical headers ----------------------------------------------------------------------

TEST(Sigv4Signer, HeaderNamesAnyCaseValuesTrimmedAndBlanksCollapsed) {
  const std::string expected = SignatureOf(SignAwsExample(AwsGetObjectExample()));
  SignableRequest request = AwsGetObjectExample();
  request.headers = {{"RANGE", " \tbytes=0-9  "}};
  EXPECT_EQ(SignatureOf(SignAwsExample(request)), expected);

  // The PUT example with the Date header re-spaced.
  request = Request("PUT", std::string(kAwsExampleHost), "/test$file.text", {},
                    {{"x-amz-storage-class", "REDUCED_REDUNDANCY"}, {"date", "  Fri,  24 May 2013\t 00:00:00   GMT"}},
                    Sha256Hex("Welcome to Amazon S3."));
  EXPECT_EQ(SignatureOf(SignAwsExample(request)), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(Sigv4Signer, RepeatedHeaderIsSignedAsOneWithValuesJoined) {
  SignableRequest repeated = AwsGetObjectExample();
  repeated.headers.emplace_back("x-amz-meta-tag", "one");
  repeated.headers.emplace_back("X-Amz-Meta-Tag", "two");
  SignableRequest joined = AwsGetObjectExample();
  joined.headers.emplace_back("x-amz-meta-tag", "one,two");
  Pairs added = SignAwsExample(repeated);
  EXPECT_EQ(SignedHeadersOf(added), "host;range;x-amz-content-sha256;x-amz-date;x-amz-meta-tag");
  EXPECT_EQ(SignatureOf(added), SignatureOf(SignAwsExample(joined)));
}

TEST(Sigv4Signer, HeadersTheSignerSetsAreNotTakenFromTheRequest) {
  SignableRequest request = AwsGetObjectExample();
  request.headers.emplace_back("Host", "elsewhere.example.com");
  request.headers.emplace_back("X-Amz-Date", "20000101T000000Z");
  request.headers.emplace_back("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  request.headers.emplace_back("Authorization", "stale");
  EXPECT_EQ(SignAwsExample(request), SignAwsExample(AwsGetObjectExample()));
}

TEST(Sigv4Signer, SubSecondDigitsOfNowAreDropped) {
  Timestamp late = Timestamp::FromMicros(AwsExampleTime().micros() + 999'999);
  EXPECT_EQ(SignV4(AwsGetObjectExample(), kAwsExampleCredentials, "us-east-1", "s3", late),
            SignAwsExample(AwsGetObjectExample()));
}

// ---- Beyond AWS's examples: values computed independently with botocore 1.43.11
// (botocore.auth.S3SigV4Auth, the AWS CLI's signer) for the same inputs and time. ----------------

TEST(Sigv4Signer, SessionTokenIsSentAndSigned) {
  Credentials temporary = kAwsExampleCredentials;
  temporary.session_token = "FQoGZXIvYXdzEXAMPLE//////////token+with/slash=";
  Pairs added = SignAwsExample(AwsGetObjectExample(), temporary);
  ASSERT_EQ(added.size(), 4u);
  EXPECT_EQ(HeaderValue(added, "x-amz-security-token"), temporary.session_token);
  EXPECT_EQ(SignedHeadersOf(added), "host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  EXPECT_EQ(SignatureOf(added), "1cee9e5283f8ca07d9076135abb8015d2824218e7b64d4a42a939997b7810e61");
}

TEST(Sigv4Signer, NoSessionTokenNoSecurityTokenHeader) {
  for (const auto& [name, value] : SignAwsExample(AwsGetObjectExample())) EXPECT_NE(name, "x-amz-security-token");
}

TEST(Sigv4Signer, UnsignedPayloadPassesThrough) {
  // An UploadPart to a local S3 (SeaweedFS-style host with a port), a key needing encoding.
  Pairs added = SignAwsExample(Request("PUT", "127.0.0.1:8333", "/lake/tradeagg.db/some key+\xC3\xBC$.parquet",
                                       {{"uploadId", "a/b+c=="}, {"partNumber", "1"}},
                                       {{"Content-Type", "application/octet-stream"}}, kUnsignedPayload));
  EXPECT_EQ(HeaderValue(added, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(SignedHeadersOf(added), "content-type;host;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(SignatureOf(added), "4ce6349d474bc1f492f04c8a8ddfa9f2280d6027790e60e9cc35f755df8e990d");
}

TEST(Sigv4Signer, ListObjectsV2WithContinuationToken) {
  Pairs query{{"list-type", "2"},
              {"prefix", "tradeagg.db/a b/"},
              {"continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=+"}};
  EXPECT_EQ(CanonicalQuery(query),
            "continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D%2B"
            "&list-type=2&prefix=tradeagg.db%2Fa%20b%2F");
  Pairs added = SignAwsExample(Request("GET", "127.0.0.1:8333", "/lake", query, {}, kEmptySha256));
  EXPECT_EQ(SignatureOf(added), "e2554c3f772b89b330e66ae34892f6f9060baad0ca5f0ef63e695a52fbba83ed");
}

// ---- Encoding helpers -----------------------------------------------------------------------

TEST(Sigv4UriEncode, KeepsUnreservedCharacters) {
  const std::string unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  EXPECT_EQ(UriEncode(unreserved, true), unreserved);
  EXPECT_EQ(UriEncode("", true), "");
}

TEST(Sigv4UriEncode, EncodesReservedCharactersWithUppercaseHex) {
  EXPECT_EQ(UriEncode(" !\"#$%&'()*+,:;<=>?@[\\]^`{|}", true),
            "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D");
  // Already-encoded text is encoded again: the signer takes raw text only.
  EXPECT_EQ(UriEncode("a%2Fb", true), "a%252Fb");
  EXPECT_EQ(UriEncode(std::string_view("\0\x1f\x7f", 3), true), "%00%1F%7F");
}

TEST(Sigv4UriEncode, EncodesUtf8ByteByByte) {
  EXPECT_EQ(UriEncode("caf\xC3\xA9", true), "caf%C3%A9");              // é
  EXPECT_EQ(UriEncode("\xE2\x82\xAC" "100", true), "%E2%82%AC100");    // €
  EXPECT_EQ(UriEncode("\xF0\x9F\x93\x88", true), "%F0%9F%93%88");      // U+1F4C8
  EXPECT_EQ(UriEncode("\xFF", true), "%FF");
}

TEST(Sigv4UriEncode, SlashKeptOnlyWhenAsked) {
  EXPECT_EQ(UriEncode("a/b c/d", false), "a/b%20c/d");
  EXPECT_EQ(UriEncode("a/b c/d", true), "a%2Fb%20c%2Fd");
}

TEST(Sigv4EncodePath, EncodesSegmentsAndKeepsSlashes) {
  EXPECT_EQ(EncodePath("/bucket/some key.txt"), "/bucket/some%20key.txt");
  EXPECT_EQ(EncodePath("/bucket/tradeagg.db/trades/data/business_date=2026-11-24/00000-x.parquet"),
            "/bucket/tradeagg.db/trades/data/business_date%3D2026-11-24/00000-x.parquet");
  EXPECT_EQ(EncodePath("/b/a+b&c=d?e#f"), "/b/a%2Bb%26c%3Dd%3Fe%23f");
  EXPECT_EQ(EncodePath("/b/\xC3\xA9t\xC3\xA9/"), "/b/%C3%A9t%C3%A9/");
}

TEST(Sigv4EncodePath, DoesNotNormalise) {
  // S3 signs the path as sent: no dot-segment removal, no merging of slashes.
  EXPECT_EQ(EncodePath("/b//a/./c/../d"), "/b//a/./c/../d");
}

TEST(Sigv4EncodePath, AlwaysAbsolute) {
  EXPECT_EQ(EncodePath(""), "/");
  EXPECT_EQ(EncodePath("/"), "/");
  EXPECT_EQ(EncodePath("key"), "/key");
}

TEST(Sigv4CanonicalQuery, EmptyQueryIsEmpty) { EXPECT_EQ(CanonicalQuery({}), ""); }

TEST(Sigv4CanonicalQuery, ValuelessParameterGetsEquals) {
  EXPECT_EQ(CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQuery({{"uploadId", "x"}, {"uploads", ""}, {"delete", ""}}), "delete=&uploadId=x&uploads=");
}

TEST(Sigv4CanonicalQuery, SortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQuery({{"b", "2"}, {"a", "x y"}, {"a", "1"}}), "a=1&a=x%20y&b=2");
  // By character code: uppercase before lowercase.
  EXPECT_EQ(CanonicalQuery({{"a", "1"}, {"B", "2"}}), "B=2&a=1");
  // On the encoded bytes, not the raw ones: '%' (0x25) sorts before '-' (0x2D) and every letter
  // or digit, while raw ';', '@' and UTF-8 bytes would sort after them.
  EXPECT_EQ(CanonicalQuery({{"k-", "1"}, {"k;", "2"}}), "k%3B=2&k-=1");
  EXPECT_EQ(CanonicalQuery({{"k", "-"}, {"k", "@"}}), "k=%40&k=-");
  EXPECT_EQ(CanonicalQuery({{"a", "1"}, {"\xC3\xA9", "2"}}), "%C3%A9=2&a=1");
}

TEST(Sigv4CanonicalQuery, EncodesNamesAndValuesIncludingSlash) {
  EXPECT_EQ(CanonicalQuery({{"continuation-token", "ab+cd/ef=="}}), "continuation-token=ab%2Bcd%2Fef%3D%3D");
  EXPECT_EQ(CanonicalQuery({{"x-id", "a b&c"}}), "x-id=a%20b%26c");
  EXPECT_EQ(CanonicalQuery({{"prefix", "caf\xC3\xA9/"}}), "prefix=caf%C3%A9%2F");
}

TEST(Sigv4Sha256Hex, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), kEmptySha256);
  // FIPS 180-2, appendix B.1.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace tradeagg::lake::s3
