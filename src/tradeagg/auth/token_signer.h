// TokenSigner: issues and verifies bearer tokens (JWT, HS256).
//
// A token carries the username, role, participant and expiry, signed with HMAC-SHA256 under a
// secret kept in the data directory (or configured), so tokens survive restarts and any
// instance sharing the secret accepts them. Verification checks the header, the signature (in
// constant time) and the expiry; whether the user still exists is the UserService's business.
// Thread safety: immutable after construction; safe to share.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "tradeagg/auth/user.h"
#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"

namespace tradeagg::auth {

struct TokenClaims {
  std::string username;
  Role role = Role::kMember;
  std::string participant;
  int64_t expires_at = 0;  // seconds since the epoch
};

class TokenSigner {
 public:
  static constexpr size_t kSecretBytes = 32;
  using Secret = std::array<unsigned char, kSecretBytes>;

  explicit TokenSigner(const Secret& secret) : secret_(secret) {}
  static Secret RandomSecret();

  std::string Issue(const TokenClaims& claims) const;
  // kUnauthenticated with a reason ("malformed token", "bad signature", "token expired").
  Result<TokenClaims> Verify(std::string_view token, Timestamp now) const;

 private:
  std::string Sign(std::string_view signing_input) const;
  Secret secret_;
};

}  // namespace tradeagg::auth
