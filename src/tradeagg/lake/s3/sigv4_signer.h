// AWS Signature Version 4 for S3 requests, Authorization-header form, payload in a single
// chunk (signed as its SHA-256 or as "UNSIGNED-PAYLOAD").
//
// Pure functions: no clock, no I/O, no state. The caller passes the time and the payload hash,
// so a signature is reproducible in tests (pinned to AWS's published examples) and the S3
// client decides whether to hash a body or stream it unsigned.
//
// S3 signs the path as sent, each segment URI-encoded once and nothing normalised (no "."/".."
// removal, no merging of "//"), unlike the other AWS services. EncodePath and CanonicalQuery
// are exposed so the client builds the URL from exactly the bytes that were signed: any
// difference in encoding between the URL and the canonical request is a
// SignatureDoesNotMatch.
// Thread safety: functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tradeagg/core/time.h"

namespace tradeagg::lake::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none (else sent and signed as x-amz-security-token)
};

struct SignableRequest {
  std::string method;  // "GET", "PUT", ...
  // The Host header value as sent, e.g. "127.0.0.1:8333" or "bucket.s3.amazonaws.com".
  std::string host;
  // The raw (unencoded) absolute path, e.g. "/bucket/some key.txt"; encoded by the signer per S3
  // rules (each segment URI-encoded, '/' kept). Empty is taken as "/".
  std::string path;
  // Raw (unencoded) name/value pairs; "" value allowed (e.g. {"uploads", ""}). Any order.
  std::vector<std::pair<std::string, std::string>> query;
  // Extra headers to sign and send (e.g. {"range", "bytes=0-9"}, {"content-type", ...}); names
  // any case. A name given twice is signed as one header with the values joined by ',' (in the
  // order given), as HTTP combines them. The names the signer sets itself (host, x-amz-date,
  // x-amz-content-sha256, x-amz-security-token, authorization) are ignored here: the caller must
  // not send its own.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256_hex;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

// The payload hash of a body that is sent but not signed (S3 accepts it over TLS or not).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// The headers to add to the request: "Authorization", "x-amz-date", "x-amz-content-sha256",
// and "x-amz-security-token" when the credentials carry one. `now` is UTC; sub-second digits
// are dropped (x-amz-date has whole seconds).
std::vector<std::pair<std::string, std::string>> SignV4(const SignableRequest& request, const Credentials& credentials,
                                                        std::string_view region, std::string_view service,
                                                        Timestamp now);

// RFC 3986 unreserved characters kept (A-Z a-z 0-9 - _ . ~), every other byte %XX with
// uppercase hex (UTF-8 is encoded byte by byte); '/' kept when !encode_slash.
std::string UriEncode(std::string_view text, bool encode_slash);

// The encoded path as S3 signs and sends it (segments encoded, '/' kept; "" gives "/", a path
// without a leading '/' gets one): callers use it to build the URL too.
std::string EncodePath(std::string_view raw_path);

// The canonical query string ("name=value" pairs joined by '&', both encoded with '/' encoded too,
// sorted by encoded name then encoded value; a pair with an empty value is "name="): callers use
// it to build the URL too. "" when `query` is empty.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

// Lowercase hex SHA-256 of `bytes`: the payload_sha256_hex of a body.
std::string Sha256Hex(std::string_view bytes);

}  // namespace tradeagg::lake::s3
