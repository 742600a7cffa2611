#include "tradeagg/http/connection_tracker.h"

#include <algorithm>

namespace tradeagg::http {

void ConnectionTracker::Add(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  // Prune when the list doubles, so it stays proportional to the open connections.
  if (connections_.size() >= 64 && connections_.size() == connections_.capacity()) {
    std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
  }
  connections_.push_back(connection);
}

std::vector<std::shared_ptr<Connection>> ConnectionTracker::Live() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Connection>> live;
  for (const auto& weak : connections_) {
    if (auto connection = weak.lock()) live.push_back(std::move(connection));
  }
  return live;
}

void ConnectionTracker::RequestStarted() {
  std::lock_guard lock(requests_mutex_);
  ++in_flight_;
}

void ConnectionTracker::RequestFinished() {
  std::lock_guard lock(requests_mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

int64_t ConnectionTracker::in_flight() const {
  std::lock_guard lock(requests_mutex_);
  return in_flight_;
}

int64_t ConnectionTracker::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(requests_mutex_);
  idle_.wait_until(lock, deadline, [this] { return in_flight_ == 0; });
  return in_flight_;
}

}  // namespace tradeagg::http
