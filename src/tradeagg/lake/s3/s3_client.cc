#include "tradeagg/lake/s3/s3_client.h"

#include <algorithm>
#include <cctype>

#include "tradeagg/core/time.h"
#include "tradeagg/lake/s3/s3_xml.h"

namespace tradeagg::lake::s3 {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

net::HttpClientOptions TransportOptions(const S3ClientOptions& options) {
  net::HttpClientOptions transport;
  transport.max_attempts = options.max_attempts;
  transport.first_backoff = options.first_backoff;
  transport.max_backoff = options.max_backoff;
  transport.connect_timeout = options.connect_timeout;
  transport.request_timeout = options.request_timeout;
  return transport;
}

}  // namespace

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options) {
  if (options.region.empty()) return Status::InvalidArgument("lake.s3.region: empty");
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "S3 credentials: no access key (set lake.s3.access_key_id and lake.s3.secret_access_key, or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  }
  std::string endpoint = options.endpoint.empty() ? "https://s3." + options.region + ".amazonaws.com" : options.endpoint;
  const size_t scheme_end = endpoint.find("://");
  Endpoint parsed;
  if (scheme_end != std::string::npos) {
    parsed.scheme = Lower(endpoint.substr(0, scheme_end));
    parsed.host = endpoint.substr(scheme_end + 3);
  }
  while (!parsed.host.empty() && parsed.host.back() == '/') parsed.host.pop_back();
  if ((parsed.scheme != "http" && parsed.scheme != "https") || parsed.host.empty() ||
      parsed.host.find('/') != std::string::npos) {
    return Status::InvalidArgument("lake.s3.endpoint: must be http://host[:port] or https://host[:port], got '" +
                                   options.endpoint + "'");
  }
  if (options.max_attempts < 1) options.max_attempts = 1;
  return std::unique_ptr<S3Client>(new S3Client(std::move(options), std::move(parsed)));
}

S3Client::S3Client(S3ClientOptions options, Endpoint endpoint)
    : options_(std::move(options)), endpoint_(std::move(endpoint)), http_(TransportOptions(options_)) {}

S3Client::~S3Client() = default;

std::string S3Client::Describe(std::string_view bucket) const {
  return options_.path_style ? endpoint_.scheme + "://" + endpoint_.host + "/" + std::string(bucket)
                             : endpoint_.scheme + "://" + std::string(bucket) + "." + endpoint_.host;
}

Result<S3Response> S3Client::Send(const S3Request& request) {
  Result<S3Response> response = http_.Send([&](int) { return Signed(request); });
  if (!response.ok()) {
    return Status::Unavailable("S3 " + request.method + " " + Describe(request.bucket) + ": " + response.status().message());
  }
  const long status = response->status;
  const bool answer = std::find(request.also_answers.begin(), request.also_answers.end(), status) !=
                      request.also_answers.end();
  if (status >= 300 && !answer) {
    Status error = StatusOf(request, *response);
    if (net::HttpClient::Retryable(status)) {
      return Status::Unavailable(error.message() + " (after " + std::to_string(options_.max_attempts) + " attempts)");
    }
    return error;
  }
  return response;
}

net::HttpRequest S3Client::Signed(const S3Request& request) const {
  SignableRequest signable;
  signable.method = request.method;
  signable.host = options_.path_style ? endpoint_.host : request.bucket + "." + endpoint_.host;
  signable.path = options_.path_style ? "/" + request.bucket : "";
  if (!request.key.empty() || !options_.path_style) signable.path += "/" + request.key;
  signable.query = request.query;
  signable.headers = request.headers;
  signable.payload_sha256_hex = Sha256Hex(request.body);
  std::vector<std::pair<std::string, std::string>> signature =
      SignV4(signable, options_.credentials, options_.region, "s3", Timestamp::Now());

  net::HttpRequest http;
  http.method = request.method;
  http.url = endpoint_.scheme + "://" + signable.host + EncodePath(signable.path);
  const std::string query = CanonicalQuery(request.query);
  if (!query.empty()) http.url += "?" + query;
  http.headers.emplace_back("Host", signable.host);
  http.headers.insert(http.headers.end(), request.headers.begin(), request.headers.end());
  http.headers.insert(http.headers.end(), signature.begin(), signature.end());
  http.body = request.body;
  return http;
}

Status S3Client::StatusOf(const S3Request& request, const S3Response& response) const {
  std::string what = "S3 " + request.method + " " + Describe(request.bucket) +
                     (request.key.empty() ? "" : "/" + request.key) + ": HTTP " + std::to_string(response.status);
  if (std::optional<ErrorDocument> error = ParseErrorDocument(response.body)) {
    what += " " + error->code + (error->message.empty() ? "" : ": " + error->message);
  }
  if (response.status == 404) return Status::NotFound(what);
  if (response.status == 401 || response.status == 403) return Status::PermissionDenied(what);
  if (net::HttpClient::Retryable(response.status)) return Status::Unavailable(what);
  return Status::InvalidArgument(what);
}

}  // namespace tradeagg::lake::s3
