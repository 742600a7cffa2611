// RestCatalog against two real Iceberg REST catalog servers, with their tables on S3
// (SeaweedFS): the Apache Iceberg REST fixture (Java; no authentication, no prefix) and
// SeaweedFS's own catalog (iceberg-go; OAuth2 client credentials, a prefix per table bucket).
// Both pass the catalog contract; what is the REST client's own (connecting, authenticating,
// errors) is tested here too.
#include "tradeagg/lake/iceberg/rest/rest_catalog.h"

#include <gtest/gtest.h>

#include "lake/iceberg/catalog_contract.h"
#include "testing/child_server.h"
#include "testing/iceberg_rest_fixture_server.h"
#include "testing/seaweedfs_server.h"
#include "tradeagg/lake/s3/s3_object_store.h"

namespace tradeagg::lake::iceberg::rest {
namespace {

using testing::SeaweedFsServer;

Result<std::unique_ptr<ObjectStore>> S3Store(const std::string& endpoint, const std::string& bucket,
                                             const std::string& prefix) {
  s3::S3ClientOptions options;
  options.endpoint = endpoint;
  options.region = std::string(SeaweedFsServer::kRegion);
  options.path_style = true;
  options.credentials = {std::string(SeaweedFsServer::kAccessKey), std::string(SeaweedFsServer::kSecretKey), ""};
  ASSIGN_OR_RETURN(std::unique_ptr<s3::S3Client> client, s3::S3Client::Create(std::move(options)));
  ASSIGN_OR_RETURN(std::unique_ptr<s3::S3ObjectStore> store,
                   s3::S3ObjectStore::Open(std::move(client), s3::S3Location{bucket, prefix}));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

RestCatalogOptions FastRetries(std::string uri) {
  RestCatalogOptions options;
  options.session.uri = std::move(uri);
  options.session.http.first_backoff = std::chrono::milliseconds(10);
  options.session.http.max_backoff = std::chrono::milliseconds(100);
  options.session.http.max_attempts = 3;
  return options;
}

// The Apache fixture, shared by the run; its warehouse is s3://<bucket>/warehouse.
class ApacheFixtureCatalogs {
 public:
  Result<CatalogUnderTest> Open() {
    testing::IcebergRestFixtureServer& server = testing::SharedIcebergRestFixture();
    TRY(server.Start());
    CatalogUnderTest opened;
    ASSIGN_OR_RETURN(opened.objects, S3Store(server.warehouse().endpoint, server.warehouse().bucket, "warehouse"));
    ASSIGN_OR_RETURN(opened.catalog, RestCatalog::Open(FastRetries(server.uri())));
    return opened;
  }
};

// A table bucket of the shared SeaweedFS per test: a catalog of its own, reached with OAuth2.
class SeaweedFsCatalogs {
 public:
  Result<CatalogUnderTest> Open() {
    SeaweedFsServer& server = testing::SharedSeaweedFs();
    TRY(server.Start());
    const std::string bucket = testing::UniqueBucketName("catalog");
    TRY(server.CreateTableBucket(bucket));
    CatalogUnderTest opened;
    ASSIGN_OR_RETURN(opened.objects, S3Store(server.S3Endpoint(), bucket, ""));
    RestCatalogOptions options = FastRetries(server.IcebergEndpoint());
    options.session.credential = std::string(SeaweedFsServer::kAccessKey) + ":" + std::string(SeaweedFsServer::kSecretKey);
    options.warehouse = "s3://" + bucket + "/";
    ASSIGN_OR_RETURN(opened.catalog, RestCatalog::Open(std::move(options)));
    return opened;
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(RestApacheFixture, CatalogContract, ::testing::Types<ApacheFixtureCatalogs>);
INSTANTIATE_TYPED_TEST_SUITE_P(RestSeaweedFs, CatalogContract, ::testing::Types<SeaweedFsCatalogs>);

TEST(RestCatalog, UsesThePrefixTheServerConfigures) {
  SeaweedFsServer& server = testing::SharedSeaweedFs();
  ASSERT_TRUE(server.Start().ok());
  const std::string bucket = testing::UniqueBucketName("prefix");
  ASSERT_TRUE(server.CreateTableBucket(bucket).ok());
  RestCatalogOptions options = FastRetries(server.IcebergEndpoint());
  options.session.credential = std::string(SeaweedFsServer::kAccessKey) + ":" + std::string(SeaweedFsServer::kSecretKey);
  options.warehouse = "s3://" + bucket + "/";
  Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(options);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ((*catalog)->path_root(), "/v1/" + bucket + "/");

  Result<std::unique_ptr<RestCatalog>> apache = RestCatalog::Open(FastRetries(testing::SharedIcebergRestFixture().uri()));
  ASSERT_TRUE(apache.ok()) << apache.status().ToString();
  EXPECT_EQ((*apache)->path_root(), "/v1/");
}

TEST(RestCatalog, RefusedCredentialsArePermissionDenied) {
  SeaweedFsServer& server = testing::SharedSeaweedFs();
  ASSERT_TRUE(server.Start().ok());
  const std::string bucket = testing::UniqueBucketName("denied");
  ASSERT_TRUE(server.CreateTableBucket(bucket).ok());
  RestCatalogOptions options = FastRetries(server.IcebergEndpoint());
  options.warehouse = "s3://" + bucket + "/";
  // No credentials: the server answers config, then refuses.
  Result<std::unique_ptr<RestCatalog>> anonymous = RestCatalog::Open(options);
  ASSERT_TRUE(anonymous.ok()) << anonymous.status().ToString();
  EXPECT_EQ((*anonymous)->NamespaceExists("tradeagg").status().code(), StatusCode::kPermissionDenied);
  // A wrong secret: no token, so no catalog.
  options.session.credential = std::string(SeaweedFsServer::kAccessKey) + ":wrong-secret";
  Result<std::unique_ptr<RestCatalog>> wrong = RestCatalog::Open(options);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied) << wrong.status().ToString();
  EXPECT_NE(wrong.status().message().find("OAuth2 token"), std::string::npos) << wrong.status().ToString();
  EXPECT_EQ(wrong.status().message().find("wrong-secret"), std::string::npos) << "the secret is never in a message";
  // A made-up bearer token.
  options.session.credential.clear();
  options.session.token = "not-a-token";
  Result<std::unique_ptr<RestCatalog>> bad_token = RestCatalog::Open(options);
  ASSERT_TRUE(bad_token.ok());
  EXPECT_EQ((*bad_token)->NamespaceExists("tradeagg").status().code(), StatusCode::kPermissionDenied);
}

TEST(RestCatalog, AServerThatIsDownIsUnavailable) {
  Result<uint16_t> port = testing::ChildServer::FreePort();
  ASSERT_TRUE(port.ok());
  Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(FastRetries("http://127.0.0.1:" + std::to_string(*port)));
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.status().code(), StatusCode::kUnavailable) << catalog.status().ToString();
}

TEST(RestCatalog, ACommitThatCannotReachTheServerFails) {
  testing::IcebergRestFixtureServer& server = testing::SharedIcebergRestFixture();
  ASSERT_TRUE(server.Start().ok());
  Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(FastRetries(server.uri()));
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  const TableIdentifier table{NewContractNamespace(), "trades"};
  ASSERT_TRUE((*catalog)->CreateNamespace(table.ns).ok());
  Result<LoadedTable> v0 = (*catalog)->CreateTable(table, TradesTableDefinition());
  ASSERT_TRUE(v0.ok()) << v0.status().ToString();
  ASSERT_TRUE(server.Stop().ok());
  // Nothing listens: the request was never sent, so the commit certainly failed.
  CommitAttempt refused = (*catalog)->CommitTable(table, *v0, *ContractAppend(*v0, 1));
  EXPECT_EQ(refused.result.outcome, CommitOutcome::kFailed) << refused.result.ToString();
  EXPECT_EQ(refused.result.status.code(), StatusCode::kUnavailable);
  ASSERT_TRUE(server.Start().ok());
  Result<LoadedTable> after = (*catalog)->LoadTable(table);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->metadata_location, v0->metadata_location);
}

}  // namespace
}  // namespace tradeagg::lake::iceberg::rest
