// MongoUserStore: the UserStore on a MongoDB database (store/user_store.h), which several
// tradeagg instances may share.
//
// Collection `users`, one document per user:
//   { _id: "<username>", password_hash, role: "member"|"risk"|"admin" (auth::RoleName, as the
//     SQLite store keeps it), participant, created_at: <date>, created_at_us: <int64> }
// Collection `secrets`: { _id: "<name>", value: "<text>" }, the first proposal inserted (a
// unique _id), read back by everyone else.
// The username is the _id: the unique insert is what makes CreateUser answer kAlreadyExists
// for a taken name across instances (no read-then-write), and every lookup is by _id, the one
// key FerretDB 1.x answers quickly. Times are read back from created_at_us (exact micros).
// Writes use the client's journaled write concern: OK means durable. ListUsers sorts in C++
// (by bytes, as SQLite's BINARY collation does), so the order does not depend on the server.
// Thread safety: every method may be called from any thread (MongoClient is thread-safe).
#pragma once

#include <memory>

#include "tradeagg/store/mongo/mongo_client.h"
#include "tradeagg/store/user_store.h"

namespace tradeagg::store {

class MongoUserStore final : public UserStore {
 public:
  // `client` is borrowed: the composition root owns it and outlives the store.
  static Result<std::unique_ptr<MongoUserStore>> Open(MongoClient& client);
  explicit MongoUserStore(MongoClient& client) : client_(client) {}

  Status CreateUser(const auth::User& user) override;
  Result<std::optional<auth::User>> FindUser(std::string_view username) override;
  Result<std::vector<auth::User>> ListUsers() override;
  Status DeleteUser(std::string_view username) override;
  Result<std::string> SharedSecret(std::string_view name, std::string_view proposed) override;

 private:
  MongoClient& client_;
};

}  // namespace tradeagg::store
