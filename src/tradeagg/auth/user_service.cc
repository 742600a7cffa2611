#include "tradeagg/auth/user_service.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "tradeagg/auth/password_hasher.h"

namespace tradeagg::auth {

namespace {

// User names are unique whatever their case (they are ASCII: see Validate).
bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Names as sent, fit for a log line: printable ASCII (others become '?'), at most 64
// characters, so a crafted name can neither forge log lines nor flood them.
std::string SanitisedForLog(std::string_view text) {
  constexpr size_t kMax = 64;
  std::string out;
  for (char c : text.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > kMax) out += "...";
  return out;
}

bool IsValidUsername(std::string_view name) {
  if (name.empty() || name.size() > UserService::kMaxUsernameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status UserService::Load() {
  ASSIGN_OR_RETURN(auto users, store_.ListUsers());
  std::unique_lock lock(mutex_);
  users_.clear();
  for (auto& user : users) users_.emplace(user.username, std::move(user));
  return Status::Ok();
}

Status UserService::EnsureAdmin(std::string_view password) {
  {
    std::shared_lock lock(mutex_);
    if (users_.contains("admin")) return Status::Ok();
  }
  auto created = CreateUser(NewUser{"admin", std::string(password), "admin", ""});
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) return created.status();
  return Status::Ok();
}

Result<PasswordHashingGate::Ticket> UserService::AdmitLogin(std::string_view username,
                                                             std::string_view client_address) {
  if (Status throttled = throttle_.Check(username, client_address); !throttled.ok()) {
    LogFailedLogin({username, {}, client_address}, "throttled");
    return throttled;
  }
  return hashing_.Admit();
}

Result<IssuedToken> UserService::Login(const LoginAttempt& attempt) {
  std::optional<User> user;
  {
    std::shared_lock lock(mutex_);
    auto it = users_.find(attempt.username);
    if (it != users_.end()) user = it->second;
  }
  if (!user) {
    // Perhaps created by another instance on the same store since the last refresh.
    Result<std::optional<User>> stored = store_.FindUser(attempt.username);
    if (stored.ok() && stored->has_value()) {
      user = **stored;
      std::unique_lock lock(mutex_);
      users_.emplace(user->username, *user);
    }
  }
  enum class Outcome { kOk, kThrottled, kUnknownUser, kWrongPassword };
  Status throttled;
  Outcome outcome = hashing_.Run([&] {
    // Checked in the turn: the failures of attempts hashed while this one waited count.
    throttled = throttle_.Check(attempt.username, attempt.client_address);
    if (!throttled.ok()) return Outcome::kThrottled;
    Outcome verdict = Outcome::kOk;
    if (!user) {
      // Spend the same time as a real check so response times do not reveal user names.
      VerifyPassword("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                     "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY",
                     attempt.password);
      verdict = Outcome::kUnknownUser;
    } else if (!VerifyPassword(user->password_hash, attempt.password)) {
      verdict = Outcome::kWrongPassword;
    }
    // Counted before the turn is given back, so the next attempt's check sees it.
    if (verdict == Outcome::kOk) {
      throttle_.RecordSuccess(attempt.username);
    } else {
      throttle_.RecordFailure(attempt.username, attempt.client_address);
    }
    return verdict;
  });
  switch (outcome) {
    case Outcome::kOk: break;
    case Outcome::kThrottled: LogFailedLogin(attempt, "throttled"); return throttled;
    case Outcome::kUnknownUser:
      LogFailedLogin(attempt, "unknown user");
      return Status::Unauthenticated("incorrect username or password");
    case Outcome::kWrongPassword:
      LogFailedLogin(attempt, "wrong password");
      return Status::Unauthenticated("incorrect username or password");
  }
  int64_t expires_at = Timestamp::Now().micros() / 1'000'000 + token_ttl_seconds_;
  return IssuedToken{signer_.Issue({user->username, user->role, user->participant, expires_at}), token_ttl_seconds_};
}

void UserService::LogFailedLogin(const LoginAttempt& attempt, std::string_view reason) {
  spdlog::warn("failed login: user '{}' from {}: {}", SanitisedForLog(attempt.username),
               attempt.client_address.empty() ? std::string("-") : SanitisedForLog(attempt.client_address), reason);
}

Result<Principal> UserService::Authenticate(std::string_view token) const {
  ASSIGN_OR_RETURN(TokenClaims claims, VerifyCached(token));
  std::shared_lock lock(mutex_);
  auto it = users_.find(claims.username);
  if (it == users_.end() || it->second.role != claims.role || it->second.participant != claims.participant) {
    return Status::Unauthenticated("token revoked");
  }
  return Principal{claims.username, claims.role, claims.participant};
}

Result<TokenClaims> UserService::VerifyCached(std::string_view token) const {
  // A client sends the same token with every request; remembering verified tokens per thread
  // saves the base64, HMAC and JSON work on the hot path. Expiry is still checked on every use
  // and user existence by the caller; only signature and shape are remembered.
  struct Cache {
    uint64_t owner = 0;  // instance_id_ of the service the entries were verified for
    std::unordered_map<std::string, TokenClaims> verified;
  };
  thread_local Cache cache;
  if (cache.owner != instance_id_) {
    cache.owner = instance_id_;
    cache.verified.clear();
  }
  Timestamp now = Timestamp::Now();
  auto it = cache.verified.find(std::string(token));
  if (it != cache.verified.end()) {
    if (now.micros() / 1'000'000 >= it->second.expires_at) return Status::Unauthenticated("token expired");
    return it->second;
  }
  ASSIGN_OR_RETURN(TokenClaims claims, signer_.Verify(token, now));
  if (cache.verified.size() >= kVerifiedTokenCacheSize) cache.verified.clear();
  cache.verified.emplace(std::string(token), claims);
  return claims;
}

std::vector<domain::FieldError> UserService::Validate(const NewUser& user) {
  std::vector<domain::FieldError> errors;
  if (!IsValidUsername(user.username)) {
    errors.push_back({"username", "must be 1-64 characters of A-Z a-z 0-9 . _ @ -"});
  }
  if (user.password.size() < kMinPasswordLength || user.password.size() > kMaxPasswordLength) {
    errors.push_back({"password", "must be 8-128 characters"});
  }
  auto role = ParseRole(user.role);
  if (!role) {
    errors.push_back({"role", "must be one of member, risk, admin"});
  } else if (*role == Role::kMember) {
    if (!domain::TradeValidator::IsValidMemberId(user.participant)) {
      errors.push_back({"participant", "is required for members: 1-32 characters of A-Z a-z 0-9 _ -"});
    }
  } else if (!user.participant.empty()) {
    errors.push_back({"participant", "must be empty unless the role is member"});
  }
  return errors;
}

Result<User> UserService::CreateUser(const NewUser& request) {
  auto errors = Validate(request);
  if (!errors.empty()) return Status::InvalidArgument(errors.front().field + " " + errors.front().message);
  {
    std::shared_lock lock(mutex_);
    for (const auto& [name, user] : users_) {  // creates are rare; the store's index is the final word
      if (SameName(name, request.username)) return Status::AlreadyExists("user '" + name + "' already exists");
    }
  }
  ASSIGN_OR_RETURN(std::string hash, hashing_.Run([&] { return HashPassword(request.password); }));
  User user{request.username, std::move(hash), *ParseRole(request.role), request.participant, Timestamp::Now()};
  TRY(store_.CreateUser(user));
  std::unique_lock lock(mutex_);
  users_[user.username] = user;
  return user;
}

Result<User> UserService::Signup(const NewUser& request) {
  std::lock_guard signup(signup_mutex_);
  {
    std::shared_lock lock(mutex_);
    for (const auto& [name, user] : users_) {
      if (user.participant == request.participant) {
        return Status::Conflict("participant '" + request.participant +
                                "' already has users; an administrator creates further ones");
      }
    }
  }
  return CreateUser(request);
}

Status UserService::DeleteUser(std::string_view username) {
  {
    std::shared_lock lock(mutex_);
    auto it = users_.find(username);
    if (it != users_.end() && it->second.role == Role::kAdmin &&
        std::count_if(users_.begin(), users_.end(), [](const auto& u) { return u.second.role == Role::kAdmin; }) == 1) {
      return Status::Conflict("'" + std::string(username) + "' is the last admin; create another admin first");
    }
  }
  TRY(store_.DeleteUser(username));
  std::unique_lock lock(mutex_);
  auto it = users_.find(username);
  if (it != users_.end()) users_.erase(it);
  return Status::Ok();
}

std::vector<User> UserService::ListUsers() const {
  std::shared_lock lock(mutex_);
  std::vector<User> out;
  out.reserve(users_.size());
  for (const auto& [name, user] : users_) out.push_back(user);
  return out;
}

}  // namespace tradeagg::auth
