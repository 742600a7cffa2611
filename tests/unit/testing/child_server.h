// ChildServer: the process side of the fixtures that run a real server for tests (FerretDbServer,
// SeaweedFsServer). It starts a server program as a child process, waits until the child itself
// listens on each of the TCP ports it was told to use, and stops it (SIGTERM, then SIGKILL),
// with the child's stdout and stderr appended to a log file whose end goes into error messages.
// The fixture owns the rest: the program's flags, its data dir and which ports it gets (FreePort).
//
// "Listens": a port counts once a listening socket on it belongs to the child (matched through
// /proc/net/tcp{,6} and /proc/<pid>/fd), not merely once something accepts connections there, so
// a port another process took between FreePort() and the child's bind is never mistaken for the
// child's. Start() says so (kAlreadyExists) and the fixture may retry on other ports.
//
// The child gets SIGKILL when the thread that started it ends (PR_SET_PDEATHSIG, set only when
// that is the main thread), so a crashed test binary leaves no server behind; otherwise Stop()
// or the destructor is the only stop. It starts with default signal dispositions, an empty
// signal mask, stdin from /dev/null and no descriptor of the test binary but 0-2.
//
// RunProgram (below) runs a one-shot command the same way (a server's admin CLI, a client).
//
// Thread safety: none; the owning fixture serialises the calls on one ChildServer. RunProgram
// may be called from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"

namespace tradeagg::testing {

// How to run a program as a child.
struct ChildCommand {
  std::vector<std::string> argv;  // argv[0]: the executable (a relative path is made absolute)
  // The child's whole environment as NAME=value entries; empty: this process's environment.
  std::vector<std::string> env;
  std::filesystem::path working_dir;  // empty: this process's
};

class ChildServer {
 public:
  // `name`: what the server is, for messages ("FerretDB"); `log`: the file the child's stdout and
  // stderr are appended to; `stop_timeout`: how long Stop() waits after SIGTERM before SIGKILL.
  ChildServer(std::string name, std::filesystem::path log, std::chrono::milliseconds stop_timeout);
  ~ChildServer();  // Stop()
  ChildServer(const ChildServer&) = delete;
  ChildServer& operator=(const ChildServer&) = delete;

  // Starts `command` and waits (at most `timeout`) until the child listens on each of `ports`
  // (at least one). OK at once when it is running. Fails, with the end of the log and the child
  // stopped: kNotFound when argv[0] is not executable; kAlreadyExists when another process
  // listens on one of `ports`; kUnavailable when the child exits or does not listen in time.
  Status Start(const ChildCommand& command, const std::vector<uint16_t>& ports, std::chrono::milliseconds timeout);
  // Stops the child (SIGTERM, SIGKILL after stop_timeout) and waits until it is gone, so its
  // ports refuse connections when this returns. Nothing to do when it is not running.
  void Stop();
  // Whether the child is alive (one that exited is reaped and noticed here).
  bool running();

  const std::string& name() const { return name_; }
  const std::filesystem::path& log() const { return log_; }
  // The last `bytes` of the log, for error messages ("(no log)" or "(empty log)" if none).
  std::string LogTail(size_t bytes = 2000) const;

  // A port nothing listens on now: the kernel's pick for a socket bound to 127.0.0.1:0. Another
  // process could take it before the server binds it; Start then says so (kAlreadyExists).
  static Result<uint16_t> FreePort();
  // `count` such ports, all different.
  static Result<std::vector<uint16_t>> FreePorts(size_t count);
  // Whether a TCP connection to 127.0.0.1:`port` succeeds.
  static bool AcceptsConnections(uint16_t port);

 private:
  // The first of `ports` the child does not listen on, or 0 when it listens on all.
  uint16_t FirstPortNotListenedOn(const std::vector<uint16_t>& ports) const;
  // After the child is gone: a message naming a port of `ports` another process listens on,
  // or "" when there is none.
  static std::string PortTakenText(const std::vector<uint16_t>& ports);

  const std::string name_;
  const std::filesystem::path log_;
  const std::chrono::milliseconds stop_timeout_;
  pid_t pid_ = -1;
};

// What the set-up scripts install and cache for the tests (scripts/*.sh put it there):
// $<override_env> if set, else ${TRADEAGG_CACHE:-$HOME/.cache/tradeagg}/<relative>.
std::filesystem::path CachedPath(const char* override_env, const std::filesystem::path& relative);
// A server binary among them: CachedPath(override_env, <versioned_dir>/bin/<name>).
std::filesystem::path CachedBinary(const char* override_env, std::string_view versioned_dir, std::string_view name);

// The NAME=value entries of this process's environment whose names are among `names`, for a
// child that gets a chosen environment (ChildCommand::env) with a few of ours in it.
std::vector<std::string> InheritedEnvironment(std::initializer_list<std::string_view> names);

// What a program run to completion did.
struct ProgramResult {
  int exit_code = 0;   // its exit status, or 128 + the number of the signal that ended it
  std::string output;  // its stdout and stderr, interleaved as written
};

// Runs `command` with `input` on its stdin and waits for it to end. Fails with kNotFound when
// argv[0] is not executable, kUnavailable when it cannot be started or runs longer than
// `timeout` (it is then killed; the message has its output so far). A non-zero exit is not a
// failure here: the caller reads exit_code.
Result<ProgramResult> RunProgram(const ChildCommand& command, std::string_view input,
                                 std::chrono::milliseconds timeout);

}  // namespace tradeagg::testing
