#include "tradeagg/auth/password_hashing_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace tradeagg::auth {
namespace {

PasswordHashingConfig Config(size_t concurrent, size_t waiting, int64_t retry_after = 1) {
  PasswordHashingConfig config;
  config.max_concurrent = concurrent;
  config.max_waiting = waiting;
  config.retry_after_seconds = retry_after;
  return config;
}

TEST(PasswordHashingGateTest, AdmitsConcurrentPlusWaitingThenRefusesWithRetryAfter) {
  PasswordHashingGate gate(Config(2, 3, 7));
  std::vector<PasswordHashingGate::Ticket> tickets;
  for (int i = 0; i < 5; ++i) {
    auto ticket = gate.Admit();
    ASSERT_TRUE(ticket.ok()) << i;
    tickets.push_back(std::move(ticket).value());
  }
  EXPECT_EQ(gate.admitted(), 5u);
  auto refused = gate.Admit();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(refused.status().retry_after_seconds(), 7);
  tickets.pop_back();  // a ticket's end frees its place
  EXPECT_EQ(gate.admitted(), 4u);
  EXPECT_TRUE(gate.Admit().ok());
  tickets.clear();
  EXPECT_EQ(gate.admitted(), 0u);
}

TEST(PasswordHashingGateTest, MovedTicketsAreReleasedOnce) {
  PasswordHashingGate gate(Config(1, 0));
  {
    auto first = gate.Admit();
    ASSERT_TRUE(first.ok());
    PasswordHashingGate::Ticket moved = std::move(first).value();
    PasswordHashingGate::Ticket again = std::move(moved);
    EXPECT_EQ(gate.admitted(), 1u);
    EXPECT_FALSE(gate.Admit().ok());
    again = PasswordHashingGate::Ticket();  // assigning over a ticket releases it
    EXPECT_EQ(gate.admitted(), 0u);
  }
  EXPECT_EQ(gate.admitted(), 0u);
}

TEST(PasswordHashingGateTest, RunNeverExceedsMaxConcurrent) {
  PasswordHashingGate gate(Config(2, 0));
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        int result = gate.Run([&] {
          int now = ++running;
          int seen = peak.load();
          while (now > seen && !peak.compare_exchange_weak(seen, now)) {
          }
          std::this_thread::yield();
          --running;
          return 1;
        });
        done += result;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(done.load(), 400);
  EXPECT_LE(peak.load(), 2);
  EXPECT_EQ(gate.running(), 0u);
}

TEST(PasswordHashingGateTest, RunPassesResultsThrough) {
  PasswordHashingGate gate(Config(1, 0));
  Result<std::string> hashed = gate.Run([] { return Result<std::string>(std::string("hash")); });
  ASSERT_TRUE(hashed.ok());
  EXPECT_EQ(*hashed, "hash");
  EXPECT_EQ(gate.running(), 0u);
}

}  // namespace
}  // namespace tradeagg::auth
