// ConnectionTracker: what a server's connections share for a graceful stop: the connections
// still open, whether the server is draining, and how many requests are being answered.
//
// Draining: the listener is closed, connections waiting for a next request close, and a
// connection that answers a request closes after the answer. The server waits until no
// request is in flight (see Server::Drain).
// Thread safety: every member from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace tradeagg::http {

class Connection;

class ConnectionTracker {
 public:
  void Add(const std::shared_ptr<Connection>& connection);
  // The connections still open.
  std::vector<std::shared_ptr<Connection>> Live();

  void BeginDrain() { draining_.store(true); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

  // A request counts from its admission (its head routed and let in) to its answer written.
  void RequestStarted();
  void RequestFinished();
  int64_t in_flight() const;
  // Waits until no request is in flight or the deadline passes; the requests still in flight.
  int64_t WaitIdle(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<Connection>> connections_;  // guarded by mutex_
  std::atomic<bool> draining_{false};
  mutable std::mutex requests_mutex_;
  std::condition_variable idle_;
  int64_t in_flight_ = 0;  // guarded by requests_mutex_
};

}  // namespace tradeagg::http
