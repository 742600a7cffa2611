#include "tradeagg/auth/login_throttle.h"

#include <algorithm>

namespace tradeagg::auth {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleConfig config, Clock clock)
    : config_(config),
      window_micros_(std::max<int64_t>(1, config.window.count()) * kMicrosPerSecond),
      clock_(std::move(clock)) {}

std::string LoginThrottle::UserKey(std::string_view username) {
  std::string key(username.substr(0, kMaxKeyBytes));
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::string LoginThrottle::AddressKey(std::string_view address) { return std::string(address.substr(0, kMaxKeyBytes)); }

bool LoginThrottle::Expired(const Window& window, int64_t now) const {
  return now - window.start_micros >= window_micros_;
}

int64_t LoginThrottle::RetryAfter(const Table& table, const std::string& key, int64_t limit, int64_t now) const {
  if (limit <= 0 || key.empty()) return 0;
  auto it = table.find(key);
  if (it == table.end() || Expired(it->second, now) || it->second.failures < limit) return 0;
  // Rounded up, at least 1 and at most the window (should the clock have stepped back).
  int64_t left = it->second.start_micros + window_micros_ - now;
  return std::clamp<int64_t>((left + kMicrosPerSecond - 1) / kMicrosPerSecond, 1, window_micros_ / kMicrosPerSecond);
}

Status LoginThrottle::Check(std::string_view username, std::string_view address) const {
  const int64_t now = clock_().micros();
  std::lock_guard lock(mutex_);
  int64_t seconds = std::max(RetryAfter(users_, UserKey(username), config_.max_failures_per_user, now),
                             RetryAfter(addresses_, AddressKey(address), config_.max_failures_per_address, now));
  if (seconds == 0) return Status::Ok();
  return Status::ResourceExhausted("too many failed logins; try again in " + std::to_string(seconds) + " s")
      .WithRetryAfter(seconds);
}

void LoginThrottle::RecordFailure(std::string_view username, std::string_view address) {
  const int64_t now = clock_().micros();
  std::lock_guard lock(mutex_);
  if (config_.max_failures_per_user > 0) Count(users_, UserKey(username), now);
  if (config_.max_failures_per_address > 0 && !address.empty()) Count(addresses_, AddressKey(address), now);
}

void LoginThrottle::RecordSuccess(std::string_view username) {
  std::string key = UserKey(username);
  std::lock_guard lock(mutex_);
  auto it = users_.find(key);
  if (it != users_.end()) users_.erase(it);
}

void LoginThrottle::Count(Table& table, std::string key, int64_t now) {
  auto it = table.find(key);
  if (it == table.end()) {
    if (table.size() >= std::max<size_t>(1, config_.max_tracked_keys)) MakeRoom(table, now);
    table.emplace(std::move(key), Window{now, 1});
    return;
  }
  if (Expired(it->second, now)) {
    it->second = Window{now, 1};
  } else {
    ++it->second.failures;
  }
}

void LoginThrottle::MakeRoom(Table& table, int64_t now) {
  std::erase_if(table, [&](const auto& entry) { return Expired(entry.second, now); });
  if (table.size() < std::max<size_t>(1, config_.max_tracked_keys)) return;
  // None expired: forget the entry cheapest to forget, the fewest failures, then the oldest.
  auto victim = std::min_element(table.begin(), table.end(), [](const auto& a, const auto& b) {
    if (a.second.failures != b.second.failures) return a.second.failures < b.second.failures;
    return a.second.start_micros < b.second.start_micros;
  });
  table.erase(victim);
}

size_t LoginThrottle::tracked_users() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

size_t LoginThrottle::tracked_addresses() const {
  std::lock_guard lock(mutex_);
  return addresses_.size();
}

}  // namespace tradeagg::auth
