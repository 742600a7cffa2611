#include "tradeagg/auth/user_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "testing/in_memory_user_store.h"

namespace tradeagg::auth {
namespace {

constexpr char kPassword[] = "correct-horse-1";

// Logins against a real store; few of them, as each runs argon2id.
class UserServiceLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "tradeagg-users-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    store_ = std::make_unique<testing::InMemoryUserStore>();
    LoginThrottleConfig limits;
    limits.max_failures_per_user = 2;
    limits.max_failures_per_address = 3;
    throttle_ = std::make_unique<LoginThrottle>(limits, [this] { return now_; });
    users_ = std::make_unique<UserService>(*store_, TokenSigner(TokenSigner::RandomSecret()), 3600, *throttle_, gate_);
    ASSERT_TRUE(users_->Load().ok());
    ASSERT_TRUE(users_->CreateUser({"alice", kPassword, "risk", ""}).ok());
  }

  void TearDown() override {
    users_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  Result<IssuedToken> Login(std::string_view name, std::string_view password, std::string_view address = "10.0.0.1") {
    return users_->Login({name, password, address});
  }

  std::filesystem::path dir_;
  Timestamp now_ = Timestamp::FromMicros(1'700'000'000'000'000);
  PasswordHashingGate gate_{PasswordHashingConfig{}};
  std::unique_ptr<testing::InMemoryUserStore> store_;
  std::unique_ptr<LoginThrottle> throttle_;
  std::unique_ptr<UserService> users_;
};

TEST_F(UserServiceLoginTest, ALockedOutUserIsRefusedEvenWithTheRightPassword) {
  EXPECT_EQ(Login("alice", "wrong-one", "10.0.0.1").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Login("ALICE", "wrong-two", "10.0.0.2").status().code(), StatusCode::kUnauthenticated);
  auto refused = Login("alice", kPassword, "10.0.0.3");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().retry_after_seconds(), 60);
  auto admitted = users_->AdmitLogin("alice", "10.0.0.3");
  EXPECT_EQ(admitted.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(gate_.admitted(), 0u);  // refused before taking a place
  now_ = Timestamp::FromMicros(now_.micros() + 60'000'000);
  EXPECT_TRUE(Login("alice", kPassword, "10.0.0.3").ok());
}

TEST_F(UserServiceLoginTest, ThrottlingSaysNothingOfWhetherTheUserExists) {
  for (const char* name : {"alice", "mallory-does-not-exist"}) {
    EXPECT_EQ(Login(name, "wrong-one", "").status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(Login(name, "wrong-two", "").status().code(), StatusCode::kUnauthenticated);
  }
  auto known = Login("alice", "wrong-three", "");
  auto unknown = Login("mallory-does-not-exist", "wrong-three", "");
  ASSERT_FALSE(known.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(known.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(known.status().ToString(), unknown.status().ToString());
  EXPECT_EQ(known.status().retry_after_seconds(), unknown.status().retry_after_seconds());
}

TEST_F(UserServiceLoginTest, SuccessClearsTheUsersFailures) {
  EXPECT_FALSE(Login("alice", "wrong-one", "").ok());
  EXPECT_TRUE(Login("alice", kPassword, "").ok());
  EXPECT_FALSE(Login("alice", "wrong-two", "").ok());
  // One failure since the success: under the limit of two.
  EXPECT_TRUE(Login("alice", kPassword, "").ok());
}

TEST_F(UserServiceLoginTest, AnAddressIsThrottledAcrossNames) {
  EXPECT_FALSE(Login("nobody1", "wrong-pw-1", "192.0.2.1").ok());
  EXPECT_FALSE(Login("nobody2", "wrong-pw-1", "192.0.2.1").ok());
  EXPECT_FALSE(Login("nobody3", "wrong-pw-1", "192.0.2.1").ok());
  EXPECT_EQ(Login("alice", kPassword, "192.0.2.1").status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Login("alice", kPassword, "192.0.2.2").ok());
}

}  // namespace
}  // namespace tradeagg::auth
