// The UserStore contract (store/user_store.h), one typed suite that every implementation
// passes: the SQLite store, the in-memory fake the auth and api tests use, and (in
// tests/unit/store/mongo) the MongoDB store against a real server.
#include "store/user_store_contract.h"

#include <memory>

#include "testing/in_memory_user_store.h"
#include "testing/temp_dir.h"
#include "tradeagg/store/sqlite/sqlite_user_store.h"

namespace tradeagg::store {
namespace {

class SqliteUsers {
 public:
  Result<std::unique_ptr<UserStore>> Open() {
    ASSIGN_OR_RETURN(auto store, SqliteUserStore::Open(dir_ / "tradeagg.db"));
    return std::unique_ptr<UserStore>(std::move(store));
  }
  static constexpr bool kPersists = true;

 private:
  testing::TempDir dir_{"tradeagg-users"};
};

class InMemoryUsers {
 public:
  // One store for the fixture's life, so that "reopening" finds what was written.
  Result<std::unique_ptr<UserStore>> Open() {
    class Handle final : public UserStore {
     public:
      explicit Handle(UserStore& target) : target_(target) {}
      Status CreateUser(const auth::User& user) override { return target_.CreateUser(user); }
      Result<std::optional<auth::User>> FindUser(std::string_view name) override { return target_.FindUser(name); }
      Result<std::vector<auth::User>> ListUsers() override { return target_.ListUsers(); }
      Status DeleteUser(std::string_view name) override { return target_.DeleteUser(name); }
      Result<std::string> SharedSecret(std::string_view name, std::string_view proposed) override {
        return target_.SharedSecret(name, proposed);
      }

     private:
      UserStore& target_;
    };
    return std::unique_ptr<UserStore>(std::make_unique<Handle>(store_));
  }
  static constexpr bool kPersists = false;

 private:
  testing::InMemoryUserStore store_;
};

using Implementations = ::testing::Types<SqliteUsers, InMemoryUsers>;
INSTANTIATE_TYPED_TEST_SUITE_P(Store, UserStoreContract, Implementations);

}  // namespace
}  // namespace tradeagg::store
