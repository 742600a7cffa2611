#include "tradeagg/store/mongo/mongo_user_store.h"

#include <algorithm>
#include <string>
#include <utility>

#include "tradeagg/store/mongo/mongo_fields.h"

namespace tradeagg::store {

namespace {

constexpr std::string_view kUsers = "users";
constexpr std::string_view kSecrets = "secrets";

Bson UserToDocument(const auth::User& user) {
  Bson doc;
  FieldWriter(doc)
      .Text("_id", user.username)
      .Text("password_hash", user.password_hash)
      .Text("role", auth::RoleName(user.role))
      .Text("participant", user.participant)
      .Time("created_at", user.created_at);
  return doc;
}

Result<auth::User> UserFromDocument(const Bson& doc) {
  auth::User user;
  user.username = doc.GetString("_id");
  user.password_hash = doc.GetString("password_hash");
  std::optional<auth::Role> role = auth::ParseRole(doc.GetString("role"));
  if (!role) return Status::Internal("corrupt users document '" + user.username + "': unknown role");
  user.role = *role;
  user.participant = doc.GetString("participant");
  if (!doc.Has("created_at_us")) {
    return Status::Internal("corrupt users document '" + user.username + "': no created_at_us");
  }
  user.created_at = ReadTime(doc, "created_at");
  return user;
}

}  // namespace

Result<std::unique_ptr<MongoUserStore>> MongoUserStore::Open(MongoClient& client) {
  // Nothing to create: the _id index is the only one, and the collection appears on first insert.
  return std::make_unique<MongoUserStore>(client);
}

Status MongoUserStore::CreateUser(const auth::User& user) {
  Status status = client_.InsertOne(kUsers, UserToDocument(user));
  if (status.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("user '" + user.username + "' already exists");
  }
  return status;
}

Result<std::optional<auth::User>> MongoUserStore::FindUser(std::string_view username) {
  ASSIGN_OR_RETURN(std::optional<Bson> doc, FindOne(client_, kUsers, IdFilter(username)));
  if (!doc) return std::optional<auth::User>();
  ASSIGN_OR_RETURN(auth::User user, UserFromDocument(*doc));
  return std::optional<auth::User>(std::move(user));
}

Result<std::vector<auth::User>> MongoUserStore::ListUsers() {
  std::vector<auth::User> users;
  Status parsed = Status::Ok();
  TRY(client_.Find(kUsers, Bson(), Bson(), [&](const Bson& doc) {
    if (!parsed.ok()) return;
    Result<auth::User> user = UserFromDocument(doc);
    if (user.ok()) users.push_back(std::move(user).value());
    else parsed = user.status();
  }));
  TRY(parsed);
  std::sort(users.begin(), users.end(),
            [](const auth::User& a, const auth::User& b) { return a.username < b.username; });
  return users;
}

Status MongoUserStore::DeleteUser(std::string_view username) {
  ASSIGN_OR_RETURN(int64_t deleted, client_.DeleteMany(kUsers, IdFilter(username)));
  if (deleted == 0) return Status::NotFound("user '" + std::string(username) + "' not found");
  return Status::Ok();
}

Result<std::string> MongoUserStore::SharedSecret(std::string_view name, std::string_view proposed) {
  Bson doc;
  doc.Append("_id", name).Append("value", proposed);
  Status inserted = client_.InsertOne(kSecrets, doc);
  // Taken (another instance's proposal won) or a lost reply (perhaps ours): the stored one is the answer.
  if (!inserted.ok() && inserted.code() != StatusCode::kAlreadyExists && inserted.code() != StatusCode::kStateUnknown) {
    return inserted;
  }
  ASSIGN_OR_RETURN(std::optional<Bson> stored, FindOne(client_, kSecrets, IdFilter(name)));
  if (!stored) return Status::Unavailable("secret '" + std::string(name) + "' not readable after it was stored");
  return stored->GetString("value");
}

}  // namespace tradeagg::store
