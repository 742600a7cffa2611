#include "testing/ferretdb_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace tradeagg::testing {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr const char* kLogName = "ferretdb.log";

std::string ErrnoText(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A port nothing listens on now: the kernel's pick for a socket bound to port 0. Another
// process could take it before the server binds it; the server then exits and Start says so.
Result<uint16_t> FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Unavailable(ErrnoText("socket"));
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  Status status = Status::Ok();
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    status = Status::Unavailable(ErrnoText("bind 127.0.0.1:0"));
  } else if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    status = Status::Unavailable(ErrnoText("getsockname"));
  }
  close(fd);
  if (!status.ok()) return status;
  return static_cast<uint16_t>(ntohs(address.sin_port));
}

bool AcceptsConnections(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in address = Loopback(port);
  const bool connected = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

std::string ExitText(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "was killed by signal " + std::to_string(WTERMSIG(wait_status));
  return "ended";
}

// Reaps `pid` if it has exited: true when it is gone.
bool Reaped(pid_t pid, int* wait_status) {
  const pid_t r = waitpid(pid, wait_status, WNOHANG);
  return r == pid || (r < 0 && errno == ECHILD);  // ECHILD: reaped elsewhere (SIGCHLD ignored)
}

}  // namespace

std::filesystem::path FerretDbServer::DefaultBinary() {
  if (const char* explicit_path = std::getenv("TRADEAGG_FERRETDB"); explicit_path && *explicit_path) {
    return explicit_path;
  }
  std::filesystem::path cache;
  if (const char* dir = std::getenv("TRADEAGG_CACHE"); dir && *dir) {
    cache = dir;
  } else {
    const char* home = std::getenv("HOME");
    cache = std::filesystem::path(home ? home : "") / ".cache" / "tradeagg";
  }
  return cache / ("ferretdb-" + std::string(kVersion)) / "bin" / "ferretdb";
}

FerretDbServer::FerretDbServer(std::filesystem::path binary)
    : binary_(binary.empty() ? DefaultBinary() : std::move(binary)) {}

FerretDbServer::~FerretDbServer() {
  std::lock_guard lock(mutex_);
  StopLocked();
}

Status FerretDbServer::Start() {
  std::lock_guard lock(mutex_);
  return StartLocked();
}

Status FerretDbServer::StartLocked() {
  if (RunningLocked()) return Status::Ok();
  if (access(binary_.c_str(), X_OK) != 0) {
    return Status::NotFound("FerretDB binary not found at " + binary_.string() + " (" + std::strerror(errno) +
                            "): run scripts/ferretdb.sh to build it, or set TRADEAGG_FERRETDB to one");
  }
  if (data_dir_.path().empty()) return Status::Internal("could not create a temp dir for FerretDB's data");
  if (port_ == 0) {
    ASSIGN_OR_RETURN(port_, FreePort());
  }

  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  const std::string dir = data_dir_.path().string();
  std::vector<std::string> args = {
      binary_.string(),
      "--handler=sqlite",
      "--sqlite-url=file:" + dir + "/",
      "--listen-addr=127.0.0.1:" + std::to_string(port_),
      "--state-dir=" + dir,
      "--telemetry=disable",
      "--debug-addr=127.0.0.1:0",  // not its default 8088, which parallel runs would fight over
      "--log-level=error",
  };
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string log_path = (data_dir_.path() / kLogName).string();
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::Internal(ErrnoText("open " + log_path));
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    close(log_fd);
    return Status::Internal(ErrnoText("open /dev/null"));
  }
  const bool die_with_parent = gettid() == getpid();  // see the header: main thread only
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid == 0) {
    if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);  // a test thread's blocked signals are not the server's
    if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0) {
      _exit(126);
    }
    close_range(3, ~0U, 0);  // no test's socket or file stays open in the server
    execv(argv[0], argv.data());
    _exit(127);
  }
  const int fork_errno = errno;
  close(log_fd);
  close(null_fd);
  if (pid < 0) return Status::Unavailable("fork: " + std::string(std::strerror(fork_errno)));
  pid_ = pid;

  const auto deadline = Clock::now() + kStartTimeout;
  while (true) {
    int wait_status = 0;
    if (Reaped(pid_, &wait_status)) {
      pid_ = -1;
      return Status::Unavailable("FerretDB (" + binary_.string() + ") " + ExitText(wait_status) +
                                 " before listening on 127.0.0.1:" + std::to_string(port_) + ": " + LogTail());
    }
    if (AcceptsConnections(port_)) return Status::Ok();
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPollInterval);
  }
  StopLocked();
  return Status::Unavailable("FerretDB did not accept connections on 127.0.0.1:" + std::to_string(port_) +
                             " within 10 s: " + LogTail());
}

Status FerretDbServer::Stop() {
  std::lock_guard lock(mutex_);
  StopLocked();
  return Status::Ok();
}

void FerretDbServer::StopLocked() {
  if (pid_ <= 0) return;
  int wait_status = 0;
  if (!Reaped(pid_, &wait_status)) {
    kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + kStopTimeout;
    while (!Reaped(pid_, &wait_status)) {
      if (Clock::now() >= deadline) {
        kill(pid_, SIGKILL);
        while (waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
        }
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  pid_ = -1;
}

bool FerretDbServer::running() {
  std::lock_guard lock(mutex_);
  return RunningLocked();
}

bool FerretDbServer::RunningLocked() {
  if (pid_ <= 0) return false;
  int wait_status = 0;
  if (Reaped(pid_, &wait_status)) pid_ = -1;
  return pid_ > 0;
}

uint16_t FerretDbServer::port() const {
  std::lock_guard lock(mutex_);
  return port_;
}

std::string FerretDbServer::Uri(std::string_view database) const {
  return "mongodb://127.0.0.1:" + std::to_string(port()) + "/" + std::string(database);
}

std::string FerretDbServer::LogTail() const {
  constexpr std::streamoff kTail = 2000;
  std::ifstream log(data_dir_.path() / kLogName, std::ios::binary);
  if (!log) return "(no log)";
  log.seekg(0, std::ios::end);
  const std::streamoff size = log.tellg();
  log.seekg(size > kTail ? size - kTail : 0);
  std::stringstream text;
  text << log.rdbuf();
  return text.str().empty() ? "(empty log)" : text.str();
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
