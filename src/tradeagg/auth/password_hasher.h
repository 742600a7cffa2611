// Password hashing with argon2id (libsodium crypto_pwhash_str, interactive limits: 64 MiB,
// 2 passes). Memory-hard, salted, self-describing: the hash string carries its parameters, so
// limits can be raised later without invalidating stored hashes.
// Thread safety: stateless functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "tradeagg/core/status.h"

namespace tradeagg::auth {

Result<std::string> HashPassword(std::string_view password);
// Constant-time check of `password` against a hash from HashPassword.
bool VerifyPassword(std::string_view hash, std::string_view password);

}  // namespace tradeagg::auth
