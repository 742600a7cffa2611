#include "testing/iceberg_rest_fixture_server.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>

#include "testing/seaweedfs_server.h"

namespace tradeagg::testing {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(90);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr int kStartAttempts = 3;  // the first start's, each on a new port
constexpr const char* kLogName = "rest-fixture.log";
constexpr const char* kCatalogName = "catalog.db";
constexpr const char* kMainClass = "org.apache.iceberg.rest.RESTCatalogServer";

// The executable `name` in one of $PATH's directories, as a shell finds it.
Result<std::filesystem::path> FindOnPath(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "";
  while (true) {
    const size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return Status::NotFound(std::string(name) + " is not on PATH (" + (path ? path : "unset") +
                          "): Iceberg's REST fixture is a Java program (scripts/setup.sh installs Java 17)");
}

}  // namespace

std::filesystem::path IcebergRestFixtureServer::DefaultLib() {
  return CachedPath("TRADEAGG_ICEBERG_REST_FIXTURE",
                    std::filesystem::path("iceberg-rest-fixture-" + std::string(kVersion)) / "lib");
}

IcebergRestFixtureServer::IcebergRestFixtureServer(S3Warehouse warehouse, std::filesystem::path lib)
    : warehouse_(std::move(warehouse)),
      lib_(lib.empty() ? DefaultLib() : std::move(lib)),
      process_("Iceberg's REST fixture", data_dir_.path() / kLogName, kStopTimeout) {}

IcebergRestFixtureServer::~IcebergRestFixtureServer() {
  std::lock_guard lock(mutex_);
  process_.Stop();
}

Status IcebergRestFixtureServer::Start() {
  std::lock_guard lock(mutex_);
  return StartLocked();
}

Status IcebergRestFixtureServer::StartLocked() {
  if (process_.running()) return Status::Ok();
  std::error_code error;
  if (!std::filesystem::is_directory(lib_, error)) {
    return Status::NotFound("Iceberg's REST fixture not found at " + lib_.string() +
                            ": run scripts/iceberg_rest_fixture.sh to install it, or set "
                            "TRADEAGG_ICEBERG_REST_FIXTURE to the directory of its jars");
  }
  ASSIGN_OR_RETURN(const std::filesystem::path java, FindOnPath("java"));
  if (data_dir_.path().empty()) return Status::Internal("could not create a temp dir for the REST fixture's data");

  const bool first = port_ == 0;
  Status status = Status::Ok();
  for (int attempt = 1; attempt <= (first ? kStartAttempts : 1); ++attempt) {
    if (first) {
      ASSIGN_OR_RETURN(port_, ChildServer::FreePort());
    }
    status = process_.Start(ServerCommand(java), {port_}, kStartTimeout);
    if (status.code() != StatusCode::kAlreadyExists) break;  // only a port taken meanwhile is worth a retry
  }
  if (!status.ok() && first) port_ = 0;  // the next Start picks a port afresh
  return status;
}

ChildCommand IcebergRestFixtureServer::ServerCommand(const std::filesystem::path& java) const {
  ChildCommand command;
  command.argv = {java.string(), "-Xmx512m", "-cp", (lib_ / "*").string(), kMainClass};
  command.env = Environment();
  command.working_dir = data_dir_.path();
  return command;
}

std::vector<std::string> IcebergRestFixtureServer::Environment() const {
  std::vector<std::string> env = InheritedEnvironment({"PATH", "TMPDIR", "TZ"});
  const std::vector<std::string> own = {
      "HOME=" + data_dir_.path().string(),
      "CATALOG_REST_PORT=" + std::to_string(port_),
      "CATALOG_URI=jdbc:sqlite:" + (data_dir_ / kCatalogName).string(),
      "CATALOG_WAREHOUSE=" + warehouse_.Uri(),
      "CATALOG_IO__IMPL=org.apache.iceberg.aws.s3.S3FileIO",
      "CATALOG_S3_ENDPOINT=" + warehouse_.endpoint,
      "CATALOG_S3_PATH__STYLE__ACCESS=true",
      "AWS_ACCESS_KEY_ID=" + warehouse_.access_key,
      "AWS_SECRET_ACCESS_KEY=" + warehouse_.secret_key,
      "AWS_REGION=" + warehouse_.region,
      "AWS_EC2_METADATA_DISABLED=true",  // no probe of a metadata service for credentials
  };
  env.insert(env.end(), own.begin(), own.end());
  return env;
}

Status IcebergRestFixtureServer::Stop() {
  std::lock_guard lock(mutex_);
  process_.Stop();
  return Status::Ok();
}

bool IcebergRestFixtureServer::running() {
  std::lock_guard lock(mutex_);
  return process_.running();
}

uint16_t IcebergRestFixtureServer::port() const {
  std::lock_guard lock(mutex_);
  return port_;
}

std::string IcebergRestFixtureServer::uri() const { return "http://127.0.0.1:" + std::to_string(port()); }

Result<S3Warehouse> WarehouseOnSharedSeaweedFs(std::string_view prefix) {
  SeaweedFsServer& s3 = SharedSeaweedFs();
  S3Warehouse warehouse{s3.S3Endpoint(), UniqueBucketName(prefix), std::string(SeaweedFsServer::kAccessKey),
                        std::string(SeaweedFsServer::kSecretKey), std::string(SeaweedFsServer::kRegion)};
  TRY(s3.CreateBucket(warehouse.bucket));
  return warehouse;
}

IcebergRestFixtureServer& SharedIcebergRestFixture() {
  static IcebergRestFixtureServer server = [] {
    Result<S3Warehouse> warehouse = WarehouseOnSharedSeaweedFs("iceberg-rest");
    if (!warehouse.ok()) ADD_FAILURE() << "the shared REST fixture's bucket: " << warehouse.status().ToString();
    return IcebergRestFixtureServer(warehouse.ok() ? *warehouse : S3Warehouse{});
  }();
  Status started = server.Start();  // at once when it runs
  if (!started.ok()) ADD_FAILURE() << "the shared Iceberg REST fixture: " << started.ToString();
  return server;
}

}  // namespace tradeagg::testing
