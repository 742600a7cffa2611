#include "testing/child_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include "testing/temp_dir.h"

extern char** environ;

namespace tradeagg::testing {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(20);

std::string ErrnoText(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

std::string ExitText(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "was killed by signal " + std::to_string(WTERMSIG(wait_status));
  return "ended";
}

int ExitCode(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// "10 s", or "1500 ms" when not whole seconds.
std::string DurationText(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
  return std::to_string(duration.count()) + " ms";
}

// "127.0.0.1:P", or "127.0.0.1 ports P1, P2, ..." for several.
std::string PortsText(const std::vector<uint16_t>& ports) {
  if (ports.size() == 1) return "127.0.0.1:" + std::to_string(ports[0]);
  std::string text = "127.0.0.1 ports ";
  for (size_t i = 0; i < ports.size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(ports[i]);
  return text;
}

// Reaps `pid` if it has exited: true when it is gone.
bool Reaped(pid_t pid, int* wait_status) {
  const pid_t r = waitpid(pid, wait_status, WNOHANG);
  return r == pid || (r < 0 && errno == ECHILD);  // ECHILD: reaped elsewhere (SIGCHLD ignored)
}

// Between fork and exec: async-signal-safe.
void WriteText(int fd, const char* text) {
  const ssize_t ignored = write(fd, text, std::strlen(text));
  (void)ignored;
}

// Starts `command` with `stdin_fd` as its stdin and `out_fd` as its stdout and stderr (see the
// header for the rest of what the child gets).
Result<pid_t> Spawn(const ChildCommand& command, int stdin_fd, int out_fd) {
  if (command.argv.empty()) return Status::Internal("no program to run: argv is empty");
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> args = command.argv;
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::absolute(args[0], error);  // for working_dir
  if (error) return Status::Internal("cannot resolve " + args[0] + ": " + error.message());
  args[0] = executable.string();
  if (access(args[0].c_str(), X_OK) != 0) return Status::NotFound(ErrnoText(args[0] + " is not executable"));
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = command.env;
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const std::string dir = command.working_dir.string();
  const bool die_with_parent = gettid() == getpid();  // see the header: main thread only
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid == 0) {
    if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)) _exit(126);
    // A signal the test binary ignores (SIGPIPE, say) or blocks in this thread is not the child's.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
      sigaction(signal_number, &default_action, nullptr);  // fails harmlessly for SIGKILL and SIGSTOP
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (dup2(stdin_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 || dup2(out_fd, STDERR_FILENO) < 0) {
      _exit(126);
    }
    close_range(3, ~0U, 0);  // no test's socket or file stays open in the child
    if (!dir.empty() && chdir(dir.c_str()) != 0) {
      WriteText(STDERR_FILENO, "ChildServer: cannot change to the working directory\n");
      _exit(126);
    }
    if (env.empty()) {
      execv(argv[0], argv.data());
    } else {
      execve(argv[0], argv.data(), envp.data());
    }
    WriteText(STDERR_FILENO, "ChildServer: exec failed\n");
    _exit(127);
  }
  if (pid < 0) return Status::Unavailable(ErrnoText("fork"));
  return pid;
}

// The inodes of the listening TCP sockets (IPv4 and IPv6, any local address), by port.
std::multimap<uint16_t, uint64_t> ListeningSockets() {
  std::multimap<uint16_t, uint64_t> sockets;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
      uint64_t inode = 0;
      if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode)) {
        continue;
      }
      const size_t colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos) continue;  // 0A: TCP_LISTEN
      sockets.emplace(static_cast<uint16_t>(std::strtoul(local.c_str() + colon + 1, nullptr, 16)), inode);
    }
  }
  return sockets;
}

// The inodes of the sockets `pid` has open.
std::set<uint64_t> SocketInodes(pid_t pid) {
  std::set<uint64_t> inodes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
    std::error_code link_error;
    const std::string target = std::filesystem::read_symlink(entry.path(), link_error).string();
    if (link_error || target.rfind("socket:[", 0) != 0) continue;
    inodes.insert(std::strtoull(target.c_str() + 8, nullptr, 10));
  }
  return inodes;
}

}  // namespace

ChildServer::ChildServer(std::string name, std::filesystem::path log, std::chrono::milliseconds stop_timeout)
    : name_(std::move(name)), log_(std::move(log)), stop_timeout_(stop_timeout) {}

ChildServer::~ChildServer() { Stop(); }

Status ChildServer::Start(const ChildCommand& command, const std::vector<uint16_t>& ports,
                          std::chrono::milliseconds timeout) {
  if (running()) return Status::Ok();
  if (ports.empty()) return Status::Internal(name_ + ": no port to wait for");
  const int log_fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::Internal(ErrnoText("open " + log_.string()));
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    close(log_fd);
    return Status::Internal(ErrnoText("open /dev/null"));
  }
  Result<pid_t> spawned = Spawn(command, null_fd, log_fd);
  close(log_fd);
  close(null_fd);
  if (!spawned.ok()) return spawned.status();
  pid_ = *spawned;

  const auto deadline = Clock::now() + timeout;
  while (true) {
    int wait_status = 0;
    if (Reaped(pid_, &wait_status)) {
      pid_ = -1;
      const std::string taken = PortTakenText(ports);
      std::string message = name_ + " (" + command.argv[0] + ") " + ExitText(wait_status) + " before listening on " +
                            PortsText(ports) + (taken.empty() ? "" : " (" + taken + ")") + ": " + LogTail();
      if (!taken.empty()) return {StatusCode::kAlreadyExists, std::move(message)};
      return Status::Unavailable(std::move(message));
    }
    const uint16_t waiting_for = FirstPortNotListenedOn(ports);
    if (waiting_for == 0) return Status::Ok();
    if (Clock::now() >= deadline) {
      Stop();
      const std::string taken = PortTakenText(ports);
      std::string message = name_ + " did not accept connections on 127.0.0.1:" + std::to_string(waiting_for) +
                            " within " + DurationText(timeout) + (taken.empty() ? "" : " (" + taken + ")") + ": " +
                            LogTail();
      if (!taken.empty()) return {StatusCode::kAlreadyExists, std::move(message)};
      return Status::Unavailable(std::move(message));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

void ChildServer::Stop() {
  if (pid_ <= 0) return;
  int wait_status = 0;
  if (!Reaped(pid_, &wait_status)) {
    kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + stop_timeout_;
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

bool ChildServer::running() {
  if (pid_ <= 0) return false;
  int wait_status = 0;
  if (Reaped(pid_, &wait_status)) pid_ = -1;
  return pid_ > 0;
}

uint16_t ChildServer::FirstPortNotListenedOn(const std::vector<uint16_t>& ports) const {
  const std::multimap<uint16_t, uint64_t> listening = ListeningSockets();
  std::set<uint64_t> mine;
  bool mine_read = false;
  for (uint16_t port : ports) {
    const auto [begin, end] = listening.equal_range(port);
    if (begin == end) return port;
    if (!mine_read) {  // read once, and only when every port so far has a listener
      mine = SocketInodes(pid_);
      mine_read = true;
    }
    if (std::none_of(begin, end, [&](const auto& socket) { return mine.count(socket.second) > 0; })) return port;
  }
  return 0;
}

std::string ChildServer::PortTakenText(const std::vector<uint16_t>& ports) {
  const std::multimap<uint16_t, uint64_t> listening = ListeningSockets();
  for (uint16_t port : ports) {
    if (listening.count(port) > 0) return "another process listens on port " + std::to_string(port);
  }
  return "";
}

std::string ChildServer::LogTail(size_t bytes) const {
  std::ifstream log(log_, std::ios::binary);
  if (!log) return "(no log)";
  log.seekg(0, std::ios::end);
  const std::streamoff size = log.tellg();
  const auto tail = static_cast<std::streamoff>(bytes);
  log.seekg(size > tail ? size - tail : 0);
  std::stringstream text;
  text << log.rdbuf();
  return text.str().empty() ? "(empty log)" : text.str();
}

Result<uint16_t> ChildServer::FreePort() {
  ASSIGN_OR_RETURN(std::vector<uint16_t> ports, FreePorts(1));
  return ports[0];
}

Result<std::vector<uint16_t>> ChildServer::FreePorts(size_t count) {
  // All sockets stay bound until every port is read, so the kernel hands out `count` different ones.
  std::vector<int> fds;
  std::vector<uint16_t> ports;
  Status status = Status::Ok();
  while (status.ok() && ports.size() < count) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      status = Status::Unavailable(ErrnoText("socket"));
      break;
    }
    fds.push_back(fd);
    sockaddr_in address = Loopback(0);
    socklen_t length = sizeof(address);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      status = Status::Unavailable(ErrnoText("bind 127.0.0.1:0"));
    } else if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      status = Status::Unavailable(ErrnoText("getsockname"));
    } else {
      ports.push_back(ntohs(address.sin_port));
    }
  }
  for (int fd : fds) close(fd);
  if (!status.ok()) return status;
  return ports;
}

bool ChildServer::AcceptsConnections(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in address = Loopback(port);
  const bool connected = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

Result<ProgramResult> RunProgram(const ChildCommand& command, std::string_view input,
                                 std::chrono::milliseconds timeout) {
  const TempDir dir("tradeagg-run");
  if (dir.path().empty()) return Status::Internal("could not create a temp dir to run a program in");
  const std::filesystem::path input_path = dir / "stdin";
  const std::filesystem::path output_path = dir / "output";
  {
    std::ofstream input_file(input_path, std::ios::binary);
    input_file << input;
    if (!input_file.flush()) return Status::Internal("cannot write " + input_path.string());
  }
  const int in_fd = open(input_path.c_str(), O_RDONLY | O_CLOEXEC);
  const int out_fd = open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  Result<pid_t> spawned = Status::Internal(ErrnoText("open " + dir.path().string() + "/{stdin,output}"));
  if (in_fd >= 0 && out_fd >= 0) spawned = Spawn(command, in_fd, out_fd);
  if (in_fd >= 0) close(in_fd);
  if (out_fd >= 0) close(out_fd);
  if (!spawned.ok()) return spawned.status();
  const pid_t pid = *spawned;

  const auto deadline = Clock::now() + timeout;
  int wait_status = 0;
  bool ended = false;
  while (!(ended = Reaped(pid, &wait_status)) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!ended) {
    kill(pid, SIGKILL);
    while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
    }
  }
  ProgramResult result;
  std::ifstream output_file(output_path, std::ios::binary);
  std::stringstream output;
  output << output_file.rdbuf();
  result.output = output.str();
  if (!ended) {
    return Status::Unavailable(command.argv[0] + " did not end within " + DurationText(timeout) +
                               " and was killed; its output: " + result.output);
  }
  result.exit_code = ExitCode(wait_status);
  return result;
}

std::filesystem::path CachedPath(const char* override_env, const std::filesystem::path& relative) {
  if (const char* explicit_path = std::getenv(override_env); explicit_path && *explicit_path) return explicit_path;
  std::filesystem::path cache;
  if (const char* dir = std::getenv("TRADEAGG_CACHE"); dir && *dir) {
    cache = dir;
  } else {
    const char* home = std::getenv("HOME");
    cache = std::filesystem::path(home ? home : "") / ".cache" / "tradeagg";
  }
  return cache / relative;
}

std::filesystem::path CachedBinary(const char* override_env, std::string_view versioned_dir, std::string_view name) {
  return CachedPath(override_env, std::filesystem::path(versioned_dir) / "bin" / name);
}

std::vector<std::string> InheritedEnvironment(std::initializer_list<std::string_view> names) {
  std::vector<std::string> kept;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    const size_t equals = variable.find('=');
    if (equals == std::string_view::npos) continue;
    for (std::string_view name : names) {
      if (variable.substr(0, equals) == name) kept.emplace_back(variable);
    }
  }
  return kept;
}

}  // namespace tradeagg::testing
