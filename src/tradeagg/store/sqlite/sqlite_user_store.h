// SqliteUserStore: the embedded default UserStore, tables `users` and `secrets` of the same SQLite file as the
// SqliteTradeStore (see schema.h).
//
// One read-write connection under a mutex: users are read once at start and written by an
// admin now and then, so the trade writer's connection and its readers' pool stay the trades'.
// synchronous=FULL: a created user survives a crash. A write waits out the trade writer's lock
// (busy timeout) rather than failing.
// Thread safety: every method may be called from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "tradeagg/store/sqlite/sqlite_db.h"
#include "tradeagg/store/user_store.h"

namespace tradeagg::store {

class SqliteUserStore final : public UserStore {
 public:
  // Opens the database at `db_path` (creating it and bringing the schema up to date if needed).
  static Result<std::unique_ptr<SqliteUserStore>> Open(const std::filesystem::path& db_path,
                                                       int busy_timeout_ms = 5000);

  Status CreateUser(const auth::User& user) override;
  Result<std::optional<auth::User>> FindUser(std::string_view username) override;
  Result<std::vector<auth::User>> ListUsers() override;
  Status DeleteUser(std::string_view username) override;
  Result<std::string> SharedSecret(std::string_view name, std::string_view proposed) override;

 private:
  explicit SqliteUserStore(SqliteDb db) : db_(std::move(db)) {}

  std::mutex mutex_;
  SqliteDb db_;
};

}  // namespace tradeagg::store
