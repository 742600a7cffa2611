#include "tradeagg/net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>
#include <thread>

namespace tradeagg::net {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// What curl reads from and writes to while one request is in flight.
struct Transfer {
  std::string_view upload;
  size_t uploaded = 0;
  HttpResponse response;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* data) {
  auto& transfer = *static_cast<Transfer*>(data);
  const size_t n = std::min(size * count, transfer.upload.size() - transfer.uploaded);
  std::copy_n(transfer.upload.data() + transfer.uploaded, n, buffer);
  transfer.uploaded += n;
  return n;
}

size_t WriteBody(char* data, size_t size, size_t count, void* target) {
  static_cast<Transfer*>(target)->response.body.append(data, size * count);
  return size * count;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* target) {
  std::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    static_cast<Transfer*>(target)->response.headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                                                 std::string(Trim(line.substr(colon + 1))));
  } else if (line.starts_with("HTTP/")) {
    static_cast<Transfer*>(target)->response.headers.clear();  // a new response (after a 100 Continue)
  }
  return size * count;
}

// Failures where curl never had a connection to send on: the server cannot have seen the request.
bool NeverSent(CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY ||
         code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT || code == CURLE_SSL_CONNECT_ERROR;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

// Idle easy handles: a handle keeps its connections open between requests, so reusing it
// reuses them.
class HttpClient::HandlePool {
 public:
  ~HandlePool() {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }
  CURL* Take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        curl_easy_reset(handle);  // options only: connections and caches stay
        return handle;
      }
    }
    return curl_easy_init();
  }
  void Return(CURL* handle) {
    std::lock_guard lock(mutex_);
    idle_.push_back(handle);
  }

 private:
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)), handles_(std::make_unique<HandlePool>()) {
  static CurlGlobal global;
}

HttpClient::~HttpClient() = default;

std::chrono::milliseconds HttpClient::Backoff(int attempt) const {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const int64_t cap = std::min<int64_t>(options_.max_backoff.count(),
                                        options_.first_backoff.count() << std::min(attempt, 20));
  return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(cap, 0))(random));
}

Result<HttpResponse> HttpClient::Send(const std::function<HttpRequest(int attempt)>& make) {
  const int attempts = std::max(options_.max_attempts, 1);
  std::optional<HttpResponse> last_answer;
  Status last_failure = Status::Unavailable("no attempt made");
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(Backoff(attempt - 1));
    std::variant<HttpResponse, HttpFailure> outcome = Attempt(make(attempt), Connection::kReuse);
    if (auto* failure = std::get_if<HttpFailure>(&outcome)) {
      last_failure = failure->status;  // a connection error or a timeout: retried
      last_answer.reset();
      continue;
    }
    last_answer = std::move(std::get<HttpResponse>(outcome));
    if (!Retryable(last_answer->status)) break;
  }
  if (last_answer) return std::move(*last_answer);
  return Status::Unavailable(last_failure.message() + " (after " + std::to_string(attempts) + " attempts)");
}

std::variant<HttpResponse, HttpFailure> HttpClient::SendOnce(const HttpRequest& request) {
  return Attempt(request, Connection::kFresh);
}

std::variant<HttpResponse, HttpFailure> HttpClient::Attempt(const HttpRequest& request, Connection connection) {
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip before uploads

  Transfer transfer;
  transfer.upload = request.body;
  CURL* curl = handles_->Take();
  if (curl == nullptr) return HttpFailure{Status::Unavailable("cannot create a curl handle"), TransportFailure::kNotSent};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // libcurl re-sends a request whose reused connection died unanswered on a new connection and
  // reports only that one's failure: "couldn't connect" for a request the server may have read
  // and applied. On a connection of its own a request's failure is its own.
  if (connection == Connection::kFresh) curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);  // a PUT with a body read by ReadBody...
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method == "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "POST");  // ...or a POST
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  curl_slist_free_all(headers);
  handles_->Return(curl);
  if (code != CURLE_OK) {
    return HttpFailure{Status::Unavailable(request.method + " " + request.url + ": " + curl_easy_strerror(code)),
                       NeverSent(code) ? TransportFailure::kNotSent : TransportFailure::kMaybeSent};
  }
  return std::move(transfer.response);
}

}  // namespace tradeagg::net
