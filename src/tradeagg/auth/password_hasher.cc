#include "tradeagg/auth/password_hasher.h"

#include <sodium.h>

namespace tradeagg::auth {

Result<std::string> HashPassword(std::string_view password) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Unavailable("out of memory while hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (sodium_init() < 0) return false;
  std::string hash_z(hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash_z.c_str(), password.data(), password.size()) == 0;
}

}  // namespace tradeagg::auth
