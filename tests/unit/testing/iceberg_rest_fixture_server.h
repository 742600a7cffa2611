// IcebergRestFixtureServer: a real Iceberg REST catalog for the tests of the REST catalog client.
// Apache Iceberg's own test fixture (org.apache.iceberg.rest.RESTCatalogServer: a JdbcCatalog
// behind the REST protocol; scripts/iceberg_rest_fixture.sh installs its jars, pinned) runs as a
// child JVM (`java` from PATH, -Xmx512m) with its catalog in a SQLite file of a fresh temp dir and
// its tables on S3 (S3FileIO) under s3://<bucket>/warehouse, so tests need no catalog service.
// The server writes table metadata itself, so it is given the S3 credentials too.
//
// The jars: the directory $TRADEAGG_ICEBERG_REST_FIXTURE, else ${TRADEAGG_CACHE:-$HOME/.cache/
// tradeagg}/iceberg-rest-fixture-<version>/lib (where the script puts them). Without them Start()
// fails and says to run the script: the REST catalog tests then fail rather than skip.
//
// What it is like (Iceberg 1.10.0): GET /v1/config answers {"defaults":{},"overrides":{},
// "endpoints":[...]}, no prefix, and paths with one are not routed (400). Errors are
// {"error":{"message","type","code","stack"}}: 404 NoSuchTableException / NoSuchNamespaceException,
// 409 AlreadyExistsException, and 409 CommitFailedException when a commit's requirement fails;
// a body that is not JSON gets Jetty's 500 HTML page. No authentication: any bearer is taken.
//
// Port: one free port picked here at the first Start(). The server binds it on all interfaces
// (the fixture has no setting for the address) with SO_REUSEPORT, which is why ChildServer's
// check that the listener is the child's own matters. Jetty listens only once the catalog is up,
// so Start() returns when it can serve (about 2 s; the timeout is 90 s for a loaded machine).
//
// Outages: Stop() and a later Start() bring the same catalog back on the same port with the same
// SQLite file, as a restarted catalog service would come back.
//
// The server's environment: PATH, TMPDIR and TZ of this process, HOME set to its data dir (no
// ~/.aws of the user's), its catalog properties as CATALOG_* (the fixture's convention: after the
// prefix "__" is '-', '_' is '.') and the S3 credentials as AWS_* (not as catalog properties,
// which it logs).
//
// Thread safety: all methods may be called from any thread. The process is a ChildServer: it
// dies with the thread that started it when that is the main thread; otherwise the destructor
// is the only stop.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "testing/child_server.h"
#include "testing/temp_dir.h"
#include "tradeagg/core/status.h"

namespace tradeagg::testing {

// Where the catalog keeps its tables: an S3 endpoint, a bucket that exists, and credentials.
struct S3Warehouse {
  std::string endpoint;  // "http://127.0.0.1:PORT" (path-style requests)
  std::string bucket;
  std::string access_key;
  std::string secret_key;
  std::string region;
  std::string Uri() const { return "s3://" + bucket + "/warehouse"; }  // the catalog's warehouse
};

class IcebergRestFixtureServer {
 public:
  // The version scripts/iceberg_rest_fixture.sh installs; the two must agree.
  static constexpr std::string_view kVersion = "1.10.0";
  // Where the jars are looked for when no directory is given (see above).
  static std::filesystem::path DefaultLib();

  // Does not start it. `lib`: the directory of the fixture's jars (empty: DefaultLib()).
  explicit IcebergRestFixtureServer(S3Warehouse warehouse, std::filesystem::path lib = {});
  ~IcebergRestFixtureServer();  // stops the server
  IcebergRestFixtureServer(const IcebergRestFixtureServer&) = delete;
  IcebergRestFixtureServer& operator=(const IcebergRestFixtureServer&) = delete;

  // Starts the server and waits (at most 90 s) until it listens. The first start picks the port
  // (trying a new one, up to three times, when another process takes it meanwhile); every start
  // uses the one SQLite file. OK at once when it is running. Fails (kNotFound) without java on
  // PATH or without the jars, (kAlreadyExists) when another process took its port after all,
  // and (kUnavailable) when it exits or does not listen in time; with the end of its log.
  Status Start();
  // Stops the server (SIGTERM, SIGKILL after 10 s) and waits until it is gone, so its port
  // refuses connections when this returns. OK when it is not running.
  Status Stop();
  // Whether the server process is alive (a crashed server is noticed here).
  bool running();

  uint16_t port() const;  // 0 before the first Start()
  std::string uri() const;  // "http://127.0.0.1:PORT", the REST catalog's base (paths start /v1/)
  const S3Warehouse& warehouse() const { return warehouse_; }
  const std::filesystem::path& data_dir() const { return data_dir_.path(); }
  const std::filesystem::path& lib() const { return lib_; }

 private:
  Status StartLocked();
  ChildCommand ServerCommand(const std::filesystem::path& java) const;
  std::vector<std::string> Environment() const;  // see the header comment

  const S3Warehouse warehouse_;
  const std::filesystem::path lib_;
  const TempDir data_dir_{"tradeagg-iceberg-rest"};
  mutable std::mutex mutex_;
  uint16_t port_ = 0;
  ChildServer process_;  // after data_dir_: stops before the dir with its log goes
};

// A warehouse in a new bucket (UniqueBucketName(prefix)) of SharedSeaweedFs(), with its
// credentials: for a server of a test's own, beside the shared one.
Result<S3Warehouse> WarehouseOnSharedSeaweedFs(std::string_view prefix);

// The process's one shared server, on a bucket of its own of SharedSeaweedFs(), so that suites do
// not each start a JVM: started at the first call (and again should a test have stopped it).
// When it cannot start, the calling test fails with the reason and running() is false. Each test
// keeps to its own namespaces. Stopped when the process exits.
IcebergRestFixtureServer& SharedIcebergRestFixture();

}  // namespace tradeagg::testing
