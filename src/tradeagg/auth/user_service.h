// UserService: logins, bearer-token authentication and user management.
//
// Users live in the UserStore (the system of record) and are cached here so authenticating a
// request costs an HMAC and a hash lookup, no I/O. A token is honoured only while its user
// still exists with the same role and participant: deleting a user revokes its tokens at once.
// Login and user creation run argon2id (tens of milliseconds, 64 MiB): callers keep them off
// the network threads, and every hash runs through the PasswordHashingGate (at most K at once).
// Logins are throttled (LoginThrottle): a name or address with too many recent failures is
// refused before any hashing, whether the name exists or not. Failed logins are logged at warn
// with the name (sanitised), the client address and the reason, never the password.
// Thread safety: all methods may be called concurrently.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/auth/login_throttle.h"
#include "tradeagg/auth/password_hashing_gate.h"
#include "tradeagg/auth/token_signer.h"
#include "tradeagg/auth/user.h"
#include "tradeagg/core/status.h"
#include "tradeagg/domain/trade_validator.h"
#include "tradeagg/store/user_store.h"

namespace tradeagg::auth {

// Who is calling, as established by a valid token.
struct Principal {
  std::string username;
  Role role = Role::kMember;
  std::string participant;  // members only

  bool can_read_all() const { return role != Role::kMember; }
};

struct NewUser {
  std::string username;
  std::string password;
  std::string role;  // as sent; validated
  std::string participant;
};

struct LoginAttempt {
  std::string_view username;
  std::string_view password;
  std::string_view client_address;  // empty when there is no network peer
};

struct IssuedToken {
  std::string access_token;
  int64_t expires_in = 0;  // seconds
};

class UserService {
 public:
  static constexpr size_t kMaxUsernameLength = 64;
  static constexpr size_t kMinPasswordLength = 8;
  static constexpr size_t kMaxPasswordLength = 128;

  // `throttle` and `hashing` are shared with nobody else in the service, and outlive it.
  UserService(store::UserStore& store, TokenSigner signer, int64_t token_ttl_seconds, LoginThrottle& throttle,
              PasswordHashingGate& hashing)
      : store_(store),
        signer_(std::move(signer)),
        token_ttl_seconds_(token_ttl_seconds),
        throttle_(throttle),
        hashing_(hashing) {
    static std::atomic<uint64_t> next_instance_id{1};
    instance_id_ = next_instance_id++;
  }

  Status Load();  // fills the cache from the store
  // Creates user `admin` (role admin) with this password unless it exists.
  Status EnsureAdmin(std::string_view password);

  // Before queueing a login (cheap, never waits): kResourceExhausted with retry-after when the
  // name or the address is throttled (logged), kUnavailable with retry-after when too many
  // password checks are under way; else a ticket to hold until Login returns.
  Result<PasswordHashingGate::Ticket> AdmitLogin(std::string_view username, std::string_view client_address);
  // Before queueing a signup or user creation: the gate's ticket (or kUnavailable).
  Result<PasswordHashingGate::Ticket> AdmitHashing() { return hashing_.Admit(); }

  // kUnauthenticated for an unknown name or a wrong password (one message for both),
  // kResourceExhausted with retry-after when throttled (checked again once it is this attempt's
  // turn to hash, so attempts that failed meanwhile count: of many parallel guesses at most the
  // limit + max_concurrent - 1 are checked). Success clears the name's failures.
  Result<IssuedToken> Login(const LoginAttempt& attempt);
  Result<Principal> Authenticate(std::string_view token) const;

  // Every field error at once (fields: username, password, role, participant).
  static std::vector<domain::FieldError> Validate(const NewUser& user);
  // kInvalidArgument if Validate finds errors, kAlreadyExists if the name is taken, in any
  // case ("Alpha" and "alpha" are one name).
  Result<User> CreateUser(const NewUser& user);
  // Self-service signup (the proof of concept's /signup): a member of a participant nobody
  // uses yet, so that a stranger can never bind itself to an existing participant and read
  // its trades (kConflict). A participant's further users are an admin's to create.
  Result<User> Signup(const NewUser& user);
  Status DeleteUser(std::string_view username);
  std::vector<User> ListUsers() const;

 private:
  static constexpr size_t kVerifiedTokenCacheSize = 4096;  // per thread
  Result<TokenClaims> VerifyCached(std::string_view token) const;
  static void LogFailedLogin(const LoginAttempt& attempt, std::string_view reason);

  store::UserStore& store_;
  TokenSigner signer_;
  int64_t token_ttl_seconds_;
  LoginThrottle& throttle_;
  PasswordHashingGate& hashing_;
  uint64_t instance_id_;  // keys the per-thread cache of verified tokens
  mutable std::shared_mutex mutex_;
  std::map<std::string, User, std::less<>> users_;  // guarded by mutex_
  std::mutex signup_mutex_;  // one signup at a time: the participant check and the create are one step
};

}  // namespace tradeagg::auth
