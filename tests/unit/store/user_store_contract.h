// UserStoreContract<Backend>: the rules of store/user_store.h as a typed GoogleTest suite.
//
// A Backend is a class with `Result<std::unique_ptr<UserStore>> Open()`, which opens a store
// on the backend's place (a fresh one per fixture; a second Open() of the same Backend object
// sees what the first wrote), and `static constexpr bool kPersists`. Instantiate the suite
// with INSTANTIATE_TYPED_TEST_SUITE_P(Name, UserStoreContract, Types<...>).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tradeagg/store/user_store.h"

namespace tradeagg::store {

inline auth::User ContractUser(std::string name, auth::Role role, std::string participant) {
  return {std::move(name), "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", role, std::move(participant),
          Timestamp::FromMicros(1'795'512'600'000'001)};
}

inline void ExpectSameUser(const auth::User& actual, const auth::User& expected) {
  EXPECT_EQ(actual.username, expected.username);
  EXPECT_EQ(actual.password_hash, expected.password_hash);
  EXPECT_EQ(actual.role, expected.role);
  EXPECT_EQ(actual.participant, expected.participant);
  EXPECT_EQ(actual.created_at.micros(), expected.created_at.micros());  // exact microseconds
}

template <typename Backend>
class UserStoreContract : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto opened = backend_.Open();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  Backend backend_;
  std::unique_ptr<UserStore> store_;
};

TYPED_TEST_SUITE_P(UserStoreContract);

TYPED_TEST_P(UserStoreContract, CreateFindListDelete) {
  UserStore& store = *this->store_;
  const auth::User alice = ContractUser("alice", auth::Role::kMember, "ALPHA");
  const auth::User bob = ContractUser("bob", auth::Role::kRisk, "");
  const auth::User admin = ContractUser("admin", auth::Role::kAdmin, "");
  ASSERT_TRUE(store.CreateUser(bob).ok());
  ASSERT_TRUE(store.CreateUser(alice).ok());
  ASSERT_TRUE(store.CreateUser(admin).ok());

  Status taken = store.CreateUser(ContractUser("alice", auth::Role::kAdmin, ""));
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists) << taken.ToString();

  Result<std::optional<auth::User>> found = store.FindUser("alice");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  ExpectSameUser(**found, alice);  // the failed create changed nothing
  found = store.FindUser("carol");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());

  Result<std::vector<auth::User>> all = store.ListUsers();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);  // ordered by name
  ExpectSameUser((*all)[0], admin);
  ExpectSameUser((*all)[1], alice);
  ExpectSameUser((*all)[2], bob);

  ASSERT_TRUE(store.DeleteUser("alice").ok());
  EXPECT_EQ(store.DeleteUser("alice").code(), StatusCode::kNotFound);
  EXPECT_EQ(store.DeleteUser("nobody").code(), StatusCode::kNotFound);
  found = store.FindUser("alice");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(store.ListUsers()->size(), 2u);

  EXPECT_TRUE(store.CreateUser(alice).ok());  // the name is free again
}

TYPED_TEST_P(UserStoreContract, NamesAreComparedExactly) {
  UserStore& store = *this->store_;
  ASSERT_TRUE(store.CreateUser(ContractUser("alice", auth::Role::kRisk, "")).ok());
  // Case folding is UserService's job; the store keeps what it is given.
  Result<std::optional<auth::User>> found = store.FindUser("Alice");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TYPED_TEST_P(UserStoreContract, UsersSurviveReopening) {
  const auth::User alice = ContractUser("alice", auth::Role::kMember, "A");
  ASSERT_TRUE(this->store_->CreateUser(alice).ok());
  this->Reopen();
  Result<std::optional<auth::User>> found = this->store_->FindUser("alice");
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  ExpectSameUser(**found, alice);
}

// The first proposal of a secret wins, for good: later proposals (another instance's, or this
// one's after a restart) get the stored secret; names are independent.
TYPED_TEST_P(UserStoreContract, FirstProposedSecretIsEveryonesForGood) {
  Result<std::string> first = this->store_->SharedSecret("token-signing-key", "aaaa");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, "aaaa");
  Result<std::string> second = this->store_->SharedSecret("token-signing-key", "bbbb");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, "aaaa");
  Result<std::string> other = this->store_->SharedSecret("another", "cccc");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, "cccc");
  if constexpr (TypeParam::kPersists) {
    this->Reopen();
    Result<std::string> after = this->store_->SharedSecret("token-signing-key", "dddd");
    ASSERT_TRUE(after.ok()) << after.status().ToString();
    EXPECT_EQ(*after, "aaaa");
  }
}

REGISTER_TYPED_TEST_SUITE_P(UserStoreContract, CreateFindListDelete, NamesAreComparedExactly, UsersSurviveReopening,
                            FirstProposedSecretIsEveryonesForGood);

}  // namespace tradeagg::store
