// SeaweedFsServer: that it serves S3 to SigV4 requests with its test credentials and refuses
// others, makes buckets and table buckets that its Iceberg REST catalog serves, goes away on
// Stop() and comes back with its data on Start(), and that a missing binary fails with the way to
// get it. The S3 side is checked with boto3 and the catalog with PyIceberg (from the project's
// .venv, which scripts/setup.sh makes), clients these tests did not write, so that they do not
// depend on the S3 client or the catalog client the server is there to test.
#include "testing/seaweedfs_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "testing/child_server.h"

namespace tradeagg::testing {
namespace {

// The checkout: this file is tests/unit/testing/seaweedfs_server_test.cc in it.
const std::filesystem::path kRepo = (std::filesystem::path(__FILE__).parent_path() / "../../..").lexically_normal();

// Speaks S3 to the server with boto3. argv: endpoint region access_key secret_key bucket action.
// Prints what each action saw, one line per request, for the tests to look for.
constexpr const char* kBoto3Script = R"(
import sys
import boto3
import botocore
from botocore import UNSIGNED
from botocore.config import Config

endpoint, region, access_key, secret_key, bucket, action = sys.argv[1:7]

def client(secret=secret_key, signature="s3v4"):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=region,
        aws_access_key_id=access_key, aws_secret_access_key=secret,
        config=Config(signature_version=signature, s3={"addressing_style": "path"},
                      retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30))

def refusal(error):
    return "%d %s" % (error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"])

s3 = client()
if action == "put-list-get":
    s3.put_object(Bucket=bucket, Key="dir/hello.txt", Body=b"hello, seaweed")
if action in ("put-list-get", "list"):
    listed = s3.list_objects_v2(Bucket=bucket)
    print("keys: " + ",".join(entry["Key"] for entry in listed.get("Contents", [])))
if action in ("put-list-get", "get"):
    print("body: " + s3.get_object(Bucket=bucket, Key="dir/hello.txt")["Body"].read().decode())
if action == "refused":
    others = (("wrong-secret", client(secret=secret_key[:-1] + "x")), ("unsigned", client(signature=UNSIGNED)))
    for who, other in others:
        for request, call in (("put", lambda: other.put_object(Bucket=bucket, Key="refused.txt", Body=b"no")),
                              ("list", lambda: other.list_objects_v2(Bucket=bucket))):
            try:
                call()
                print(who, request, "accepted")
            except botocore.exceptions.ClientError as error:
                print(who, request, refusal(error))
if action == "put-missing":
    try:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        print("put accepted")
    except botocore.exceptions.ClientError as error:
        print("put", refusal(error))
)";

// Speaks to the Iceberg REST catalog of one table bucket with PyIceberg, and to S3 for the table's
// files. argv: catalog_uri s3_endpoint region access_key secret_key table_bucket action.
constexpr const char* kPyIcebergScript = R"(
import sys
import pyarrow as pa
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import NoSuchNamespaceError

catalog_uri, s3_endpoint, region, access_key, secret_key, bucket, action = sys.argv[1:8]
catalog = RestCatalog("seaweedfs", **{
    "uri": catalog_uri, "warehouse": "s3://" + bucket + "/",
    # Signed for s3tables: for s3 the server wants the body's hash in a header PyIceberg leaves out.
    "rest.sigv4-enabled": "true", "rest.signing-name": "s3tables", "rest.signing-region": region,
    "client.access-key-id": access_key, "client.secret-access-key": secret_key, "client.region": region,
    "s3.endpoint": s3_endpoint, "s3.access-key-id": access_key, "s3.secret-access-key": secret_key,
    "s3.region": region})

if action == "write-read":
    catalog.create_namespace("lake")
    schema = pa.schema([("id", pa.int64())])
    table = catalog.create_table("lake.t", schema=schema)
    table.append(pa.table({"id": [1, 2, 3]}, schema=schema))  # a commit: add-snapshot, set-snapshot-ref
    table = catalog.load_table("lake.t")
    print("location: " + table.location())
    print("ids: " + ",".join(str(i) for i in sorted(table.scan().to_arrow()["id"].to_pylist())))
if action == "namespaces":
    try:
        print("namespaces: " + ",".join(".".join(n) for n in catalog.list_namespaces()))
    except NoSuchNamespaceError:
        print("no such catalog")
)";

// Runs `script` with the project's .venv Python on `args` and returns what it printed; fails the
// test when it cannot run or exits non-zero (an error it did not expect).
std::string RunPython(const char* script, std::vector<std::string> args) {
  ChildCommand command;
  command.argv = {(kRepo / ".venv" / "bin" / "python").string(), "-c", script};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  // Nothing of the user's AWS settings: the arguments are the whole configuration.
  command.env = {"HOME=/nonexistent", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
                 "AWS_EC2_METADATA_DISABLED=true", "NO_PROXY=*"};
  Result<ProgramResult> run = RunProgram(command, "", std::chrono::seconds(60));
  EXPECT_TRUE(run.ok()) << run.status().ToString() << " (the .venv is made by scripts/setup.sh)";
  if (!run.ok()) return "";
  EXPECT_EQ(run->exit_code, 0) << args.back() << ": " << run->output;
  return run->output;
}

// Runs kBoto3Script's `action` on `bucket` of `server`.
std::string Boto3(const SeaweedFsServer& server, std::string_view bucket, std::string_view action) {
  return RunPython(kBoto3Script, {server.S3Endpoint(), std::string(SeaweedFsServer::kRegion),
                                  std::string(SeaweedFsServer::kAccessKey), std::string(SeaweedFsServer::kSecretKey),
                                  std::string(bucket), std::string(action)});
}

// Runs kPyIcebergScript's `action` on the catalog of `table_bucket` of `server`.
std::string PyIceberg(const SeaweedFsServer& server, std::string_view table_bucket, std::string_view action) {
  return RunPython(kPyIcebergScript,
                   {server.IcebergEndpoint(), server.S3Endpoint(), std::string(SeaweedFsServer::kRegion),
                    std::string(SeaweedFsServer::kAccessKey), std::string(SeaweedFsServer::kSecretKey),
                    std::string(table_bucket), std::string(action)});
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(SeaweedFsServerTest, ServesS3ToSigV4RequestsWithItsCredentials) {
  SeaweedFsServer& server = SharedSeaweedFs();
  ASSERT_TRUE(server.running());
  ASSERT_GT(server.s3_port(), 0);
  EXPECT_EQ(server.S3Endpoint(), "http://127.0.0.1:" + std::to_string(server.s3_port()));
  EXPECT_GT(server.iceberg_port(), 0);
  EXPECT_NE(server.iceberg_port(), server.s3_port());
  EXPECT_TRUE(ChildServer::AcceptsConnections(server.iceberg_port()));

  const std::string bucket = UniqueBucketName("roundtrip");
  Status created = server.CreateBucket(bucket);
  ASSERT_TRUE(created.ok()) << created.ToString();
  const std::string output = Boto3(server, bucket, "put-list-get");
  EXPECT_TRUE(Contains(output, "keys: dir/hello.txt\n")) << output;
  EXPECT_TRUE(Contains(output, "body: hello, seaweed\n")) << output;
}

TEST(SeaweedFsServerTest, RefusesAWrongSecretAndUnsignedRequests) {
  SeaweedFsServer& server = SharedSeaweedFs();
  ASSERT_TRUE(server.running());
  const std::string bucket = UniqueBucketName("refused");
  ASSERT_TRUE(server.CreateBucket(bucket).ok());

  const std::string output = Boto3(server, bucket, "refused");
  for (const std::string who : {"wrong-secret", "unsigned"}) {
    for (const std::string request : {"put", "list"}) {
      EXPECT_TRUE(Contains(output, who + " " + request + " 403 ")) << output;
    }
  }
  EXPECT_TRUE(Contains(output, "wrong-secret put 403 SignatureDoesNotMatch")) << output;
  EXPECT_EQ(Boto3(server, bucket, "list"), "keys: \n");  // the refused put wrote nothing
}

TEST(SeaweedFsServerTest, S3RequestsDoNotCreateBuckets) {
  SeaweedFsServer& server = SharedSeaweedFs();
  ASSERT_TRUE(server.running());
  EXPECT_EQ(Boto3(server, UniqueBucketName("never-created"), "put-missing"), "put 404 NoSuchBucket\n");
}

TEST(SeaweedFsServerTest, CreateBucketRefusesDuplicatesAndBadNames) {
  SeaweedFsServer& server = SharedSeaweedFs();
  ASSERT_TRUE(server.running());
  const std::string bucket = UniqueBucketName("twice");
  ASSERT_TRUE(server.CreateBucket(bucket).ok());
  Status again = server.CreateBucket(bucket);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();

  const std::vector<std::string> bad_names = {"Upper-case",  "ab",           "under_score", "-dash-first",
                                              "dash-last-",  "two..dots",    "192.168.1.1", "xn--punycode",
                                              "filemeta",    std::string(64, 'a')};
  for (const std::string& bad : bad_names) {
    Status refused = server.CreateBucket(bad);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << bad << ": " << refused.ToString();
  }

  SeaweedFsServer never_started;
  EXPECT_EQ(never_started.CreateBucket("not-started").code(), StatusCode::kUnavailable);
}

TEST(SeaweedFsServerTest, ItsIcebergCatalogServesTheTableBucketsItCreates) {
  SeaweedFsServer& server = SharedSeaweedFs();
  ASSERT_TRUE(server.running());
  EXPECT_EQ(server.IcebergEndpoint(), "http://127.0.0.1:" + std::to_string(server.iceberg_port()));
  const std::string bucket = UniqueBucketName("tables");
  Status created = server.CreateTableBucket(bucket);
  ASSERT_TRUE(created.ok()) << created.ToString();

  EXPECT_EQ(PyIceberg(server, bucket, "namespaces"), "namespaces: \n");
  const std::string output = PyIceberg(server, bucket, "write-read");
  EXPECT_TRUE(Contains(output, "location: s3://" + bucket + "/lake/t-")) << output;  // where the server put it
  EXPECT_TRUE(Contains(output, "ids: 1,2,3\n")) << output;
  EXPECT_EQ(PyIceberg(server, bucket, "namespaces"), "namespaces: lake\n");
}

TEST(SeaweedFsServerTest, CreateTableBucketRefusesTakenAndBadNames) {
  SeaweedFsServer& server = SharedSeaweedFs();
  ASSERT_TRUE(server.running());
  const std::string bucket = UniqueBucketName("tables-twice");
  ASSERT_TRUE(server.CreateTableBucket(bucket).ok());
  Status again = server.CreateTableBucket(bucket);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  EXPECT_EQ(server.CreateBucket(bucket).code(), StatusCode::kAlreadyExists);

  // A plain bucket's name is taken too, and the plain bucket is no catalog.
  const std::string plain = UniqueBucketName("plain");
  ASSERT_TRUE(server.CreateBucket(plain).ok());
  Status taken = server.CreateTableBucket(plain);
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists) << taken.ToString();
  EXPECT_EQ(PyIceberg(server, plain, "namespaces"), "no such catalog\n");

  const std::vector<std::string> bad_names = {"Upper-case", "ab",          "under_score", "-dash-first", "dash-last-",
                                              "dot.ted",    "aws-prefix",  "x-s3alias",   "two words",   "new\nline",
                                              "",           std::string(64, 'a')};
  for (const std::string& bad : bad_names) {
    Status refused = server.CreateTableBucket(bad);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << bad << ": " << refused.ToString();
  }

  SeaweedFsServer never_started;
  EXPECT_EQ(never_started.CreateTableBucket("not-started").code(), StatusCode::kUnavailable);
}

TEST(SeaweedFsServerTest, StopClosesThePortsStartBringsTheDataBackAndDestructionKillsIt) {
  SeaweedFsServer& shared = SharedSeaweedFs();
  ASSERT_TRUE(shared.running());
  auto server = std::make_unique<SeaweedFsServer>();
  Status started = server->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_TRUE(server->Start().ok());  // running already: nothing to do
  const uint16_t s3_port = server->s3_port();
  const uint16_t iceberg_port = server->iceberg_port();
  EXPECT_NE(s3_port, shared.s3_port());  // beside the shared one, on ports of its own
  EXPECT_NE(iceberg_port, shared.iceberg_port());
  const std::string bucket = UniqueBucketName("restart");
  ASSERT_TRUE(server->CreateBucket(bucket).ok());
  ASSERT_TRUE(Contains(Boto3(*server, bucket, "put-list-get"), "body: hello, seaweed\n"));

  ASSERT_TRUE(server->Stop().ok());
  EXPECT_FALSE(server->running());
  EXPECT_FALSE(ChildServer::AcceptsConnections(s3_port)) << "an outage refuses connections";
  EXPECT_FALSE(ChildServer::AcceptsConnections(iceberg_port));
  EXPECT_TRUE(server->Stop().ok());  // stopped already
  EXPECT_EQ(server->CreateBucket(UniqueBucketName("outage")).code(), StatusCode::kUnavailable);

  started = server->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_EQ(server->s3_port(), s3_port);  // the same endpoint, as a restarted S3 service
  EXPECT_EQ(server->iceberg_port(), iceberg_port);
  const std::string output = Boto3(*server, bucket, "list");
  EXPECT_EQ(output, "keys: dir/hello.txt\n");  // the same data dir
  EXPECT_TRUE(Contains(Boto3(*server, bucket, "get"), "body: hello, seaweed\n"));
  EXPECT_EQ(server->CreateBucket(bucket).code(), StatusCode::kAlreadyExists);

  server.reset();
  EXPECT_FALSE(ChildServer::AcceptsConnections(s3_port));
  EXPECT_FALSE(ChildServer::AcceptsConnections(iceberg_port));
  EXPECT_TRUE(shared.running());
}

TEST(SeaweedFsServerTest, AMissingBinarySaysHowToGetIt) {
  SeaweedFsServer server("/nonexistent/weed");
  Status started = server.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(started.message(), "scripts/seaweedfs.sh")) << started.message();
  EXPECT_TRUE(Contains(started.message(), "/nonexistent/weed")) << started.message();
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.s3_port(), 0);
}

TEST(SeaweedFsServerTest, TheDefaultBinaryIsWhereTheScriptPutsIt) {
  const std::filesystem::path binary = SeaweedFsServer::DefaultBinary();
  if (std::getenv("TRADEAGG_SEAWEEDFS") == nullptr) {
    EXPECT_EQ(binary.filename(), "weed");
    EXPECT_EQ(binary.parent_path().parent_path().filename(), "seaweedfs-" + std::string(SeaweedFsServer::kVersion));
  }
  EXPECT_EQ(SeaweedFsServer().binary(), binary);

  // And the script builds that version.
  std::ifstream script(kRepo / "scripts" / "seaweedfs.sh");
  ASSERT_TRUE(script) << kRepo / "scripts" / "seaweedfs.sh";
  std::stringstream text;
  text << script.rdbuf();
  EXPECT_TRUE(Contains(text.str(), "\nversion=" + std::string(SeaweedFsServer::kVersion) + "\n")) << text.str();
}

TEST(SeaweedFsServerTest, TheSharedServerIsOneRunningInstance) {
  SeaweedFsServer& shared = SharedSeaweedFs();
  ASSERT_TRUE(shared.running());
  EXPECT_EQ(&SharedSeaweedFs(), &shared);
  EXPECT_EQ(SharedSeaweedFs().s3_port(), shared.s3_port());
  EXPECT_TRUE(ChildServer::AcceptsConnections(shared.s3_port()));
}

TEST(SeaweedFsServerTest, UniqueBucketNamesAreUniqueAndAcceptable) {
  std::set<std::string> names;
  for (int i = 0; i < 100; ++i) names.insert(UniqueBucketName("lake"));
  EXPECT_EQ(names.size(), 100u);
  const std::string odd = UniqueBucketName("--Trade.Agg_Lake  Test/" + std::string(100, 'x'));
  EXPECT_LE(odd.size(), 63u);
  EXPECT_EQ(odd.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"), std::string::npos) << odd;
  EXPECT_EQ(odd.rfind("trade-agg-lake-test-x", 0), 0u) << odd;
  EXPECT_EQ(odd.find("--"), std::string::npos) << odd;
  EXPECT_EQ(UniqueBucketName("").rfind("bucket-", 0), 0u);
  EXPECT_EQ(UniqueBucketName("..._").rfind("bucket-", 0), 0u);

  // And the server takes them.
  SeaweedFsServer& shared = SharedSeaweedFs();
  ASSERT_TRUE(shared.running());
  for (const std::string& name : {odd, UniqueBucketName(""), UniqueBucketName("S3 Object Store: Contract")}) {
    Status created = shared.CreateBucket(name);
    EXPECT_TRUE(created.ok()) << name << ": " << created.ToString();
  }
}

}  // namespace
}  // namespace tradeagg::testing
