#include "tradeagg/lake/iceberg/rest/rest_session.h"

#include <simdjson.h>

#include "tradeagg/lake/iceberg/json_reading.h"
#include "tradeagg/net/percent_encoding.h"

namespace tradeagg::lake::iceberg::rest {

namespace {

// A token is traded again this long before the server said it expires, so that no request
// goes out with a token about to lapse.
constexpr std::chrono::seconds kRenewAhead{60};
// When the token endpoint gives no expiry: the spec's clients assume an hour.
constexpr std::chrono::seconds kDefaultLifetime{3600};

std::string TrimSlashes(std::string uri) {
  while (!uri.empty() && uri.back() == '/') uri.pop_back();
  return uri;
}

// The ErrorModel's type and message, when the answer has one.
std::string DescribeError(const net::HttpResponse& response) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(response.body).get(doc) != simdjson::SUCCESS || !doc.is_object()) return "";
  simdjson::dom::element error;
  if (doc["error"].get(error) != simdjson::SUCCESS || !error.is_object()) return "";
  std::string_view type;
  std::string_view message;
  if (error["type"].get(type) != simdjson::SUCCESS) type = "";
  if (error["message"].get(message) != simdjson::SUCCESS) message = "";
  std::string text(type);
  if (!message.empty()) text += (text.empty() ? "" : ": ") + std::string(message);
  return text;
}

}  // namespace

Result<std::unique_ptr<RestSession>> RestSession::Create(RestSessionOptions options) {
  options.uri = TrimSlashes(std::move(options.uri));
  if (!options.uri.starts_with("http://") && !options.uri.starts_with("https://")) {
    return Status::InvalidArgument("lake.catalog_uri: must be an http:// or https:// URL, got '" + options.uri + "'");
  }
  if (!options.token.empty() && !options.credential.empty()) {
    return Status::InvalidArgument("lake.catalog_token and lake.catalog_credential: give one, not both");
  }
  if (!options.credential.empty() && options.credential.find(':') == std::string::npos) {
    return Status::InvalidArgument("lake.catalog_credential: expected client_id:client_secret");
  }
  if (options.oauth2_server_uri.empty()) options.oauth2_server_uri = options.uri + "/v1/oauth/tokens";
  return std::unique_ptr<RestSession>(new RestSession(std::move(options)));
}

RestSession::RestSession(RestSessionOptions options)
    : options_(std::move(options)), http_(options_.http), token_(options_.token) {}

net::HttpRequest RestSession::Request(std::string_view method, std::string_view path, std::string_view body,
                                      const std::string& token) const {
  net::HttpRequest request;
  request.method = std::string(method);
  request.url = options_.uri + std::string(path);
  request.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  request.body = body;
  return request;
}

Result<std::string> RestSession::FetchToken() {
  const size_t colon = options_.credential.find(':');
  const std::string form = "grant_type=client_credentials&client_id=" +
                           net::PercentEncode(options_.credential.substr(0, colon)) +
                           "&client_secret=" + net::PercentEncode(options_.credential.substr(colon + 1)) +
                           "&scope=" + net::PercentEncode(options_.scope);
  Result<net::HttpResponse> answer = http_.Send([&](int) {
    net::HttpRequest request;
    request.method = "POST";
    request.url = options_.oauth2_server_uri;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    request.body = form;
    return request;
  });
  const std::string what = "OAuth2 token from " + options_.oauth2_server_uri;
  if (!answer.ok()) return Status::Unavailable(what + ": " + answer.status().message());
  if (answer->status != 200) return ErrorStatus(what, *answer);
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(json::Element doc, json::ParseDocument(parser, answer->body, "OAuth2 token response"));
  ASSIGN_OR_RETURN(std::string token, json::StringMember(doc, "access_token", "OAuth2 token response"));
  std::chrono::seconds lifetime = kDefaultLifetime;
  if (std::optional<json::Element> expires = json::Member(doc, "expires_in")) {
    ASSIGN_OR_RETURN(int64_t seconds, json::AsInt64(*expires, "expires_in"));
    lifetime = std::chrono::seconds(seconds);
  }
  token_renew_at_ = std::chrono::steady_clock::now() + std::max(lifetime - kRenewAhead, lifetime / 2);
  return token;
}

Result<std::string> RestSession::Token(bool renew) {
  std::lock_guard lock(token_mu_);
  if (options_.credential.empty()) return token_;
  if (renew || token_.empty() || std::chrono::steady_clock::now() >= token_renew_at_) {
    ASSIGN_OR_RETURN(token_, FetchToken());
  }
  return token_;
}

// Runs `attempt(token)`, and once more with a new token when the server answered 401 and
// the session can get one.
template <typename Attempt>
auto RestSession::WithToken(const Attempt& attempt) -> decltype(attempt(std::string())) {
  Result<std::string> token = Token(false);
  if (!token.ok()) return net::HttpFailure{token.status(), net::TransportFailure::kNotSent};
  auto outcome = attempt(*token);
  auto* answer = std::get_if<net::HttpResponse>(&outcome);
  if (answer == nullptr || answer->status != 401 || options_.credential.empty()) return outcome;
  token = Token(true);
  if (!token.ok()) return net::HttpFailure{token.status(), net::TransportFailure::kNotSent};
  return attempt(*token);
}

std::variant<net::HttpResponse, net::HttpFailure> RestSession::SendOnce(std::string_view method, std::string_view path,
                                                                        std::string_view body) {
  return WithToken([&](const std::string& token) { return http_.SendOnce(Request(method, path, body, token)); });
}

Result<net::HttpResponse> RestSession::Send(std::string_view method, std::string_view path, std::string_view body) {
  const std::string what = "Iceberg REST catalog: " + std::string(method) + " " + options_.uri + std::string(path);
  auto outcome = WithToken([&](const std::string& token) -> std::variant<net::HttpResponse, net::HttpFailure> {
    Result<net::HttpResponse> answer = http_.Send([&](int) { return Request(method, path, body, token); });
    if (!answer.ok()) return net::HttpFailure{answer.status(), net::TransportFailure::kMaybeSent};
    return std::move(answer).value();
  });
  if (auto* failure = std::get_if<net::HttpFailure>(&outcome)) {
    return Status(failure->status.code(), what + ": " + failure->status.message());
  }
  net::HttpResponse& answer = std::get<net::HttpResponse>(outcome);
  if (answer.status >= 300) return ErrorStatus(what, answer);
  return std::move(answer);
}

Status RestSession::ErrorStatus(std::string_view what, const net::HttpResponse& response) {
  std::string text = std::string(what) + ": HTTP " + std::to_string(response.status);
  if (std::string error = DescribeError(response); !error.empty()) text += " " + error;
  const long status = response.status;
  if (status == 404) return Status::NotFound(text);
  if (status == 409) return Status::Conflict(text);
  if (status == 401 || status == 403) return Status::PermissionDenied(text);
  if (net::HttpClient::Retryable(status)) return Status::Unavailable(text);
  return Status::InvalidArgument(text);
}

}  // namespace tradeagg::lake::iceberg::rest
