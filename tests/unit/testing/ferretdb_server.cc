#include "testing/ferretdb_server.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace tradeagg::testing {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr const char* kLogName = "ferretdb.log";

}  // namespace

std::filesystem::path FerretDbServer::DefaultBinary() {
  return CachedBinary("TRADEAGG_FERRETDB", "ferretdb-" + std::string(kVersion), "ferretdb");
}

FerretDbServer::FerretDbServer(std::filesystem::path binary)
    : binary_(binary.empty() ? DefaultBinary() : std::move(binary)),
      process_("FerretDB", data_dir_.path() / kLogName, kStopTimeout) {}

FerretDbServer::~FerretDbServer() {
  std::lock_guard lock(mutex_);
  process_.Stop();
}

Status FerretDbServer::Start() {
  std::lock_guard lock(mutex_);
  return StartLocked();
}

Status FerretDbServer::StartLocked() {
  if (process_.running()) return Status::Ok();
  if (access(binary_.c_str(), X_OK) != 0) {
    return Status::NotFound("FerretDB binary not found at " + binary_.string() + " (" + std::strerror(errno) +
                            "): run scripts/ferretdb.sh to build it, or set TRADEAGG_FERRETDB to one");
  }
  if (data_dir_.path().empty()) return Status::Internal("could not create a temp dir for FerretDB's data");
  if (port_ == 0) {
    ASSIGN_OR_RETURN(port_, ChildServer::FreePort());
  }
  const std::string dir = data_dir_.path().string();
  ChildCommand command;
  command.argv = {
      binary_.string(),
      "--handler=sqlite",
      "--sqlite-url=file:" + dir + "/",
      "--listen-addr=127.0.0.1:" + std::to_string(port_),
      "--state-dir=" + dir,
      "--telemetry=disable",
      "--debug-addr=127.0.0.1:0",  // not its default 8088, which parallel runs would fight over
      "--log-level=error",
  };
  return process_.Start(command, {port_}, kStartTimeout);
}

Status FerretDbServer::Stop() {
  std::lock_guard lock(mutex_);
  process_.Stop();
  return Status::Ok();
}

bool FerretDbServer::running() {
  std::lock_guard lock(mutex_);
  return process_.running();
}

uint16_t FerretDbServer::port() const {
  std::lock_guard lock(mutex_);
  return port_;
}

std::string FerretDbServer::Uri(std::string_view database) const {
  return "mongodb://127.0.0.1:" + std::to_string(port()) + "/" + std::string(database);
}

FerretDbServer& SharedFerretDb() {
  static FerretDbServer server;
  Status started = server.Start();  // at once when it runs
  if (!started.ok()) ADD_FAILURE() << "the shared FerretDB server: " << started.ToString();
  return server;
}

std::string UniqueDatabaseName(std::string_view prefix) {
  static std::atomic<uint64_t> counter{0};
  const std::string suffix = "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  std::string name;
  for (char c : prefix.substr(0, 63 - suffix.size())) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                         c == '-';
    name += allowed ? c : '_';
  }
  if (name.empty()) name = "db";
  return name + suffix;
}

Result<std::unique_ptr<store::MongoClient>> ConnectToSharedFerretDb(const std::string& database,
                                                                    const std::string& write_concern) {
  store::MongoClientOptions options;
  options.uri = SharedFerretDb().Uri(database);
  options.write_concern = write_concern;
  return store::MongoClient::Open(options);
}

}  // namespace tradeagg::testing
