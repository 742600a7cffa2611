#include "testing/seaweedfs_server.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;

namespace tradeagg::testing {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr auto kShellTimeout = std::chrono::seconds(30);
constexpr int kStartAttempts = 3;          // the first start's, each on new ports
constexpr const char* kLogName = "weed.log";  // the server's stdout and stderr: warnings and errors
constexpr const char* kStoreDir = "store";    // -dir: volumes, filer and master metadata
constexpr const char* kGlogDir = "glog";      // -logdir: SeaweedFS's info logs (else in /tmp)
constexpr const char* kIdentitiesName = "s3.json";
// The owner the shell records for a table bucket (it requires one): SeaweedFS's default account, the
// one `weed mini -tableBucket` uses. Ownership limits no admin identity, so any would do.
constexpr const char* kTableBucketAccount = "000000000000";

// S3's bucket naming rules, as SeaweedFS checks them (s3bucket.VerifyS3BucketName).
bool IsValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  const auto letter_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!letter_or_digit(c) && c != '-' && c != '.') return false;
    if (c == '.' && i > 0 && name[i - 1] == '.') return false;
  }
  if (!letter_or_digit(name.front()) || !letter_or_digit(name.back())) return false;
  if (name.starts_with("xn--") || name.ends_with("-s3alias") || name == "filemeta") return false;
  in_addr address{};
  return inet_pton(AF_INET, std::string(name).c_str(), &address) != 1;  // not an IP address
}

// SeaweedFS's address of a server whose gRPC port is not its HTTP port + 10000: "host:port.grpc".
std::string ServerAddress(uint16_t port, uint16_t grpc_port) {
  return "127.0.0.1:" + std::to_string(port) + "." + std::to_string(grpc_port);
}

}  // namespace

std::filesystem::path SeaweedFsServer::DefaultBinary() {
  return CachedBinary("TRADEAGG_SEAWEEDFS", "seaweedfs-" + std::string(kVersion), "weed");
}

SeaweedFsServer::SeaweedFsServer(std::filesystem::path binary)
    : binary_(binary.empty() ? DefaultBinary() : std::move(binary)),
      process_("SeaweedFS", data_dir_.path() / kLogName, kStopTimeout) {}

SeaweedFsServer::~SeaweedFsServer() {
  std::lock_guard lock(mutex_);
  StopLocked();
}

Status SeaweedFsServer::Start() {
  std::lock_guard lock(mutex_);
  return StartLocked();
}

Status SeaweedFsServer::StartLocked() {
  if (process_.running()) return Status::Ok();
  if (access(binary_.c_str(), X_OK) != 0) {
    return Status::NotFound("SeaweedFS binary not found at " + binary_.string() + " (" + std::strerror(errno) +
                            "): run scripts/seaweedfs.sh to build it, or set TRADEAGG_SEAWEEDFS to one");
  }
  if (data_dir_.path().empty()) return Status::Internal("could not create a temp dir for SeaweedFS's data");
  TRY(WriteIdentities());
  std::error_code error;
  std::filesystem::create_directories(data_dir_ / kStoreDir, error);
  if (!error) std::filesystem::create_directories(data_dir_ / kGlogDir, error);  // else all to stderr
  if (error) return Status::Internal("cannot create SeaweedFS's dirs in " + data_dir_.path().string() + ": " +
                                     error.message());

  const bool first = ports_.s3 == 0;
  Status status = Status::Ok();
  for (int attempt = 1; attempt <= (first ? kStartAttempts : 1); ++attempt) {
    if (first) {
      ASSIGN_OR_RETURN(const std::vector<uint16_t> picked, ChildServer::FreePorts(11));
      ports_ = {picked[0], picked[1], picked[2], picked[3], picked[4],  picked[5],
                picked[6], picked[7], picked[8], picked[9], picked[10]};
      if (attempt > 1) {  // the failed attempt's master state names its ports: a fresh store
        std::filesystem::remove_all(data_dir_ / kStoreDir, error);
        std::filesystem::create_directories(data_dir_ / kStoreDir, error);
      }
    }
    const Ports& p = ports_;
    status = process_.Start(MiniCommand(p),
                            {p.master, p.master_grpc, p.volume, p.volume_grpc, p.filer, p.filer_grpc, p.s3,
                             p.s3_grpc, p.iceberg, p.admin, p.admin_grpc},
                            kStartTimeout);
    if (status.ok()) {
      sockets_due_ = true;
      return status;
    }
    RemoveSockets();  // the process is gone (ChildServer stops it when it fails)
    if (status.code() != StatusCode::kAlreadyExists) break;  // only a port taken meanwhile is worth a retry
  }
  if (first) ports_ = {};  // the next Start picks ports afresh
  return status;
}

void SeaweedFsServer::StopLocked() {
  process_.Stop();
  if (sockets_due_) RemoveSockets();  // also after a crash; once, as their ports may be another's next
  sockets_due_ = false;
}

void SeaweedFsServer::RemoveSockets() const {
  const Ports& p = ports_;
  const std::pair<const char*, uint16_t> sockets[] = {
      {"master-grpc", p.master_grpc}, {"volume-grpc", p.volume_grpc}, {"filer-grpc", p.filer_grpc},
      {"s3-grpc", p.s3_grpc},         {"admin-grpc", p.admin_grpc},   {"filer", p.filer},
      {"s3", p.s3},
  };
  for (const auto& [service, port] : sockets) {
    if (port == 0) continue;
    const std::filesystem::path path = "/tmp/seaweedfs-" + std::string(service) + "-" + std::to_string(port) + ".sock";
    std::error_code error;
    if (std::filesystem::is_socket(path, error)) std::filesystem::remove(path, error);
  }
}

Status SeaweedFsServer::WriteIdentities() const {
  // SeaweedFS's identities file (iam_pb.S3ApiConfiguration as JSON). It drops fields it does not
  // know without a word: a misspelt one leaves the server without this identity, which the
  // tests of a wrong secret notice.
  const std::string json = R"({"identities": [{"name": "tradeagg-test", "credentials": [{"accessKey": ")" +
                           std::string(kAccessKey) + R"(", "secretKey": ")" + std::string(kSecretKey) +
                           R"("}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]})" + "\n";
  const std::filesystem::path path = data_dir_ / kIdentitiesName;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << json;
  if (!out.flush()) return Status::Internal("cannot write " + path.string());
  return Status::Ok();
}

ChildCommand SeaweedFsServer::MiniCommand(const Ports& p) const {
  ChildCommand command;
  command.argv = {
      binary_.string(),
      "-logdir=" + (data_dir_ / kGlogDir).string(),
      "mini",
      "-dir=" + (data_dir_ / kStoreDir).string(),
      "-ip=127.0.0.1",  // the address it gives itself (else the host's) and binds to (else all)
      "-ip.bind=127.0.0.1",
      // Every port it opens. A default left in place would be shared by parallel runs (mini
      // moves a busy default port elsewhere unasked; an explicit one it keeps or exits).
      "-master.port=" + std::to_string(p.master),
      "-master.port.grpc=" + std::to_string(p.master_grpc),
      "-volume.port=" + std::to_string(p.volume),
      "-volume.port.grpc=" + std::to_string(p.volume_grpc),
      "-filer.port=" + std::to_string(p.filer),
      "-filer.port.grpc=" + std::to_string(p.filer_grpc),
      "-s3.port=" + std::to_string(p.s3),
      "-s3.port.grpc=" + std::to_string(p.s3_grpc),
      "-s3.port.iceberg=" + std::to_string(p.iceberg),
      "-admin.port=" + std::to_string(p.admin),  // the admin server runs even without its UI
      "-admin.port.grpc=" + std::to_string(p.admin_grpc),
      // And the listeners not needed, off: each has a fixed default port.
      "-s3.port.lance=0",
      "-admin.port.legacy=0",  // else 23646 and 33646 besides
      "-webdav=false",
      "-admin.ui=false",
      "-master.telemetry=false",  // it reports to telemetry.seaweedfs.com unless told not to
      "-s3.config=" + (data_dir_ / kIdentitiesName).string(),
      "-s3.autoCreateBucket=false",  // a PUT to a missing bucket is NoSuchBucket, as on AWS
      // Each bucket is a collection with a volume of its own, and mini allows free disk / volume
      // size of them (1 GiB volumes by default: 49 buckets with 52 GB free). Volumes grow as
      // written, so small ones and a fixed count cost nothing and hold the buckets of many tests.
      "-master.volumeSizeLimitMB=64",
      "-volume.max=1000",
      "-volume.preStopSeconds=0",  // stops in 0.2 s instead of 3.5 s
  };
  command.env = Environment();
  command.working_dir = data_dir_.path();  // it reads ./*.toml too
  return command;
}

ChildCommand SeaweedFsServer::ShellCommand(const Ports& p) const {
  ChildCommand command;
  command.argv = {
      binary_.string(),
      "-logdir=" + (data_dir_ / kGlogDir).string(),
      "shell",
      "-master=" + ServerAddress(p.master, p.master_grpc),
      "-filer=" + ServerAddress(p.filer, p.filer_grpc),
      "-connectTimeout=10s",
  };
  command.env = Environment();
  command.working_dir = data_dir_.path();
  return command;
}

std::vector<std::string> SeaweedFsServer::Environment() const {
  std::vector<std::string> env = {"HOME=" + data_dir_.path().string()};
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    for (std::string_view kept : {"PATH=", "TMPDIR=", "TZ="}) {
      if (variable.starts_with(kept)) env.emplace_back(variable);
    }
  }
  return env;
}

Status SeaweedFsServer::Stop() {
  std::lock_guard lock(mutex_);
  StopLocked();
  return Status::Ok();
}

bool SeaweedFsServer::running() {
  std::lock_guard lock(mutex_);
  return process_.running();
}

uint16_t SeaweedFsServer::s3_port() const {
  std::lock_guard lock(mutex_);
  return ports_.s3;
}

uint16_t SeaweedFsServer::iceberg_port() const {
  std::lock_guard lock(mutex_);
  return ports_.iceberg;
}

std::string SeaweedFsServer::S3Endpoint() const { return "http://127.0.0.1:" + std::to_string(s3_port()); }

std::string SeaweedFsServer::IcebergEndpoint() const {
  return "http://127.0.0.1:" + std::to_string(iceberg_port());
}

Result<ProgramResult> SeaweedFsServer::RunShell(const std::string& line) {
  ChildCommand shell;
  {
    std::lock_guard lock(mutex_);
    if (!process_.running()) return Status::Unavailable("SeaweedFS is not running: Start() it first");
    shell = ShellCommand(ports_);
  }
  return RunProgram(shell, line + "\n", kShellTimeout);
}

Status SeaweedFsServer::CreateBucket(std::string_view name) {
  if (!IsValidBucketName(name)) {
    return Status::InvalidArgument("\"" + std::string(name) +
                                   "\" is not a bucket name S3 accepts (3-63 characters of a-z, 0-9, '-' and '.', "
                                   "starting and ending with a letter or digit)");
  }
  const std::string line = "s3.bucket.create -name " + std::string(name);
  ASSIGN_OR_RETURN(const ProgramResult result, RunShell(line));
  if (result.exit_code == 0 && result.output.find("created bucket " + std::string(name)) != std::string::npos) {
    return Status::Ok();
  }
  if (result.output.find("already exists") != std::string::npos) {
    return Status::AlreadyExists("bucket " + std::string(name) + " already exists");
  }
  return Status::Unavailable("weed shell `" + line + "` failed (exit status " + std::to_string(result.exit_code) +
                             "): " + result.output);
}

Status SeaweedFsServer::CreateTableBucket(std::string_view name) {
  // The server checks the rest of the rules; this keeps the name one word of the shell's line, so
  // that it cannot carry more arguments or another command.
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string_view::npos) {
    return Status::InvalidArgument("\"" + std::string(name) +
                                   "\" is not a table bucket name (a-z, 0-9 and '-' only)");
  }
  const std::string line = "s3tables.bucket -create -name " + std::string(name) + " -account " + kTableBucketAccount;
  ASSIGN_OR_RETURN(const ProgramResult result, RunShell(line));
  // It prints the new bucket's ARN, "arn:aws:s3tables:<region>:<account>:bucket/<name>".
  if (result.exit_code == 0 && result.output.find(":bucket/" + std::string(name) + "\n") != std::string::npos) {
    return Status::Ok();
  }
  if (result.output.find("InvalidRequest") != std::string::npos) {
    return Status::InvalidArgument("SeaweedFS refuses the table bucket name \"" + std::string(name) +
                                   "\": " + result.output);
  }
  // "already used by an object store bucket" (either kind), or "already exists" after a race.
  if (result.output.find("already") != std::string::npos) {
    return Status::AlreadyExists("a bucket named " + std::string(name) + " exists: " + result.output);
  }
  return Status::Unavailable("weed shell `" + line + "` failed (exit status " + std::to_string(result.exit_code) +
                             "): " + result.output);
}

SeaweedFsServer& SharedSeaweedFs() {
  static SeaweedFsServer server;
  Status started = server.Start();  // at once when it runs
  if (!started.ok()) ADD_FAILURE() << "the shared SeaweedFS server: " << started.ToString();
  return server;
}

std::string UniqueBucketName(std::string_view prefix) {
  static std::atomic<uint64_t> counter{0};
  const std::string suffix = "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
  std::string name;
  for (char c : prefix) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      name += c;
    } else if (!name.empty() && name.back() != '-') {  // none leading, one for a run
      name += '-';
    }
  }
  if (name.size() > 63 - suffix.size()) name.resize(63 - suffix.size());
  while (!name.empty() && name.back() == '-') name.pop_back();
  if (name.empty()) name = "bucket";
  return name + suffix;
}

}  // namespace tradeagg::testing
