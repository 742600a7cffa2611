#include "tradeagg/auth/user.h"

namespace tradeagg::auth {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kMember: return "member";
    case Role::kRisk: return "risk";
    case Role::kAdmin: return "admin";
  }
  return "member";
}

std::optional<Role> ParseRole(std::string_view text) {
  if (text == "member") return Role::kMember;
  if (text == "risk") return Role::kRisk;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace tradeagg::auth
