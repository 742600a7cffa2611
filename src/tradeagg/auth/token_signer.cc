#include "tradeagg/auth/token_signer.h"

#include <sodium.h>

#include <simdjson.h>

#include "tradeagg/core/json_writer.h"

namespace tradeagg::auth {

namespace {

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::string Base64Url(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // drop the NUL libsodium writes
  return out;
}

std::string Base64Url(std::string_view text) {
  return Base64Url(reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

bool FromBase64Url(std::string_view text, std::string& out) {
  out.resize(text.size());
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return false;
  }
  out.resize(length);
  return true;
}

}  // namespace

TokenSigner::Secret TokenSigner::RandomSecret() {
  if (sodium_init() < 0) std::abort();
  Secret secret;
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string TokenSigner::Sign(std::string_view signing_input) const {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
                         secret_.data());
  return Base64Url(mac, sizeof mac);
}

std::string TokenSigner::Issue(const TokenClaims& claims) const {
  JsonWriter payload;
  payload.BeginObject()
      .Field("sub", claims.username)
      .Field("role", std::string_view(RoleName(claims.role)))
      .Field("participant", claims.participant)
      .Field("exp", claims.expires_at)
      .EndObject();
  std::string token = Base64Url(kHeader) + "." + Base64Url(payload.str());
  std::string signature = Sign(token);
  token += ".";
  token += signature;
  return token;
}

Result<TokenClaims> TokenSigner::Verify(std::string_view token, Timestamp now) const {
  const Status malformed = Status::Unauthenticated("malformed token");
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) return malformed;
  std::string_view signing_input = token.substr(0, second);
  std::string expected = Sign(signing_input);
  std::string_view given = token.substr(second + 1);
  if (given.size() != expected.size() || sodium_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return Status::Unauthenticated("bad token signature");
  }
  std::string header, payload;
  if (!FromBase64Url(token.substr(0, first), header) || header != kHeader ||
      !FromBase64Url(token.substr(first + 1, second - first - 1), payload)) {
    return malformed;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(payload).get(doc)) return malformed;
  std::string_view sub, role, participant;
  int64_t exp = 0;
  if (doc["sub"].get(sub) || doc["role"].get(role) || doc["participant"].get(participant) ||
      doc["exp"].get(exp)) {
    return malformed;
  }
  auto parsed_role = ParseRole(role);
  if (!parsed_role) return malformed;
  if (now.micros() / 1'000'000 >= exp) return Status::Unauthenticated("token expired");
  return TokenClaims{std::string(sub), *parsed_role, std::string(participant), exp};
}

}  // namespace tradeagg::auth
