// InMemoryUserStore: a UserStore in a map, for unit tests of the code that uses the role
// (auth/, api/). It keeps the role's contract (tests/unit/store/user_store_contract_test.cc
// holds it to the same rules as the real stores) and can be told to fail like an unreachable
// store.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "tradeagg/store/user_store.h"

namespace tradeagg::testing {

class InMemoryUserStore final : public store::UserStore {
 public:
  Status CreateUser(const auth::User& user) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    if (!users_.emplace(user.username, user).second) {
      return Status::AlreadyExists("user '" + user.username + "' already exists");
    }
    return Status::Ok();
  }
  Result<std::optional<auth::User>> FindUser(std::string_view username) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    auto it = users_.find(username);
    if (it == users_.end()) return std::optional<auth::User>();
    return std::optional<auth::User>(it->second);
  }
  Result<std::vector<auth::User>> ListUsers() override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    std::vector<auth::User> users;
    for (const auto& [name, user] : users_) users.push_back(user);
    return users;
  }
  Status DeleteUser(std::string_view username) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    auto it = users_.find(username);
    if (it == users_.end()) return Status::NotFound("user '" + std::string(username) + "' not found");
    users_.erase(it);
    return Status::Ok();
  }

  Result<std::string> SharedSecret(std::string_view name, std::string_view proposed) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    return secrets_.try_emplace(std::string(name), proposed).first->second;
  }

  // Every later call fails with `status` (Ok() to heal).
  void FailWith(Status status) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(status);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, auth::User, std::less<>> users_;
  std::map<std::string, std::string, std::less<>> secrets_;
  Status failure_ = Status::Ok();
};

}  // namespace tradeagg::testing
