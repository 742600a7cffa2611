#include "tradeagg/auth/login_throttle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace tradeagg::auth {
namespace {

constexpr int64_t kSecond = 1'000'000;

// A clock the test moves by hand.
class ManualClock {
 public:
  LoginThrottle::Clock clock() {
    return [this] { return Timestamp::FromMicros(now_.load()); };
  }
  void Advance(int64_t micros) { now_ += micros; }
  void Set(int64_t micros) { now_ = micros; }

 private:
  std::atomic<int64_t> now_{1'700'000'000 * kSecond};
};

LoginThrottleConfig Config(int64_t per_user, int64_t per_address, int64_t window_seconds = 60,
                           size_t max_keys = 10'000) {
  LoginThrottleConfig config;
  config.max_failures_per_user = per_user;
  config.max_failures_per_address = per_address;
  config.window = std::chrono::seconds(window_seconds);
  config.max_tracked_keys = max_keys;
  return config;
}

void Fail(LoginThrottle& throttle, std::string_view user, std::string_view address, int times) {
  for (int i = 0; i < times; ++i) throttle.RecordFailure(user, address);
}

TEST(LoginThrottleTest, RefusesAUserAtItsLimitUntilTheWindowEnds) {
  ManualClock clock;
  LoginThrottle throttle(Config(3, 0), clock.clock());
  Fail(throttle, "alice", "10.0.0.1", 2);
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.1").ok());
  throttle.RecordFailure("alice", "10.0.0.1");
  clock.Advance(10 * kSecond);
  Status refused = throttle.Check("alice", "10.0.0.1");
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted) << refused.ToString();
  EXPECT_EQ(refused.retry_after_seconds(), 50);
  // From any address: the name is locked.
  EXPECT_EQ(throttle.Check("alice", "10.9.9.9").retry_after_seconds(), 50);
  // Others are not.
  EXPECT_TRUE(throttle.Check("bob", "10.0.0.1").ok());
  clock.Advance(50 * kSecond);
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.1").ok());
}

TEST(LoginThrottleTest, RetryAfterIsRoundedUpAndAtLeastOneSecond) {
  ManualClock clock;
  LoginThrottle throttle(Config(1, 0, 60), clock.clock());
  throttle.RecordFailure("alice", "");
  clock.Advance(kSecond / 2);
  EXPECT_EQ(throttle.Check("alice", "").retry_after_seconds(), 60);
  clock.Advance(59 * kSecond + kSecond / 2 - 1);  // 1 µs before the window's end
  EXPECT_EQ(throttle.Check("alice", "").retry_after_seconds(), 1);
  clock.Advance(1);
  EXPECT_TRUE(throttle.Check("alice", "").ok());
}

TEST(LoginThrottleTest, ClockSteppingBackNeverPromisesMoreThanTheWindow) {
  ManualClock clock;
  LoginThrottle throttle(Config(1, 0, 60), clock.clock());
  throttle.RecordFailure("alice", "");
  clock.Advance(-3600 * kSecond);
  EXPECT_EQ(throttle.Check("alice", "").retry_after_seconds(), 60);
}

TEST(LoginThrottleTest, RefusedAttemptsDoNotStretchTheLockOut) {
  ManualClock clock;
  LoginThrottle throttle(Config(2, 0, 60), clock.clock());
  Fail(throttle, "alice", "", 2);
  for (int i = 0; i < 59; ++i) {
    clock.Advance(kSecond);
    EXPECT_FALSE(throttle.Check("alice", "").ok());  // the caller records nothing when refused
  }
  clock.Advance(kSecond);
  EXPECT_TRUE(throttle.Check("alice", "").ok());
  // A new window: one failure is under the limit again.
  throttle.RecordFailure("alice", "");
  EXPECT_TRUE(throttle.Check("alice", "").ok());
}

TEST(LoginThrottleTest, NamesAreKeysWhateverTheirCase) {
  ManualClock clock;
  LoginThrottle throttle(Config(3, 0), clock.clock());
  throttle.RecordFailure("Alice", "");
  throttle.RecordFailure("ALICE", "");
  throttle.RecordFailure("alice", "");
  EXPECT_FALSE(throttle.Check("aLiCe", "").ok());
  EXPECT_EQ(throttle.tracked_users(), 1u);
}

TEST(LoginThrottleTest, SuccessClearsTheUserButNotTheAddress) {
  ManualClock clock;
  LoginThrottle throttle(Config(3, 4), clock.clock());
  Fail(throttle, "alice", "10.0.0.1", 2);
  throttle.RecordSuccess("ALICE");
  Fail(throttle, "alice", "10.0.0.1", 2);
  // Two failures since the success: alice is under her limit, but the address has four.
  EXPECT_EQ(throttle.Check("alice", "10.0.0.2").code(), StatusCode::kOk);
  EXPECT_EQ(throttle.Check("carol", "10.0.0.1").code(), StatusCode::kResourceExhausted);
}

TEST(LoginThrottleTest, AnAddressIsLimitedAcrossNames) {
  ManualClock clock;
  LoginThrottle throttle(Config(5, 10), clock.clock());
  for (int i = 0; i < 10; ++i) throttle.RecordFailure("user" + std::to_string(i), "192.0.2.7");
  Status refused = throttle.Check("never-tried", "192.0.2.7");
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.retry_after_seconds(), 60);
  EXPECT_TRUE(throttle.Check("never-tried", "192.0.2.8").ok());
  EXPECT_TRUE(throttle.Check("user1", "192.0.2.8").ok());
}

TEST(LoginThrottleTest, TheLaterOfTwoLockOutsIsTheRetryAfter) {
  ManualClock clock;
  LoginThrottle throttle(Config(1, 2), clock.clock());
  throttle.RecordFailure("alice", "192.0.2.7");  // alice locked until 60
  clock.Advance(20 * kSecond);
  throttle.RecordFailure("bob", "192.0.2.7");  // the address (window from 0) reaches 2: until 60
  throttle.RecordFailure("carol", "192.0.2.8");
  clock.Advance(10 * kSecond);
  EXPECT_EQ(throttle.Check("alice", "192.0.2.7").retry_after_seconds(), 30);  // both until 60
  EXPECT_EQ(throttle.Check("bob", "192.0.2.7").retry_after_seconds(), 50);    // bob until 80
  EXPECT_EQ(throttle.Check("alice", "192.0.2.8").retry_after_seconds(), 30);  // .8 is under its limit
}

TEST(LoginThrottleTest, ZeroLimitsAndEmptyAddressesAreNotCounted) {
  ManualClock clock;
  LoginThrottle throttle(Config(0, 0), clock.clock());
  Fail(throttle, "alice", "10.0.0.1", 100);
  EXPECT_TRUE(throttle.Check("alice", "10.0.0.1").ok());
  EXPECT_EQ(throttle.tracked_users(), 0u);
  EXPECT_EQ(throttle.tracked_addresses(), 0u);

  LoginThrottle by_address(Config(0, 2), clock.clock());
  Fail(by_address, "alice", "", 10);
  EXPECT_TRUE(by_address.Check("alice", "").ok());
  EXPECT_EQ(by_address.tracked_addresses(), 0u);
}

TEST(LoginThrottleTest, SprayingNamesAndAddressesIsBoundedInMemory) {
  ManualClock clock;
  LoginThrottle throttle(Config(5, 5, 60, 100), clock.clock());
  for (int i = 0; i < 10'000; ++i) {
    throttle.RecordFailure("spray-" + std::to_string(i), "10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  }
  EXPECT_LE(throttle.tracked_users(), 100u);
  EXPECT_LE(throttle.tracked_addresses(), 100u);
  // Names are truncated: a megabyte of name is a short key.
  throttle.RecordFailure(std::string(1 << 20, 'x'), "");
  EXPECT_LE(throttle.tracked_users(), 100u);
}

TEST(LoginThrottleTest, SprayingFreshNamesDoesNotPushOutALockOut) {
  ManualClock clock;
  LoginThrottle throttle(Config(3, 0, 60, 10), clock.clock());
  Fail(throttle, "victim", "", 3);
  for (int i = 0; i < 1000; ++i) throttle.RecordFailure("spray-" + std::to_string(i), "");
  EXPECT_EQ(throttle.Check("victim", "").code(), StatusCode::kResourceExhausted);
  EXPECT_LE(throttle.tracked_users(), 10u);
}

TEST(LoginThrottleTest, ExpiredWindowsMakeRoomFirst) {
  ManualClock clock;
  LoginThrottle throttle(Config(2, 0, 60, 3), clock.clock());
  Fail(throttle, "old1", "", 2);
  Fail(throttle, "old2", "", 2);
  clock.Advance(30 * kSecond);
  throttle.RecordFailure("young", "");  // one failure, recent
  clock.Advance(31 * kSecond);          // old1 and old2 have expired, young has not
  throttle.RecordFailure("new", "");
  EXPECT_EQ(throttle.tracked_users(), 2u);  // young and new
  throttle.RecordFailure("young", "");
  EXPECT_FALSE(throttle.Check("young", "").ok());  // its count survived the sweep
}

TEST(LoginThrottleTest, ConcurrentFailuresAreAllCounted) {
  ManualClock clock;
  constexpr int kThreads = 8;
  constexpr int kEach = 500;
  LoginThrottle throttle(Config(kThreads * kEach, 0), clock.clock());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        throttle.RecordFailure("shared", "");
        throttle.RecordFailure("own-" + std::to_string(t), "");
        (void)throttle.Check("shared", "");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(throttle.Check("shared", "").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(throttle.tracked_users(), static_cast<size_t>(kThreads + 1));
}

}  // namespace
}  // namespace tradeagg::auth
