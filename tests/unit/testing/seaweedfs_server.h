// SeaweedFsServer: a real S3 server for the tests of the S3 object store. SeaweedFS (`weed mini`:
// master, volume server, filer, S3 gateway with SigV4 and an Iceberg REST catalog in one
// process; built pinned by scripts/seaweedfs.sh) runs as a child process on 127.0.0.1 with its
// data in a fresh temp dir, so tests need no S3 account or install and leave nothing behind.
//
// The binary: $TRADEAGG_SEAWEEDFS, else ${TRADEAGG_CACHE:-$HOME/.cache/tradeagg}/
// seaweedfs-<version>/bin/weed (where scripts/seaweedfs.sh puts it). Without it Start() fails
// and says to run the script: the S3 tests then fail rather than skip, because a skipped backend
// suite would read as a passing one.
//
// Ports: `weed mini` opens eleven TCP ports (HTTP and gRPC of master, volume server, filer and
// S3; the Iceberg catalog; HTTP and gRPC of its admin server). Each is set to a free port picked
// here, none left at a default, so servers of parallel test runs never meet; the Lance, WebDAV
// and legacy-admin listeners are off. Start() returns once the server itself listens on all of
// them (see child_server.h). One thing lands outside the data dir: unix sockets named by port,
// /tmp/seaweedfs-*-<port>.sock (the paths are fixed in SeaweedFS). SeaweedFS replaces them when
// it starts and removes most when it stops; Stop() and the destructor remove the rest. Only a
// killed test binary leaves them behind.
//
// Access: one identity, kAccessKey/kSecretKey, may do everything; SigV4 with any other key or
// secret, or no signature, is refused (403). Buckets are made with CreateBucket (S3 requests do
// not create them: auto-creation is off, so a PUT to a missing bucket is NoSuchBucket, as on
// AWS). Each bucket holds at least one SeaweedFS volume; the server has room for 1000.
//
// The Iceberg REST catalog (IcebergEndpoint()): each table bucket (CreateTableBucket) is a catalog
// of its own, named in paths as the prefix /v1/<bucket>/... (GET /v1/config?warehouse=s3://<bucket>/
// answers it as overrides.prefix). Its requests carry SigV4 by the same identity, signed for a
// service other than "s3" (for "s3" the payload hash must come in x-amz-content-sha256; for any
// other the server hashes the body), or a bearer token from POST /v1/oauth/tokens
// (client_credentials, client_id kAccessKey, client_secret kSecretKey); unsigned ones are 403. It
// puts a table at s3://<bucket>/<namespace>/<name>-<uuid> (a `location` given must be under
// s3://<bucket>/<namespace>/) and writes every vN.metadata.json itself; a table bucket is an S3
// bucket too, to which the client writes the rest, but only keys of an Iceberg table:
// <namespace>/<table>/data/... and <namespace>/<table>/metadata/<file> (any other is 403).
//
// The server is kept from the user's SeaweedFS and AWS settings: it runs in its data dir, with
// HOME set to it (no ~/.seaweedfs/*.toml) and of this process's environment only PATH, TMPDIR and
// TZ (no WEED_* overrides, nor AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, which SeaweedFS would add
// as one more admin identity).
//
// Outages: Stop() and a later Start() bring the same server back on the same ports and data dir,
// with its buckets and objects, as a restarted S3 endpoint would come back.
//
// Thread safety: all methods may be called from any thread. The process is a ChildServer: it
// dies with the thread that started it when that is the main thread, so a crashed test binary
// leaves no server behind; otherwise the destructor is the only stop.
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

class SeaweedFsServer {
 public:
  // The version scripts/seaweedfs.sh builds; the two must agree.
  static constexpr std::string_view kVersion = "v0.0.0-20261109003541-7506e5f91cd6";
  // The credentials of the one identity the server knows, and the region to sign for.
  static constexpr std::string_view kAccessKey = "TRADEAGGTESTACCESS01";
  static constexpr std::string_view kSecretKey = "tradeagg+test/Secret+Key/0123456789abcdef";
  static constexpr std::string_view kRegion = "us-east-1";
  // Where the binary is looked for when none is given (see above).
  static std::filesystem::path DefaultBinary();

  // Does not start it. `binary`: the weed executable (empty: DefaultBinary()).
  explicit SeaweedFsServer(std::filesystem::path binary = {});
  ~SeaweedFsServer();  // stops the server
  SeaweedFsServer(const SeaweedFsServer&) = delete;
  SeaweedFsServer& operator=(const SeaweedFsServer&) = delete;

  // Starts the server and waits (at most 30 s; about 4 s is usual) until it listens on all its
  // ports. The first start picks the ports (trying new ones, up to three times, when another
  // process takes one meanwhile); every start uses the one data dir, so data outlives a Stop().
  // OK at once when it is running. Fails (kNotFound) without the binary, (kAlreadyExists) when
  // another process took one of its ports after all, and (kUnavailable) when it exits or does not
  // listen in time; with the end of the server's log.
  Status Start();
  // Stops the server (SIGTERM, SIGKILL after 10 s) and waits until it is gone, so its ports
  // refuse connections when this returns. OK when it is not running.
  Status Stop();
  // Whether the server process is alive (a crashed server is noticed here).
  bool running();

  uint16_t s3_port() const;       // 0 before the first Start()
  uint16_t iceberg_port() const;  // the Iceberg REST catalog's; 0 before the first Start()
  std::string S3Endpoint() const;  // "http://127.0.0.1:PORT" (path-style requests)
  std::string IcebergEndpoint() const;  // "http://127.0.0.1:PORT": the Iceberg REST catalog's base URI
  const std::filesystem::path& data_dir() const { return data_dir_.path(); }
  const std::filesystem::path& binary() const { return binary_; }

  // Creates the bucket `name` through SeaweedFS's admin shell (`weed shell`, s3.bucket.create),
  // with no S3 request. Fails with kInvalidArgument for a name S3 refuses (see UniqueBucketName),
  // kAlreadyExists when it exists, kUnavailable when the server is not running or the shell fails.
  // A bucket is best created before any request names it: S3 remembers a missing bucket for a
  // moment (until the filer tells it otherwise, within milliseconds).
  Status CreateBucket(std::string_view name);
  // Creates the table bucket `name`, a catalog of the Iceberg REST catalog (see above), through the
  // admin shell (s3tables.bucket -create), with no S3 request. Its names are stricter than S3's:
  // 3-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit, none of AWS's
  // reserved prefixes and suffixes ("aws", "xn--", "-s3alias", ...). Fails with kInvalidArgument
  // for a name refused, kAlreadyExists when a bucket of either kind has the name, kUnavailable when
  // the server is not running or the shell fails.
  Status CreateTableBucket(std::string_view name);

 private:
  // Every port `weed mini` opens; see the header comment.
  struct Ports {
    uint16_t master = 0, master_grpc = 0, volume = 0, volume_grpc = 0, filer = 0, filer_grpc = 0, s3 = 0,
             s3_grpc = 0, iceberg = 0, admin = 0, admin_grpc = 0;
  };

  Status StartLocked();
  void StopLocked();           // stops the process and removes its unix sockets
  void RemoveSockets() const;  // see the header comment
  Status WriteIdentities() const;  // the S3 identities file (-s3.config)
  ChildCommand MiniCommand(const Ports& ports) const;
  ChildCommand ShellCommand(const Ports& ports) const;
  // Runs one line of `weed shell` against the running server (kUnavailable when it is not running).
  Result<ProgramResult> RunShell(const std::string& line);
  std::vector<std::string> Environment() const;  // the server's and the shell's (see above)

  const std::filesystem::path binary_;
  const TempDir data_dir_{"tradeagg-seaweedfs"};
  mutable std::mutex mutex_;
  Ports ports_;
  bool sockets_due_ = false;  // whether a start since the last StopLocked() left sockets to remove
  ChildServer process_;  // after data_dir_: stops before the dir with its log goes
};

// The process's one shared server, so that suites do not each start their own: started at the
// first call (and again should a test have stopped it). When it cannot start, the calling test
// fails with the reason and running() is false. Each test keeps to its own buckets
// (UniqueBucketName). Stopped when the process exits.
SeaweedFsServer& SharedSeaweedFs();

// A bucket name no other call in this process returns and S3 accepts (3-63 characters of a-z,
// 0-9 and '-', starting and ending with a letter or digit): `prefix` (lowercased; other
// characters become '-', runs of '-' one), the pid and a counter.
std::string UniqueBucketName(std::string_view prefix);

}  // namespace tradeagg::testing
