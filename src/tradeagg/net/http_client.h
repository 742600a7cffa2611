// HttpClient: HTTP requests over libcurl, the one adapter between tradeagg and libcurl, shared
// by the clients of outside services (S3, an Iceberg REST catalog). It sends, reuses
// connections and retries; what a status means is the caller's to say.
//
// Send retries connection errors, timeouts, 5xx and 429 with full-jitter exponential backoff
// (a random wait in [0, min(max_backoff, first_backoff * 2^attempt)]), asking the caller for
// the request again each time (a signed request must be signed anew). It returns the last
// answer, whatever its status, or kUnavailable when no answer came. A request that must not be
// sent twice (a commit) is sent once with SendOnce, on a new connection, whose failures say
// whether the request may have reached the server (see TransportFailure).
//
// Thread safety: Send and SendOnce may be called from any threads at once; idle curl handles
// (with their open connections) are pooled and reused.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tradeagg/core/status.h"

namespace tradeagg::net {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;        // absolute, already encoded
  HttpHeaders headers;    // sent as given
  std::string_view body;  // must outlive the call
};

struct HttpResponse {
  long status = 0;
  std::string body;
  HttpHeaders headers;  // names lowercase
  // The value of header `name` (lowercase), or "".
  std::string Header(std::string_view name) const;
};

struct HttpClientOptions {
  int max_attempts = 5;  // of Send
  std::chrono::milliseconds first_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  std::chrono::milliseconds connect_timeout{5'000};
  // The most one attempt may take, transfer included.
  std::chrono::milliseconds request_timeout{120'000};
};

// Why no answer came. kNotSent: the connection was never made (the server cannot have seen
// the request); kMaybeSent: it broke or timed out after the request may have gone out.
enum class TransportFailure { kNotSent, kMaybeSent };

// What SendOnce returns when no answer came: kUnavailable, and whether it may have been sent.
struct HttpFailure {
  Status status;
  TransportFailure failure = TransportFailure::kMaybeSent;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One attempt on a new connection: the answer (any status), or why none came.
  std::variant<HttpResponse, HttpFailure> SendOnce(const HttpRequest& request);
  // Attempts until an answer that is neither 5xx nor 429, or max_attempts; `make(attempt)`
  // builds the request of each attempt (0-based).
  Result<HttpResponse> Send(const std::function<HttpRequest(int attempt)>& make);

  // Whether an answer's status is worth retrying: 5xx and 429.
  static bool Retryable(long status) { return status >= 500 || status == 429; }
  const HttpClientOptions& options() const { return options_; }

 private:
  class HandlePool;
  // kFresh: a connection of the attempt's own, so that libcurl cannot silently re-send it.
  enum class Connection { kReuse, kFresh };
  std::variant<HttpResponse, HttpFailure> Attempt(const HttpRequest& request, Connection connection);
  std::chrono::milliseconds Backoff(int attempt) const;

  const HttpClientOptions options_;
  std::unique_ptr<HandlePool> handles_;
};

}  // namespace tradeagg::net
