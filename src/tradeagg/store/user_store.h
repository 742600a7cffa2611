// UserStore: the system of record for users (logins, roles, participants).
//
// A role apart from TradeStore: users are written a few times a day and read once at start
// (auth::UserService caches them), trades are the ingest hot path; neither interface should
// grow with the other. The embedded default keeps users in the same SQLite file as trades.
//
// Contract:
// - Usernames are stored as given and compared exactly; UserService case-folds before it asks.
// - CreateUser is durable when it returns OK; kAlreadyExists if the name is taken.
// - DeleteUser is durable when it returns OK; kNotFound if the name is absent.
// - ListUsers is sorted by username.
// - SharedSecret(name, proposed) returns the secret called `name` that every instance on this
//   store uses (the token signing key): the stored one, or else `proposed`, stored durably
//   before it returns. Of concurrent first proposals exactly one wins, and every caller gets
//   the winner, so instances behind a load balancer accept each other's tokens. Secrets are
//   printable text (the caller encodes bytes).
// - kUnavailable: the store could not be reached; nothing changed.
// Implementations: store/sqlite (embedded default), store/mongo.
// Thread safety: every method may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/auth/user.h"
#include "tradeagg/core/status.h"

namespace tradeagg::store {

class UserStore {
 public:
  virtual ~UserStore() = default;

  virtual Status CreateUser(const auth::User& user) = 0;
  virtual Result<std::optional<auth::User>> FindUser(std::string_view username) = 0;
  virtual Result<std::vector<auth::User>> ListUsers() = 0;
  virtual Status DeleteUser(std::string_view username) = 0;
  virtual Result<std::string> SharedSecret(std::string_view name, std::string_view proposed) = 0;
};

}  // namespace tradeagg::store
