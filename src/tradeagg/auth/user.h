// User and Role: who may call the API and what they may see.
//
// member: bound to one participant; submits and reads only that participant's trades.
// risk:   reads everything; submits nothing.
// admin:  manages users; reads everything.
// Thread safety: value types.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tradeagg/core/time.h"

namespace tradeagg::auth {

enum class Role : uint8_t { kMember, kRisk, kAdmin };

const char* RoleName(Role role);                        // "member" / "risk" / "admin"
std::optional<Role> ParseRole(std::string_view text);

struct User {
  std::string username;
  std::string password_hash;  // libsodium argon2id string ("$argon2id$...")
  Role role = Role::kMember;
  std::string participant;    // members only; empty otherwise
  Timestamp created_at;
};

}  // namespace tradeagg::auth
