// The Iceberg REST protocol's shapes: namespaces in paths, the ErrorModel, the OAuth2 answers.
#include "tradeagg/api/iceberg_rest_codec.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace tradeagg::api {
namespace {

TEST(IcebergRestCodecTest, ANamespaceSegmentSplitsAtTheUnitSeparator) {
  EXPECT_EQ(ParseNamespace("tradeagg").value(), NamespaceLevels({"tradeagg"}));
  EXPECT_EQ(ParseNamespace("accounting\x1Ftax").value(), NamespaceLevels({"accounting", "tax"}));
  for (std::string_view bad : {std::string_view(""), std::string_view("a\x1F"), std::string_view("\x1F" "a"),
                               std::string_view("a\x1F\x1F" "b")}) {
    auto parsed = ParseNamespace(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(IcebergRestCodecTest, TheCatalogNamesANamespaceWithDots) {
  EXPECT_EQ(CatalogNamespace({"accounting", "tax"}), "accounting.tax");
  EXPECT_EQ(NamespaceLevelsOf("accounting.tax"), NamespaceLevels({"accounting", "tax"}));
  EXPECT_EQ(CatalogNamespace({"a.b"}), std::nullopt) << "a level with a dot has no Catalog name";
}

TEST(IcebergRestCodecTest, ErrorsAreTheErrorModel) {
  http::Response response = IcebergErrorFromStatus(Status::NotFound("no table \"x\""), kNoSuchTable);
  EXPECT_EQ(response.status, 404u);
  EXPECT_EQ(response.content_type, "application/json");
  simdjson::dom::parser parser;
  simdjson::dom::element json;
  ASSERT_FALSE(parser.parse(response.body).get(json)) << response.body;
  EXPECT_EQ(json["error"]["message"].get_string().value(), "no table \"x\"");
  EXPECT_EQ(json["error"]["type"].get_string().value(), "NoSuchTableException");
  EXPECT_EQ(json["error"]["code"].get_int64().value(), 404);

  http::Response unauthorized = IcebergErrorFromStatus(Status::Unauthenticated("token expired"));
  EXPECT_EQ(unauthorized.status, 401u);
  EXPECT_NE(unauthorized.body.find("\"type\":\"NotAuthorizedException\""), std::string::npos);
  ASSERT_EQ(unauthorized.headers.size(), 1u);
  EXPECT_EQ(unauthorized.headers[0].first, "WWW-Authenticate");

  EXPECT_EQ(IcebergErrorFromStatus(Status::PermissionDenied("no")).status, 403u);
  EXPECT_EQ(IcebergErrorFromStatus(Status::InvalidArgument("no")).status, 400u);
  EXPECT_EQ(IcebergErrorFromStatus(Status::Unavailable("down")).status, 503u);
  EXPECT_EQ(IcebergErrorFromStatus(Status::Internal("bug")).status, 500u);
  http::Response throttled = IcebergErrorFromStatus(Status::ResourceExhausted("slow down").WithRetryAfter(7));
  EXPECT_EQ(throttled.status, 429u);
  ASSERT_EQ(throttled.headers.size(), 1u);
  EXPECT_EQ(throttled.headers[0], (std::pair<std::string, std::string>("Retry-After", "7")));
}

TEST(IcebergRestCodecTest, OAuthAnswersHaveOAuthShapes) {
  http::Response error = OAuthError(401, "invalid_client", "wrong password");
  EXPECT_EQ(error.status, 401u);
  EXPECT_EQ(error.body, R"({"error":"invalid_client","error_description":"wrong password"})");
  EXPECT_EQ(OAuthTokenJson({"abc.def.ghi", 3600}),
            R"({"access_token":"abc.def.ghi","token_type":"bearer","expires_in":3600,)"
            R"("issued_token_type":"urn:ietf:params:oauth:token-type:access_token"})");
}

TEST(IcebergRestCodecTest, BasicClientCredentialsAreBase64OfFormEncodedParts) {
  auto plain = BasicClientCredentials("Basic cmVhZGVyOmNvcnJlY3QtaG9yc2UtMQ==");  // reader:correct-horse-1
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->id, "reader");
  EXPECT_EQ(plain->secret, "correct-horse-1");
  auto encoded = BasicClientCredentials("basic YSUzQWI6cCUzQXMreA==");  // a%3Ab:p%3As+x
  ASSERT_TRUE(encoded);
  EXPECT_EQ(encoded->id, "a:b");
  EXPECT_EQ(encoded->secret, "p:s x");
  EXPECT_FALSE(BasicClientCredentials("Basic bm9jb2xvbg=="));  // no ':'
  EXPECT_FALSE(BasicClientCredentials("Basic not base64!"));
  EXPECT_FALSE(BasicClientCredentials("Bearer cmVhZGVyOmNvcnJlY3QtaG9yc2UtMQ=="));
  EXPECT_FALSE(BasicClientCredentials(""));
}

TEST(IcebergRestCodecTest, ListsAndConfig) {
  EXPECT_EQ(ListNamespacesJson({{"tradeagg"}, {"a", "b"}}), R"({"namespaces":[["tradeagg"],["a","b"]]})");
  EXPECT_EQ(ListNamespacesJson({}), R"({"namespaces":[]})");
  EXPECT_EQ(NamespaceJson({"tradeagg"}, {{"exists", "true"}}), R"({"namespace":["tradeagg"],"properties":{"exists":"true"}})");
  EXPECT_EQ(ListTablesJson({{"tradeagg", "exposures"}, {"a.b", "t"}}),
            R"({"identifiers":[{"namespace":["tradeagg"],"name":"exposures"},{"namespace":["a","b"],"name":"t"}]})");
  EXPECT_EQ(ConfigJson({{"s3.region", "eu-west-1"}}, {}, {"GET /v1/{prefix}/namespaces"}),
            R"({"defaults":{"s3.region":"eu-west-1"},"overrides":{},"endpoints":["GET /v1/{prefix}/namespaces"]})");
}

}  // namespace
}  // namespace tradeagg::api
