// Server: HTTP/1.1 over TCP with Boost.Beast, keep-alive, and an edge that bounds what clients
// can make it hold.
//
// One io_context runs on `io_threads` threads; each connection is a strand, so a connection's
// handlers never run concurrently while connections run in parallel. Handlers may answer
// later from any thread (the ingest pipeline answers from its writer thread).
//
// A request is read in two steps. Its head first: framing errors are answered (400, 431) and
// the route and the caller's credentials are checked (404, 405, 401) before a byte of the body
// is buffered, so a client without a token cannot make the server hold its upload. Then its
// body, within limits: at most `max_body_bytes` each (413), at most `max_buffered_body_bytes`
// across all connections (503 with Retry-After beyond it), and in at most
// `body_timeout_seconds` (408). Beyond `max_connections` a new connection gets 503 and is
// closed. A refused request's connection is closed after a short linger that lets the client
// read the answer instead of a reset.
// Stopping gracefully is two steps: Drain stops accepting and waits for the requests being
// answered (the rest of the service still running), then Stop closes what is left.
// Thread safety: Start/Drain/Stop from the owning thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/http/connection_tracker.h"
#include "tradeagg/http/exchange_observer.h"
#include "tradeagg/http/resource_budget.h"
#include "tradeagg/http/router.h"

namespace boost::asio { class io_context; }

namespace tradeagg::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  size_t io_threads = 2;
  size_t max_body_bytes = 16 * 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;
  size_t max_connections = 1024;
  size_t max_buffered_body_bytes = 256 * 1024 * 1024;
  int idle_timeout_seconds = 60;  // for a request's head, and between requests on a connection
  int body_timeout_seconds = 30;  // from the end of the head to the body's last byte
};

class Server {
 public:
  // `observer` (may be null) is told of every answered request.
  Server(ServerConfig config, const Router& router, ExchangeObserver* observer = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the I/O threads. Returns the bound port (useful with port 0).
  Result<uint16_t> Start();
  // Stops accepting; closes connections waiting for a request; lets the requests being read or
  // answered finish (each connection closes after its answer), for at most `grace`. Returns
  // the number of requests still in flight when it gave up (0: all answered).
  int64_t Drain(std::chrono::milliseconds grace);
  // Stops accepting and closes connections; joins the I/O threads.
  void Stop();

 private:
  class Listener;
  struct Work;  // keeps the I/O threads running while answers are pending and nothing is accepted
  ServerConfig config_;
  const Router& router_;
  ExchangeObserver* observer_;
  ResourceBudget budget_;  // before io_: connections still queued on io_ give their leases back
  ConnectionTracker tracker_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::shared_ptr<Listener> listener_;
  std::unique_ptr<Work> work_;
  std::vector<std::thread> threads_;
};

}  // namespace tradeagg::http
