// LoginThrottle: counts failed logins per user name and per client address, and refuses
// further attempts of a key over its limit until its window has passed, before any password is
// hashed (so a guesser pays nothing to the server once locked out, and guesses no more).
//
// Fixed windows: a key's window opens at its first failure and lasts `window`. Once the key has
// `max_failures_per_user` (or `max_failures_per_address`) failures in its window, every attempt
// for it is refused until the window ends, with the seconds left (rounded up) to retry after.
// Refused attempts do not count (they would only stretch the lock-out). A successful login
// clears the user's counter, never the address's: an attacker with an account of its own must
// not reset its address by logging in. User names are keys whatever their case (they are unique
// whatever their case, ASCII); unknown names count like known ones, so a refusal says nothing
// about whether a user exists. An empty address (no network peer, e.g. tests) is not counted.
//
// Memory is bounded: at most `max_tracked_keys` names and as many addresses, keys truncated to
// kMaxKeyBytes. When a table is full, expired windows are dropped; if none has expired, the
// entry with the fewest failures (then the oldest) makes room, so spraying fresh names or
// addresses cannot push out a lock-out more cheaply than by failing as often.
// The clock is injected (tests drive it); the service uses Timestamp::Now.
// Thread safety: all methods may be called concurrently (one mutex; no I/O under it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"

namespace tradeagg::auth {

struct LoginThrottleConfig {
  int64_t max_failures_per_user = 5;      // 0: no per-user limit
  int64_t max_failures_per_address = 20;  // 0: no per-address limit
  std::chrono::seconds window{60};
  size_t max_tracked_keys = 10'000;       // per table (names, addresses)
};

class LoginThrottle {
 public:
  using Clock = std::function<Timestamp()>;
  static constexpr size_t kMaxKeyBytes = 128;  // longer names share a key with their prefix

  explicit LoginThrottle(LoginThrottleConfig config, Clock clock = &Timestamp::Now);

  // Ok, or kResourceExhausted with retry_after_seconds (>= 1) when the name or the address is
  // locked out (the later of the two when both are).
  Status Check(std::string_view username, std::string_view address) const;
  void RecordFailure(std::string_view username, std::string_view address);
  void RecordSuccess(std::string_view username);  // clears the name's counter

  size_t tracked_users() const;
  size_t tracked_addresses() const;
  const LoginThrottleConfig& config() const { return config_; }

 private:
  struct Window {
    int64_t start_micros = 0;
    int64_t failures = 0;
  };
  using Table = std::map<std::string, Window, std::less<>>;

  static std::string UserKey(std::string_view username);
  static std::string AddressKey(std::string_view address);
  bool Expired(const Window& window, int64_t now) const;
  // Seconds until `key` may try again; 0 if it may now.
  int64_t RetryAfter(const Table& table, const std::string& key, int64_t limit, int64_t now) const;
  void Count(Table& table, std::string key, int64_t now);
  void MakeRoom(Table& table, int64_t now);

  const LoginThrottleConfig config_;
  const int64_t window_micros_;
  Clock clock_;
  mutable std::mutex mutex_;
  Table users_;      // guarded by mutex_
  Table addresses_;  // guarded by mutex_
};

}  // namespace tradeagg::auth
