// The lake's catalog over the Iceberg REST protocol: routes, roles, errors in the ErrorModel,
// HEAD without bodies, writes refused, and the OAuth2 client-credentials exchange. Against a
// real SqlCatalog on a temporary warehouse and the real UserService on the in-memory user store.
#include "tradeagg/api/iceberg_rest_api.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <future>
#include <map>
#include <memory>
#include <tuple>

#include "testing/in_memory_user_store.h"
#include "testing/temp_dir.h"
#include "tradeagg/lake/iceberg/sql_catalog.h"
#include "tradeagg/lake/iceberg/table_metadata_json.h"
#include "tradeagg/lake/iceberg/trades_table.h"
#include "tradeagg/lake/local/local_object_store.h"

namespace tradeagg::api {
namespace {

namespace bhttp = boost::beast::http;
using lake::iceberg::TableIdentifier;

constexpr char kPassword[] = "correct-horse-1";
const TableIdentifier kTrades{"tradeagg", "trades"};


class IcebergRestApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto objects = lake::LocalObjectStore::Open(dir_ / "warehouse");
    ASSERT_TRUE(objects.ok()) << objects.status().ToString();
    objects_ = std::move(objects).value();
    lake::iceberg::SqlCatalog::Options options;
    options.db_path = dir_ / "catalog.db";
    auto catalog = lake::iceberg::SqlCatalog::Open(options, objects_.get());
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(catalog).value();
    ASSERT_TRUE(catalog_->CreateNamespace("tradeagg").ok());
    ASSERT_TRUE(catalog_->CreateTable(kTrades, lake::iceberg::TradesTableDefinition()).ok());
    // A namespace of the same catalog that tradeagg does not serve.
    ASSERT_TRUE(catalog_->CreateNamespace("elsewhere").ok());
    ASSERT_TRUE(catalog_->CreateTable({"elsewhere", "secret"}, lake::iceberg::TradesTableDefinition()).ok());

    // Users straight into the store (no password hashing): tokens are signed below.
    for (auto [name, role, participant] : {std::tuple{"ada", auth::Role::kAdmin, ""},
                                           std::tuple{"rita", auth::Role::kRisk, ""},
                                           std::tuple{"mem", auth::Role::kMember, "ALPHA"}}) {
      ASSERT_TRUE(user_store_.CreateUser({name, "$argon2id$unused", role, participant, Timestamp::Now()}).ok());
    }
    users_ = std::make_unique<auth::UserService>(user_store_, auth::TokenSigner(secret_), 3600, throttle_, gate_);
    ASSERT_TRUE(users_->Load().ok());
    IcebergRestOptions served{{"tradeagg"}, {{"s3.endpoint", "http://s3.example:8333"}, {"s3.region", "eu-west-1"}}};
    api_ = std::make_unique<IcebergRestApi>(*users_, pool_, *catalog_, std::move(served));
    api_->Register(router_);
  }

  std::string TokenOf(std::string_view name) const {
    auth::TokenClaims claims;
    claims.username = name;
    claims.role = name == "ada" ? auth::Role::kAdmin : name == "rita" ? auth::Role::kRisk : auth::Role::kMember;
    claims.participant = name == "mem" ? "ALPHA" : "";
    claims.expires_at = Timestamp::Now().micros() / 1'000'000 + 3600;
    return auth::TokenSigner(secret_).Issue(claims);
  }

  // `token` empty: no Authorization header.
  http::Response Send(bhttp::verb method, std::string path, std::string_view token,
                      std::map<std::string, std::string, std::less<>> query = {}, std::string body = "",
                      std::string_view content_type = "") {
    http::Request request;
    request.message.method(method);
    request.path = std::move(path);
    request.query = std::move(query);
    request.remote_address = "10.0.0.1";
    if (!token.empty()) request.message.set(bhttp::field::authorization, "Bearer " + std::string(token));
    if (!content_type.empty()) request.message.set(bhttp::field::content_type, content_type);
    request.message.body() = std::move(body);
    std::promise<http::Response> answered;
    router_.Dispatch(request, http::Responder([&answered](http::Responder::Builder build) { answered.set_value(build()); }));
    return answered.get_future().get();  // the request outlives the answer, as in a connection
  }
  http::Response Get(std::string path, std::string_view user = "rita") {
    return Send(bhttp::verb::get, std::move(path), TokenOf(user));
  }
  http::Response Head(std::string path, std::string_view user = "rita") {
    return Send(bhttp::verb::head, std::move(path), TokenOf(user));
  }

  // The ErrorModel's {code, type}, checked to be the whole shape.
  static std::pair<int64_t, std::string> ErrorOf(const http::Response& response) {
    simdjson::dom::parser parser;
    simdjson::dom::element json;
    if (parser.parse(response.body).get(json)) return {0, "not JSON: " + response.body};
    simdjson::dom::element error;
    if (json["error"].get(error)) return {0, "no error object: " + response.body};
    std::string_view message;
    if (error["message"].get(message) || message.empty()) return {0, "no message: " + response.body};
    return {error["code"].get_int64().value(), std::string(error["type"].get_string().value())};
  }

  testing::TempDir dir_{"tradeagg-iceberg-rest"};
  std::unique_ptr<lake::LocalObjectStore> objects_;
  std::unique_ptr<lake::iceberg::SqlCatalog> catalog_;
  testing::InMemoryUserStore user_store_;
  auth::TokenSigner::Secret secret_ = auth::TokenSigner::RandomSecret();
  auth::LoginThrottle throttle_{auth::LoginThrottleConfig{}};
  auth::PasswordHashingGate gate_{auth::PasswordHashingConfig{}};
  std::unique_ptr<auth::UserService> users_;
  boost::asio::thread_pool pool_{1};
  http::Router router_;
  std::unique_ptr<IcebergRestApi> api_;
};

TEST_F(IcebergRestApiTest, ConfigSaysWhereTheFilesAreAndWhatIsServed) {
  http::Response response = Send(bhttp::verb::get, "/iceberg/v1/config", TokenOf("rita"), {{"warehouse", "any"}});
  ASSERT_EQ(response.status, 200u) << response.body;
  simdjson::dom::parser parser;
  simdjson::dom::element json;
  ASSERT_FALSE(parser.parse(response.body).get(json)) << response.body;
  EXPECT_EQ(json["defaults"]["s3.endpoint"].get_string().value(), "http://s3.example:8333");
  EXPECT_EQ(json["defaults"]["s3.region"].get_string().value(), "eu-west-1");
  EXPECT_EQ(json["overrides"].get_object().size(), 0u);
  std::vector<std::string> endpoints;
  for (auto endpoint : json["endpoints"].get_array()) endpoints.emplace_back(endpoint.get_string().value());
  EXPECT_EQ(endpoints, (std::vector<std::string>{"GET /v1/{prefix}/namespaces", "GET /v1/{prefix}/namespaces/{namespace}",
                                                 "HEAD /v1/{prefix}/namespaces/{namespace}",
                                                 "GET /v1/{prefix}/namespaces/{namespace}/tables",
                                                 "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
                                                 "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}"}))
      << "no write endpoint is advertised";
}

TEST_F(IcebergRestApiTest, OnlyTheServedNamespacesAreListed) {
  http::Response top = Get("/iceberg/v1/namespaces");
  ASSERT_EQ(top.status, 200u) << top.body;
  EXPECT_EQ(top.body, R"({"namespaces":[["tradeagg"]]})") << "'elsewhere' is in the catalog but not served";
  http::Response children = Send(bhttp::verb::get, "/iceberg/v1/namespaces", TokenOf("rita"), {{"parent", "tradeagg"}});
  ASSERT_EQ(children.status, 200u) << children.body;
  EXPECT_EQ(children.body, R"({"namespaces":[]})");
  http::Response empty_parent = Send(bhttp::verb::get, "/iceberg/v1/namespaces", TokenOf("rita"), {{"parent", ""}});
  EXPECT_EQ(empty_parent.body, top.body) << "an empty parent is no parent (the spec)";
  for (std::string parent : {"elsewhere", "nope", "tradeagg\x1Fsub"}) {
    http::Response missing = Send(bhttp::verb::get, "/iceberg/v1/namespaces", TokenOf("rita"), {{"parent", parent}});
    EXPECT_EQ(ErrorOf(missing), (std::pair<int64_t, std::string>(404, "NoSuchNamespaceException"))) << parent;
  }
}

TEST_F(IcebergRestApiTest, ANamespaceAndItsTables) {
  http::Response ns = Get("/iceberg/v1/namespaces/tradeagg");
  ASSERT_EQ(ns.status, 200u) << ns.body;
  EXPECT_EQ(ns.body, R"({"namespace":["tradeagg"],"properties":{"exists":"true"}})");
  http::Response tables = Get("/iceberg/v1/namespaces/tradeagg/tables");
  ASSERT_EQ(tables.status, 200u) << tables.body;
  EXPECT_EQ(tables.body, R"({"identifiers":[{"namespace":["tradeagg"],"name":"trades"}]})");
  for (std::string path : {"/iceberg/v1/namespaces/elsewhere", "/iceberg/v1/namespaces/elsewhere/tables",
                           "/iceberg/v1/namespaces/tradeagg\x1Fsub/tables", "/iceberg/v1/namespaces/trade.agg"}) {
    EXPECT_EQ(ErrorOf(Get(path)), (std::pair<int64_t, std::string>(404, "NoSuchNamespaceException"))) << path;
  }
  EXPECT_EQ(ErrorOf(Get("/iceberg/v1/namespaces/a\x1F/tables")), (std::pair<int64_t, std::string>(400, "BadRequestException")));
}

TEST_F(IcebergRestApiTest, LoadTableIsTheCatalogsMetadata) {
  auto loaded = catalog_->LoadTable(kTrades);
  ASSERT_TRUE(loaded.ok());
  http::Response response = Get("/iceberg/v1/namespaces/tradeagg/tables/trades", "ada");
  ASSERT_EQ(response.status, 200u) << response.body;
  simdjson::dom::parser parser;
  simdjson::dom::element json;
  ASSERT_FALSE(parser.parse(response.body).get(json)) << response.body;
  EXPECT_EQ(json["metadata-location"].get_string().value(), loaded->metadata_location);
  EXPECT_NE(response.body.find("\"metadata\":" + lake::iceberg::TableMetadataToJson(loaded->metadata)), std::string::npos)
      << "the metadata is the table's, as TableMetadataToJson writes it";
  EXPECT_EQ(json["config"].get_object().size(), 0u)
      << "where the files are is GET /config's; DuckDB would take s3.* here for vended credentials";

  http::Response missing = Get("/iceberg/v1/namespaces/tradeagg/tables/nope");
  EXPECT_EQ(ErrorOf(missing), (std::pair<int64_t, std::string>(404, "NoSuchTableException")));
  http::Response unserved = Get("/iceberg/v1/namespaces/elsewhere/tables/secret");
  EXPECT_EQ(ErrorOf(unserved), (std::pair<int64_t, std::string>(404, "NoSuchNamespaceException")));
  http::Response refs = Send(bhttp::verb::get, "/iceberg/v1/namespaces/tradeagg/tables/trades", TokenOf("rita"),
                              {{"snapshots", "refs"}});
  EXPECT_EQ(refs.status, 200u);
  http::Response bad = Send(bhttp::verb::get, "/iceberg/v1/namespaces/tradeagg/tables/trades", TokenOf("rita"),
                             {{"snapshots", "some"}});
  EXPECT_EQ(ErrorOf(bad), (std::pair<int64_t, std::string>(400, "BadRequestException")));
}

TEST_F(IcebergRestApiTest, HeadAnswersWithoutABody) {
  for (auto [path, status] : {std::pair<std::string, unsigned>{"/iceberg/v1/namespaces/tradeagg", 204},
                              {"/iceberg/v1/namespaces/nope", 404},
                              {"/iceberg/v1/namespaces/tradeagg/tables/trades", 204},
                              {"/iceberg/v1/namespaces/tradeagg/tables/nope", 404}}) {
    http::Response response = Head(path);
    EXPECT_EQ(response.status, status) << path;
    EXPECT_TRUE(response.body.empty()) << path << ": " << response.body;
  }
  http::Response stranger = Send(bhttp::verb::head, "/iceberg/v1/namespaces/tradeagg/tables/trades", "");
  EXPECT_EQ(stranger.status, 401u);
  EXPECT_TRUE(stranger.body.empty()) << stranger.body;
  http::Response member = Head("/iceberg/v1/namespaces/tradeagg/tables/trades", "mem");
  EXPECT_EQ(member.status, 403u);
  EXPECT_TRUE(member.body.empty()) << member.body;
}

TEST_F(IcebergRestApiTest, RisksAndAdminsReadMembersAre403StrangersAre401) {
  const std::vector<std::string> paths = {"/iceberg/v1/config", "/iceberg/v1/namespaces", "/iceberg/v1/namespaces/tradeagg",
                                          "/iceberg/v1/namespaces/tradeagg/tables",
                                          "/iceberg/v1/namespaces/tradeagg/tables/trades"};
  for (const std::string& path : paths) {
    EXPECT_EQ(Get(path, "ada").status, 200u) << path;
    EXPECT_EQ(Get(path, "rita").status, 200u) << path;
    EXPECT_EQ(ErrorOf(Get(path, "mem")), (std::pair<int64_t, std::string>(403, "ForbiddenException"))) << path;
    http::Response stranger = Send(bhttp::verb::get, path, "");
    EXPECT_EQ(ErrorOf(stranger), (std::pair<int64_t, std::string>(401, "NotAuthorizedException"))) << path;
    ASSERT_EQ(stranger.headers.size(), 1u);
    EXPECT_EQ(stranger.headers[0], (std::pair<std::string, std::string>("WWW-Authenticate", "Bearer")));
    EXPECT_EQ(Send(bhttp::verb::get, path, "not.a.token").status, 401u) << path;
  }
  // A deleted user's token is refused at once, as everywhere in the API.
  std::string token = TokenOf("rita");
  ASSERT_TRUE(users_->DeleteUser("rita").ok());
  EXPECT_EQ(Send(bhttp::verb::get, "/iceberg/v1/namespaces", token).status, 401u);
}

TEST_F(IcebergRestApiTest, WritesAre403ReadOnly) {
  const std::vector<std::pair<bhttp::verb, std::string>> writes = {
      {bhttp::verb::post, "/iceberg/v1/namespaces"},
      {bhttp::verb::delete_, "/iceberg/v1/namespaces/tradeagg"},
      {bhttp::verb::post, "/iceberg/v1/namespaces/tradeagg/properties"},
      {bhttp::verb::post, "/iceberg/v1/namespaces/tradeagg/tables"},
      {bhttp::verb::post, "/iceberg/v1/namespaces/tradeagg/register"},
      {bhttp::verb::post, "/iceberg/v1/namespaces/tradeagg/tables/trades"},
      {bhttp::verb::delete_, "/iceberg/v1/namespaces/tradeagg/tables/trades"},
      {bhttp::verb::post, "/iceberg/v1/tables/rename"},
      {bhttp::verb::post, "/iceberg/v1/transactions/commit"},
  };
  for (const auto& [method, path] : writes) {
    http::Response response = Send(method, path, TokenOf("ada"), {}, "{}", "application/json");
    EXPECT_EQ(ErrorOf(response), (std::pair<int64_t, std::string>(403, "ForbiddenException"))) << path;
    EXPECT_NE(response.body.find("read-only"), std::string::npos) << response.body;
    EXPECT_EQ(Send(method, path, "").status, 401u) << "strangers learn nothing more: " << path;
  }
  auto table = catalog_->LoadTable(kTrades);
  ASSERT_TRUE(table.ok()) << "nothing was dropped";
}

TEST_F(IcebergRestApiTest, ClientCredentialsAreALogin) {
  ASSERT_TRUE(users_->CreateUser({"reader", kPassword, "risk", ""}).ok());
  auto exchange = [this](std::string body, std::string content_type = "application/x-www-form-urlencoded") {
    return Send(bhttp::verb::post, "/iceberg/v1/oauth/tokens", "", {}, std::move(body), std::move(content_type));
  };
  http::Response issued = exchange("grant_type=client_credentials&client_id=reader&client_secret=" +
                                   std::string(kPassword) + "&scope=catalog");
  ASSERT_EQ(issued.status, 200u) << issued.body;
  simdjson::dom::parser parser;
  simdjson::dom::element json;
  ASSERT_FALSE(parser.parse(issued.body).get(json)) << issued.body;
  EXPECT_EQ(json["token_type"].get_string().value(), "bearer");
  EXPECT_EQ(json["expires_in"].get_int64().value(), 3600);
  std::string token(json["access_token"].get_string().value());
  EXPECT_EQ(Send(bhttp::verb::get, "/iceberg/v1/namespaces", token).status, 200u) << "the token is the API's";

  // DuckDB authenticates the client with HTTP Basic (and asks for a scope of its own).
  http::Request basic;
  basic.message.method(bhttp::verb::post);
  basic.path = "/iceberg/v1/oauth/tokens";
  basic.message.set(bhttp::field::authorization, "Basic cmVhZGVyOmNvcnJlY3QtaG9yc2UtMQ==");  // reader:correct-horse-1
  basic.message.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
  basic.message.body() = "grant_type=client_credentials&scope=PRINCIPAL_ROLE%3AALL";
  std::promise<http::Response> answered;
  router_.Dispatch(basic, http::Responder([&answered](http::Responder::Builder build) { answered.set_value(build()); }));
  http::Response basic_issued = answered.get_future().get();
  EXPECT_EQ(basic_issued.status, 200u) << basic_issued.body;

  http::Response wrong = exchange("grant_type=client_credentials&client_id=reader&client_secret=wrong-password");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_NE(wrong.body.find(R"("error":"invalid_client")"), std::string::npos) << wrong.body;
  http::Response no_secret = exchange("grant_type=client_credentials&client_id=reader");
  EXPECT_EQ(no_secret.status, 401u);
  http::Response other_grant = exchange("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=x");
  EXPECT_EQ(other_grant.status, 400u);
  EXPECT_NE(other_grant.body.find(R"("error":"unsupported_grant_type")"), std::string::npos) << other_grant.body;
  http::Response json_body = exchange(R"({"client_id":"reader"})", "application/json");
  EXPECT_EQ(json_body.status, 400u);
  EXPECT_NE(json_body.body.find(R"("error":"invalid_request")"), std::string::npos) << json_body.body;
}

}  // namespace
}  // namespace tradeagg::api
