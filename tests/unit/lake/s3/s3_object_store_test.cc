// S3ObjectStore against a real S3 server (SeaweedFS): the ObjectStore contract, with small
// parts and pages so that multipart uploads and paginated listings are exercised, and what is
// the S3 store's own: what boto3 (a client we did not write) reads of its objects, no parts left
// behind, and its errors (a missing bucket, refused credentials, a server that is down).
#include "tradeagg/lake/s3/s3_object_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "lake/object_store_contract.h"
#include "testing/child_server.h"
#include "testing/seaweedfs_server.h"
#include "testing/temp_dir.h"

namespace tradeagg::lake::s3 {
namespace {

S3ClientOptions OptionsFor(const testing::SeaweedFsServer& server) {
  S3ClientOptions options;
  options.endpoint = server.S3Endpoint();
  options.region = std::string(testing::SeaweedFsServer::kRegion);
  options.path_style = true;
  options.credentials = {std::string(testing::SeaweedFsServer::kAccessKey),
                         std::string(testing::SeaweedFsServer::kSecretKey), ""};
  options.first_backoff = std::chrono::milliseconds(10);
  options.max_backoff = std::chrono::milliseconds(100);
  return options;
}

// Small parts and pages, so that multipart uploads and paginated listings run.
S3ObjectStoreOptions SmallParts() {
  S3ObjectStoreOptions options;
  options.multipart_threshold = size_t{5} << 20;
  options.part_size = size_t{5} << 20;
  options.list_page_size = 2;
  return options;
}

Result<std::unique_ptr<S3ObjectStore>> OpenOnNewBucket(const std::string& prefix, S3ObjectStoreOptions options = SmallParts()) {
  testing::SeaweedFsServer& server = testing::SharedSeaweedFs();
  const std::string bucket = testing::UniqueBucketName("objects");
  TRY(server.CreateBucket(bucket));
  ASSIGN_OR_RETURN(std::unique_ptr<S3Client> client, S3Client::Create(OptionsFor(server)));
  return S3ObjectStore::Open(std::move(client), S3Location{bucket, prefix}, options);
}

class S3Objects {
 public:
  Result<std::unique_ptr<ObjectStore>> Open() {
    S3ObjectStoreOptions options = SmallParts();
    options.copies_dir = copies_.path();
    ASSIGN_OR_RETURN(std::unique_ptr<S3ObjectStore> store, OpenOnNewBucket("warehouse", options));
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  static constexpr size_t kLargeObject = (size_t{11} << 20) + 12345;  // three parts, the last short

 private:
  const testing::TempDir copies_{"tradeagg-s3-copies"};
};

INSTANTIATE_TYPED_TEST_SUITE_P(S3, ObjectStoreContract, ::testing::Types<S3Objects>);

TEST(S3Location, ParsesBucketAndPrefix) {
  Result<S3Location> with_prefix = S3Location::Parse("s3://lake/venue/warehouse/");
  ASSERT_TRUE(with_prefix.ok());
  EXPECT_EQ(with_prefix->bucket, "lake");
  EXPECT_EQ(with_prefix->prefix, "venue/warehouse");
  EXPECT_EQ(with_prefix->ToString(), "s3://lake/venue/warehouse");
  EXPECT_EQ(S3Location::Parse("s3://lake")->prefix, "");
  EXPECT_EQ(S3Location::Parse("s3a://lake/x")->bucket, "lake");
  EXPECT_FALSE(S3Location::Parse("s3:///x").ok());
  EXPECT_FALSE(S3Location::Parse("http://lake/x").ok());
  EXPECT_FALSE(S3Location::Parse("s3://lake/a/../b").ok());
}

TEST(S3ObjectStore, KeysAreUnderThePrefixAndUrisAreS3Uris) {
  auto store = OpenOnNewBucket("venue/wh");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::string bucket = (*store)->location().bucket;
  EXPECT_EQ((*store)->Uri("tradeagg.db/trades/x"), "s3://" + bucket + "/venue/wh/tradeagg.db/trades/x");
  EXPECT_EQ(*(*store)->KeyForUri("s3a://" + bucket + "/venue/wh/a/b"), "a/b") << "as Hadoop writes it";
  EXPECT_FALSE((*store)->KeyForUri("s3://" + bucket + "/venue/other/a").ok());
  EXPECT_FALSE((*store)->KeyForUri("s3://" + bucket + "/venue/wh").ok());
}

// What boto3 sees of what the store wrote: the same bytes under <prefix>/<key> (a multipart
// object too), and no multipart upload left open.
TEST(S3ObjectStore, Boto3ReadsWhatItWrote) {
  auto store = OpenOnNewBucket("wh");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::string big((size_t{5} << 20) * 2 + 7, 'z');
  ASSERT_TRUE((*store)->Put("t/small", "hello s3").ok());
  ASSERT_TRUE((*store)->Put("t/big", big).ok());
  const testing::SeaweedFsServer& server = testing::SharedSeaweedFs();
  const std::string script = R"(
import hashlib, sys, boto3
endpoint, region, key, secret, bucket = sys.argv[1:6]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret)
print("small", s3.get_object(Bucket=bucket, Key="wh/t/small")["Body"].read().decode())
body = s3.get_object(Bucket=bucket, Key="wh/t/big")["Body"].read()
print("big", len(body), body == b"z" * len(body))
print("keys", ",".join(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]))
print("open-uploads", len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])))
)";
  const std::filesystem::path python = std::filesystem::path(__FILE__).parent_path() / "../../../../.venv/bin/python";
  testing::ChildCommand command{{python.lexically_normal().string(), "-c", script, server.S3Endpoint(),
                                 std::string(testing::SeaweedFsServer::kRegion),
                                 std::string(testing::SeaweedFsServer::kAccessKey),
                                 std::string(testing::SeaweedFsServer::kSecretKey), (*store)->location().bucket},
                                {}, {}};
  Result<testing::ProgramResult> run = testing::RunProgram(command, "", std::chrono::seconds(60));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->exit_code, 0) << run->output;
  EXPECT_NE(run->output.find("small hello s3\n"), std::string::npos) << run->output;
  EXPECT_NE(run->output.find("big " + std::to_string(big.size()) + " True\n"), std::string::npos) << run->output;
  EXPECT_NE(run->output.find("keys wh/t/big,wh/t/small\n"), std::string::npos) << run->output;
  EXPECT_NE(run->output.find("open-uploads 0\n"), std::string::npos) << run->output;
}

TEST(S3ObjectStore, AMissingBucketIsNamedAtOpen) {
  testing::SeaweedFsServer& server = testing::SharedSeaweedFs();
  auto client = S3Client::Create(OptionsFor(server));
  ASSERT_TRUE(client.ok());
  auto store = S3ObjectStore::Open(std::move(client).value(), S3Location{"no-such-bucket-here", "wh"});
  ASSERT_EQ(store.status().code(), StatusCode::kNotFound) << store.status().ToString();
  EXPECT_NE(store.status().message().find("bucket 'no-such-bucket-here' does not exist"), std::string::npos)
      << store.status().message();
}

TEST(S3ObjectStore, RefusedCredentialsAreNamedAtOpenAndNeverShown) {
  testing::SeaweedFsServer& server = testing::SharedSeaweedFs();
  const std::string bucket = testing::UniqueBucketName("creds");
  ASSERT_TRUE(server.CreateBucket(bucket).ok());
  S3ClientOptions options = OptionsFor(server);
  options.credentials.secret_access_key = "wrong-secret-value-1234";
  auto client = S3Client::Create(options);
  ASSERT_TRUE(client.ok());
  auto store = S3ObjectStore::Open(std::move(client).value(), S3Location{bucket, ""});
  ASSERT_EQ(store.status().code(), StatusCode::kPermissionDenied) << store.status().ToString();
  EXPECT_EQ(store.status().message().find("wrong-secret-value-1234"), std::string::npos);
}

// A server that is down: every call fails (kUnavailable) after its retries, in bounded time,
// and works again once the server is back, without reopening anything.
TEST(S3ObjectStore, AServerThatIsDownIsUnavailableThenRecovers) {
  testing::SeaweedFsServer server;
  ASSERT_TRUE(server.Start().ok());
  const std::string bucket = testing::UniqueBucketName("outage");
  ASSERT_TRUE(server.CreateBucket(bucket).ok());
  auto client = S3Client::Create(OptionsFor(server));
  ASSERT_TRUE(client.ok());
  auto store = S3ObjectStore::Open(std::move(client).value(), S3Location{bucket, "wh"});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put("k", "before").ok());
  ASSERT_TRUE(server.Stop().ok());
  EXPECT_EQ((*store)->Put("k", "during").code(), StatusCode::kUnavailable);
  EXPECT_EQ((*store)->Get("k").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ((*store)->List("").status().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(*(*store)->Get("k"), "before");
  EXPECT_TRUE((*store)->Put("k", "after").ok());
  EXPECT_EQ(*(*store)->Get("k"), "after");
}

}  // namespace
}  // namespace tradeagg::lake::s3
