// IcebergRestFixtureServer: that it serves the REST catalog with its tables on S3, answers errors
// as the REST spec's JSON, goes away on Stop() and comes back with its catalog on Start(), and
// that missing jars fail with the way to get them. Requests go through libcurl directly, not the
// project's REST client: the server is there to test that client.
#include "testing/iceberg_rest_fixture_server.h"

#include <curl/curl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "testing/child_server.h"

namespace tradeagg::testing {
namespace {

// The checkout: this file is tests/unit/testing/iceberg_rest_fixture_server_test.cc in it.
const std::filesystem::path kRepo = (std::filesystem::path(__FILE__).parent_path() / "../../..").lexically_normal();

struct Answer {
  long status = 0;  // 0: no answer (the body then says why)
  std::string body;
};

size_t Append(char* data, size_t size, size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

// `method` `url` with a JSON `body` (none when empty).
Answer Request(const std::string& method, const std::string& url, const std::string& body = "") {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  Answer answer;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  }
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
  const CURLcode code = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    answer.body = curl_easy_strerror(code);
    return answer;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

// A namespace no other test of any process uses on a shared server.
std::string UniqueNamespace(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

Answer CreateNamespace(const IcebergRestFixtureServer& server, const std::string& name) {
  return Request("POST", server.uri() + "/v1/namespaces", R"({"namespace": [")" + name + R"("], "properties": {}})");
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(IcebergRestFixtureServerTest, AnswersConfigWithNoPrefix) {
  IcebergRestFixtureServer& server = SharedIcebergRestFixture();
  ASSERT_TRUE(server.running());
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(server.uri(), "http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(&SharedIcebergRestFixture(), &server);

  const Answer config = Request("GET", server.uri() + "/v1/config");
  EXPECT_EQ(config.status, 200) << config.body;
  EXPECT_TRUE(Contains(config.body, R"("defaults":{})")) << config.body;
  EXPECT_TRUE(Contains(config.body, R"("overrides":{})")) << config.body;  // no prefix, no warehouse
}

TEST(IcebergRestFixtureServerTest, KeepsTablesOnS3AndAnswersErrorsAsJson) {
  IcebergRestFixtureServer& server = SharedIcebergRestFixture();
  ASSERT_TRUE(server.running());
  const std::string ns = UniqueNamespace("tables");
  const Answer created = CreateNamespace(server, ns);
  ASSERT_EQ(created.status, 200) << created.body;

  // The server writes the new table's metadata file to the bucket before it answers.
  const Answer table = Request("POST", server.uri() + "/v1/namespaces/" + ns + "/tables",
                               R"({"name": "t", "schema": {"type": "struct", "schema-id": 0, "fields": [)"
                               R"({"id": 1, "name": "id", "type": "long", "required": true}]}})");
  ASSERT_EQ(table.status, 200) << table.body;
  EXPECT_TRUE(Contains(table.body, R"("metadata-location":")" + server.warehouse().Uri() + "/" + ns + "/t/metadata/"))
      << table.body;

  const Answer again = CreateNamespace(server, ns);
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(Contains(again.body, R"("type":"AlreadyExistsException","code":409)")) << again.body;
  const Answer missing = Request("GET", server.uri() + "/v1/namespaces/" + ns + "/tables/missing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(Contains(missing.body, R"("type":"NoSuchTableException","code":404)")) << missing.body;
}

TEST(IcebergRestFixtureServerTest, StopClosesThePortAndStartBringsTheCatalogBack) {
  IcebergRestFixtureServer& shared = SharedIcebergRestFixture();
  ASSERT_TRUE(shared.running());
  Result<S3Warehouse> warehouse = WarehouseOnSharedSeaweedFs("rest-restart");
  ASSERT_TRUE(warehouse.ok()) << warehouse.status().ToString();
  auto server = std::make_unique<IcebergRestFixtureServer>(*warehouse);
  Status started = server->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_TRUE(server->Start().ok());  // running already: nothing to do
  const uint16_t port = server->port();
  EXPECT_NE(port, shared.port());  // beside the shared one, on a port of its own
  ASSERT_EQ(CreateNamespace(*server, "kept").status, 200);

  ASSERT_TRUE(server->Stop().ok());
  EXPECT_FALSE(server->running());
  EXPECT_FALSE(ChildServer::AcceptsConnections(port)) << "an outage refuses connections";
  EXPECT_TRUE(server->Stop().ok());  // stopped already

  started = server->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_EQ(server->port(), port);  // the same endpoint, as a restarted catalog service
  const Answer kept = Request("GET", server->uri() + "/v1/namespaces/kept");
  EXPECT_EQ(kept.status, 200) << kept.body;  // the same SQLite file

  server.reset();
  EXPECT_FALSE(ChildServer::AcceptsConnections(port));
  EXPECT_TRUE(shared.running());
}

TEST(IcebergRestFixtureServerTest, MissingJarsSayHowToGetThem) {
  IcebergRestFixtureServer server(S3Warehouse{}, "/nonexistent/lib");
  Status started = server.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(started.message(), "scripts/iceberg_rest_fixture.sh")) << started.message();
  EXPECT_TRUE(Contains(started.message(), "/nonexistent/lib")) << started.message();
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.port(), 0);
}

TEST(IcebergRestFixtureServerTest, TheDefaultJarsAreWhereTheScriptPutsThem) {
  const std::filesystem::path lib = IcebergRestFixtureServer::DefaultLib();
  if (std::getenv("TRADEAGG_ICEBERG_REST_FIXTURE") == nullptr) {
    EXPECT_EQ(lib.filename(), "lib");
    EXPECT_EQ(lib.parent_path().filename(), "iceberg-rest-fixture-" + std::string(IcebergRestFixtureServer::kVersion));
  }
  EXPECT_EQ(IcebergRestFixtureServer(S3Warehouse{}).lib(), lib);

  // And the script installs that version.
  std::ifstream script(kRepo / "scripts" / "iceberg_rest_fixture.sh");
  ASSERT_TRUE(script) << kRepo / "scripts" / "iceberg_rest_fixture.sh";
  std::stringstream text;
  text << script.rdbuf();
  EXPECT_TRUE(Contains(text.str(), "\nversion=" + std::string(IcebergRestFixtureServer::kVersion) + "\n"))
      << text.str();
}

}  // namespace
}  // namespace tradeagg::testing
