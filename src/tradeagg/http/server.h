// Server: HTTP/1.1 over TCP with Boost.Beast, keep-alive, request limits.
//
// One io_context runs on `io_threads` threads; each connection is a strand, so a connection's
// handlers never run concurrently while connections run in parallel. Limits: header and body
// size (413 beyond them), idle timeout between requests. Handlers may answer later from any
// thread (the ingest pipeline answers from its writer thread).
// Thread safety: Start/Stop from the owning thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/http/router.h"

namespace boost::asio { class io_context; }

namespace tradeagg::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  size_t io_threads = 2;
  size_t max_body_bytes = 16 * 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;
  int idle_timeout_seconds = 60;
};

class Server {
 public:
  Server(ServerConfig config, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the I/O threads. Returns the bound port (useful with port 0).
  Result<uint16_t> Start();
  // Stops accepting and closes connections; joins the I/O threads.
  void Stop();

 private:
  class Listener;
  ServerConfig config_;
  const Router& router_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
};

}  // namespace tradeagg::http
