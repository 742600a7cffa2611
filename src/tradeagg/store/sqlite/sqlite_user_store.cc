#include "tradeagg/store/sqlite/sqlite_user_store.h"

#include <string>
#include <utility>

#include "tradeagg/store/sqlite/schema.h"

namespace tradeagg::store {

namespace {

#define USER_COLUMNS "username, password_hash, role, participant, created_at"
constexpr std::string_view kInsertUserSql = "INSERT INTO users (" USER_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kFindUserSql = "SELECT " USER_COLUMNS " FROM users WHERE username = ?1";
constexpr std::string_view kListUsersSql = "SELECT " USER_COLUMNS " FROM users ORDER BY username";
constexpr std::string_view kDeleteUserSql = "DELETE FROM users WHERE username = ?1";
constexpr std::string_view kProposeSecretSql = "INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
constexpr std::string_view kFindSecretSql = "SELECT value FROM secrets WHERE name = ?1";
#undef USER_COLUMNS

Result<auth::User> ReadUserRow(const SqliteStatement& row) {
  auth::User user;
  user.username.assign(row.ColumnText(0));
  user.password_hash.assign(row.ColumnText(1));
  std::optional<auth::Role> role = auth::ParseRole(row.ColumnText(2));
  if (!role) return Status::Internal("corrupt users row '" + user.username + "': unknown role");
  user.role = *role;
  user.participant.assign(row.ColumnText(3));
  user.created_at = Timestamp::FromMicros(row.ColumnInt64(4));
  return user;
}

}  // namespace

Result<std::unique_ptr<SqliteUserStore>> SqliteUserStore::Open(const std::filesystem::path& db_path,
                                                               int busy_timeout_ms) {
  ASSIGN_OR_RETURN(SqliteDb db, OpenDurableConnection(db_path, busy_timeout_ms));
  return std::unique_ptr<SqliteUserStore>(new SqliteUserStore(std::move(db)));
}

Status SqliteUserStore::CreateUser(const auth::User& user) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement insert, db_.Prepare(kInsertUserSql));
  insert.BindText(1, user.username);
  insert.BindText(2, user.password_hash);
  insert.BindText(3, auth::RoleName(user.role));
  insert.BindText(4, user.participant);
  insert.BindInt64(5, user.created_at.micros());
  Status status = insert.Run();  // autocommit: one durable transaction
  if (status.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("user '" + user.username + "' already exists");
  }
  return status;
}

Result<std::optional<auth::User>> SqliteUserStore::FindUser(std::string_view username) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement find, db_.Prepare(kFindUserSql));
  find.BindText(1, username);
  ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return std::optional<auth::User>();
  ASSIGN_OR_RETURN(auth::User user, ReadUserRow(find));
  return std::optional<auth::User>(std::move(user));
}

Result<std::vector<auth::User>> SqliteUserStore::ListUsers() {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement list, db_.Prepare(kListUsersSql));
  std::vector<auth::User> users;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) return users;
    ASSIGN_OR_RETURN(auth::User user, ReadUserRow(list));
    users.push_back(std::move(user));
  }
}

Status SqliteUserStore::DeleteUser(std::string_view username) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement remove, db_.Prepare(kDeleteUserSql));
  remove.BindText(1, username);
  TRY(remove.Run());
  if (db_.changes() == 0) return Status::NotFound("user '" + std::string(username) + "' not found");
  return Status::Ok();
}

Result<std::string> SqliteUserStore::SharedSecret(std::string_view name, std::string_view proposed) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement propose, db_.Prepare(kProposeSecretSql));
  propose.BindText(1, name);
  propose.BindText(2, proposed);
  TRY(propose.Run());  // autocommit: durable; a stored secret is kept
  ASSIGN_OR_RETURN(SqliteStatement find, db_.Prepare(kFindSecretSql));
  find.BindText(1, name);
  ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return Status::Internal("secret '" + std::string(name) + "' vanished after it was stored");
  return std::string(find.ColumnText(0));
}

}  // namespace tradeagg::store
