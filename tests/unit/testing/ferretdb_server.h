// FerretDbServer: a real MongoDB-wire server for the tests of the MongoDB backend. FerretDB
// (MongoDB's protocol over SQLite, built pinned by scripts/ferretdb.sh) runs as a child process
// on a free 127.0.0.1 port with its data in a fresh temp dir, so tests need no MongoDB install
// and leave nothing behind.
//
// The binary: $TRADEAGG_FERRETDB, else ${TRADEAGG_CACHE:-$HOME/.cache/tradeagg}/
// ferretdb-<version>/bin/ferretdb (where scripts/ferretdb.sh puts it). Without it Start() fails
// and says to run the script: the MongoDB tests then fail rather than skip, because a skipped
// backend suite would read as a passing one.
//
// Outages: Stop() and a later Start() bring the same server back on the same port and data dir,
// as a restarted mongod would come back.
//
// Thread safety: all methods may be called from any thread. The process itself is a ChildServer
// (child_server.h): it dies with the thread that started it when that is the main thread, so a
// crashed test binary leaves no server behind; otherwise the destructor is the only stop.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "testing/child_server.h"
#include "testing/temp_dir.h"
#include "tradeagg/core/status.h"
#include "tradeagg/store/mongo/mongo_client.h"

namespace tradeagg::testing {

class FerretDbServer {
 public:
  // The version scripts/ferretdb.sh builds; the two must agree.
  static constexpr std::string_view kVersion = "v1.24.2";
  // Where the binary is looked for when none is given (see above).
  static std::filesystem::path DefaultBinary();

  // Does not start it. `binary`: the FerretDB executable (empty: DefaultBinary()).
  explicit FerretDbServer(std::filesystem::path binary = {});
  ~FerretDbServer();  // stops the server
  FerretDbServer(const FerretDbServer&) = delete;
  FerretDbServer& operator=(const FerretDbServer&) = delete;

  // Starts the server and waits (at most 10 s) until its port accepts connections. The first
  // start picks the port; every start uses the one data dir, so data outlives a Stop(). OK at
  // once when it is running. Fails (kNotFound) without the binary, (kAlreadyExists) when another
  // process took its port, and (kUnavailable) when it exits or does not listen in time; with the
  // end of the server's log.
  Status Start();
  // Stops the server (SIGTERM, SIGKILL after 5 s) and waits until it is gone, so its port
  // refuses connections when this returns. OK when it is not running.
  Status Stop();
  // Whether the server process is alive (a crashed server is noticed here).
  bool running();

  uint16_t port() const;  // 0 before the first Start()
  // "mongodb://127.0.0.1:PORT/<database>"
  std::string Uri(std::string_view database) const;
  const std::filesystem::path& data_dir() const { return data_dir_.path(); }
  const std::filesystem::path& binary() const { return binary_; }

 private:
  Status StartLocked();

  const std::filesystem::path binary_;
  const TempDir data_dir_{"tradeagg-ferretdb"};
  mutable std::mutex mutex_;
  uint16_t port_ = 0;
  ChildServer process_;  // after data_dir_: stops before the dir with its log goes
};

// The process's one shared server, so that suites do not each start their own: started at the
// first call (and again should a test have stopped it). When it cannot start, the calling test
// fails with the reason and running() is false. Each test keeps to its own database
// (UniqueDatabaseName). Stopped when the process exits.
FerretDbServer& SharedFerretDb();

// A database name no other call in this process returns: `prefix` (characters MongoDB and
// FerretDB refuse in names become '_'), the pid and a counter, at most 63 characters.
std::string UniqueDatabaseName(std::string_view prefix);

// A new client of the shared server on `database`, writing with `write_concern` (journaled), as
// the composition root makes one: each test instance of a store gets its own.
Result<std::unique_ptr<store::MongoClient>> ConnectToSharedFerretDb(const std::string& database,
                                                                    const std::string& write_concern = "majority");

}  // namespace tradeagg::testing
