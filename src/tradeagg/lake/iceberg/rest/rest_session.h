// RestSession: authenticated HTTP to one Iceberg REST catalog server, for RestCatalog.
//
// Authentication (the spec's two ways; at most one is configured):
//   - a bearer token given in the configuration (lake.catalog_token), sent as it is;
//   - OAuth2 client credentials (lake.catalog_credential, "id:secret"): the session trades
//     them for a token at the token endpoint (POST <uri>/v1/oauth/tokens, or the configured
//     oauth2 server), and trades again before the token expires and once when the server
//     answers 401 (a token revoked or expired early).
// With neither, requests go without an Authorization header (a catalog behind a trusted
// network). Secrets never appear in a Status or a log line.
//
// Errors: an answer with the spec's ErrorModel ({"error": {"message", "type", "code"}}) becomes a
// Status naming the request, the HTTP status, the error type and message: 404 kNotFound, 409
// kConflict, 401/403 kPermissionDenied, 5xx and 429 kUnavailable, other 4xx kInvalidArgument.
//
// Thread safety: all methods may be called from any threads at once.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include "tradeagg/core/status.h"
#include "tradeagg/net/http_client.h"

namespace tradeagg::lake::iceberg::rest {

struct RestSessionOptions {
  std::string uri;         // the catalog's base, without "/v1": "http://127.0.0.1:8181"
  std::string token;       // a bearer token, or
  std::string credential;  // "client_id:client_secret" for OAuth2 client credentials
  std::string oauth2_server_uri;  // empty: <uri>/v1/oauth/tokens
  std::string scope = "catalog";
  net::HttpClientOptions http;
};

class RestSession {
 public:
  static Result<std::unique_ptr<RestSession>> Create(RestSessionOptions options);

  // Sends with retries (net::HttpClient::Send) and returns a 2xx answer, else the error's Status.
  // For requests that change nothing or may safely be repeated.
  Result<net::HttpResponse> Send(std::string_view method, std::string_view path, std::string_view body = {});
  // Sends once: the answer whatever its status, or why none came. For a commit.
  std::variant<net::HttpResponse, net::HttpFailure> SendOnce(std::string_view method, std::string_view path,
                                                             std::string_view body);

  // The Status an error answer stands for (see the file comment); `what` names the request.
  static Status ErrorStatus(std::string_view what, const net::HttpResponse& response);
  const std::string& uri() const { return options_.uri; }

 private:
  explicit RestSession(RestSessionOptions options);
  net::HttpRequest Request(std::string_view method, std::string_view path, std::string_view body,
                           const std::string& token) const;
  // The bearer token to send now ("" for none); trades credentials when due or when `renew`.
  Result<std::string> Token(bool renew);
  Result<std::string> FetchToken();
  template <typename Attempt>
  auto WithToken(const Attempt& attempt) -> decltype(attempt(std::string()));

  const RestSessionOptions options_;
  net::HttpClient http_;
  std::mutex token_mu_;
  std::string token_;  // guarded by token_mu_
  std::chrono::steady_clock::time_point token_renew_at_;
};

}  // namespace tradeagg::lake::iceberg::rest
