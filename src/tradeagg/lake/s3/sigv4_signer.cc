#include "tradeagg/lake/s3/sigv4_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <map>

#include <date/date.h>

#include "tradeagg/net/percent_encoding.h"

namespace tradeagg::lake::s3 {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kHexDigits = "0123456789abcdef";

using Digest = std::array<unsigned char, 32>;  // SHA-256

std::string_view AsText(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

std::string ToHex(const Digest& digest) {
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    hex += kHexDigits[byte >> 4];
    hex += kHexDigits[byte & 0xF];
  }
  return hex;
}

// OpenSSL fails here only when it cannot allocate: nothing sensible can be signed then, and a
// wrong signature would only surface later as a confusing 403.
Digest HmacSha256(std::string_view key, std::string_view data) {
  Digest mac;
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac.data(), &length) == nullptr ||
      length != mac.size()) {
    std::abort();
  }
  return mac;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), AsciiLower);
  return out;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// SigV4's "trimall": the server canonicalises the header it received the same way, so the
// signature must not depend on surrounding or repeated blanks (which proxies may change).
std::string TrimAll(std::string_view value) {
  std::string out;
  bool blank_pending = false;
  for (char c : value) {
    if (IsBlank(c)) {
      blank_pending = !out.empty();
      continue;
    }
    if (blank_pending) out += ' ';
    blank_pending = false;
    out += c;
  }
  return out;
}

// Headers the signer sets itself: a caller's copy would be a second, conflicting value.
bool IsSignerHeader(std::string_view lower_name) {
  return lower_name == "host" || lower_name == "x-amz-date" || lower_name == "x-amz-content-sha256" ||
         lower_name == "x-amz-security-token" || lower_name == "authorization";
}

// Lowercase name -> trimmed value; std::map keeps the names in the byte order SigV4 sorts by.
using HeaderMap = std::map<std::string, std::string>;

void AddHeader(HeaderMap& headers, std::string name, std::string_view value) {
  auto [it, inserted] = headers.try_emplace(std::move(name), TrimAll(value));
  // A repeated header is one header whose values are joined by ',' in order, as in HTTP.
  if (!inserted) it->second += "," + TrimAll(value);
}

HeaderMap HeadersToSign(const SignableRequest& request, std::string_view amz_date, std::string_view session_token) {
  HeaderMap headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lowercase(name);
    if (!IsSignerHeader(lower)) AddHeader(headers, std::move(lower), value);
  }
  AddHeader(headers, "host", request.host);
  AddHeader(headers, "x-amz-date", amz_date);
  AddHeader(headers, "x-amz-content-sha256", request.payload_sha256_hex);
  if (!session_token.empty()) AddHeader(headers, "x-amz-security-token", session_token);
  return headers;
}

std::string SignedHeaderNames(const HeaderMap& headers) {
  std::string names;
  for (const auto& [name, value] : headers) {
    if (!names.empty()) names += ';';
    names += name;
  }
  return names;
}

std::string CanonicalRequest(const SignableRequest& request, const HeaderMap& headers) {
  std::string canonical =
      request.method + '\n' + EncodePath(request.path) + '\n' + CanonicalQuery(request.query) + '\n';
  for (const auto& [name, value] : headers) canonical += name + ':' + value + '\n';
  canonical += '\n' + SignedHeaderNames(headers) + '\n' + request.payload_sha256_hex;
  return canonical;
}

// "20130524T000000Z": ISO 8601 basic format, whole seconds, UTC.
std::string AmzDate(Timestamp now) {
  date::sys_time<std::chrono::microseconds> point{std::chrono::microseconds{now.micros()}};
  return date::format("%Y%m%dT%H%M%SZ", date::floor<std::chrono::seconds>(point));
}

// The key is derived per day, region and service, so a leaked signing key is worth little.
Digest SigningKey(std::string_view secret, std::string_view day, std::string_view region, std::string_view service) {
  Digest key = HmacSha256("AWS4" + std::string(secret), day);
  key = HmacSha256(AsText(key), region);
  key = HmacSha256(AsText(key), service);
  return HmacSha256(AsText(key), "aws4_request");
}

}  // namespace

std::string UriEncode(std::string_view text, bool encode_slash) { return net::PercentEncode(text, encode_slash); }

std::string EncodePath(std::string_view raw_path) {
  // Encoding the whole path with '/' kept is the same as encoding each segment: only '/'
  // separates segments, and it is never part of one.
  std::string encoded = UriEncode(raw_path, /*encode_slash=*/false);
  if (encoded.empty() || encoded.front() != '/') encoded.insert(encoded.begin(), '/');
  return encoded;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  // Sorted after encoding: the order is defined on the encoded bytes ("%2B" sorts before "A").
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  std::sort(encoded.begin(), encoded.end());
  std::string canonical;
  for (const auto& [name, value] : encoded) {
    if (!canonical.empty()) canonical += '&';
    canonical += name + '=' + value;
  }
  return canonical;
}

std::string Sha256Hex(std::string_view bytes) {
  Digest digest;
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    std::abort();  // allocation failure only, as in HmacSha256
  }
  return ToHex(digest);
}

std::vector<std::pair<std::string, std::string>> SignV4(const SignableRequest& request, const Credentials& credentials,
                                                        std::string_view region, std::string_view service,
                                                        Timestamp now) {
  const std::string amz_date = AmzDate(now);
  const std::string_view day = std::string_view(amz_date).substr(0, 8);
  const std::string scope = std::string(day) + '/' + std::string(region) + '/' + std::string(service) + "/aws4_request";

  const HeaderMap headers = HeadersToSign(request, amz_date, credentials.session_token);
  const std::string string_to_sign = std::string(kAlgorithm) + '\n' + amz_date + '\n' + scope + '\n' +
                                     Sha256Hex(CanonicalRequest(request, headers));
  const std::string signature =
      ToHex(HmacSha256(AsText(SigningKey(credentials.secret_access_key, day, region, service)), string_to_sign));

  std::vector<std::pair<std::string, std::string>> added;
  added.emplace_back("Authorization", std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + '/' +
                                          scope + ",SignedHeaders=" + SignedHeaderNames(headers) +
                                          ",Signature=" + signature);
  added.emplace_back("x-amz-date", amz_date);
  added.emplace_back("x-amz-content-sha256", request.payload_sha256_hex);
  if (!credentials.session_token.empty()) added.emplace_back("x-amz-security-token", credentials.session_token);
  return added;
}

}  // namespace tradeagg::lake::s3
