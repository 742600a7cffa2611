#include "tradeagg/lake/s3/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <thread>

#include "tradeagg/core/time.h"
#include "tradeagg/lake/s3/s3_xml.h"

namespace tradeagg::lake::s3 {

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

bool Retryable(long status) { return status >= 500 || status == 429; }

// Full jitter: a random wait in [0, min(max, first * 2^attempt)].
std::chrono::milliseconds Backoff(const S3ClientOptions& options, int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const int64_t cap = std::min<int64_t>(options.max_backoff.count(),
                                        options.first_backoff.count() << std::min(attempt, 20));
  return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(cap, 0))(random));
}

// What curl reads from and writes to while one request is in flight.
struct Transfer {
  std::string_view upload;
  size_t uploaded = 0;
  S3Response response;
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

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

std::string S3Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

// Idle easy handles: a handle keeps its connections open between requests, so reusing it
// reuses them.
class S3Client::HandlePool {
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

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options) {
  static CurlGlobal global;
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
    : options_(std::move(options)), endpoint_(std::move(endpoint)), handles_(std::make_unique<HandlePool>()) {}

S3Client::~S3Client() = default;

std::string S3Client::Describe(std::string_view bucket) const {
  return options_.path_style ? endpoint_.scheme + "://" + endpoint_.host + "/" + std::string(bucket)
                             : endpoint_.scheme + "://" + std::string(bucket) + "." + endpoint_.host;
}

Result<S3Response> S3Client::Send(const S3Request& request) {
  Status last = Status::Unavailable("no attempt made");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(Backoff(options_, attempt - 1));
    Result<S3Response> response = SendOnce(request);
    if (!response.ok()) {
      last = response.status();  // a connection error or a timeout: retried
      continue;
    }
    if (Retryable(response.value().status)) {
      last = StatusOf(request, response.value());
      continue;
    }
    const long status = response.value().status;
    const bool answer = std::find(request.also_answers.begin(), request.also_answers.end(), status) !=
                        request.also_answers.end();
    if (status >= 300 && !answer) return StatusOf(request, response.value());
    return response;
  }
  return Status::Unavailable(last.message() + " (after " + std::to_string(options_.max_attempts) + " attempts)");
}

Result<S3Response> S3Client::SendOnce(const S3Request& request) {
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

  std::string url = endpoint_.scheme + "://" + signable.host + EncodePath(signable.path);
  const std::string query = CanonicalQuery(request.query);
  if (!query.empty()) url += "?" + query;

  curl_slist* headers = nullptr;
  auto add_header = [&](std::string_view name, std::string_view value) {
    headers = curl_slist_append(headers, (std::string(name) + ": " + std::string(value)).c_str());
  };
  add_header("Host", signable.host);
  for (const auto& [name, value] : request.headers) add_header(name, value);
  for (const auto& [name, value] : signature) add_header(name, value);
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip before uploads

  Transfer transfer;
  transfer.upload = request.body;
  CURL* curl = handles_->Take();
  if (curl == nullptr) return Status::Unavailable("S3: cannot create a curl handle");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
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
    return Status::Unavailable("S3 " + request.method + " " + Describe(request.bucket) + ": " + curl_easy_strerror(code));
  }
  return std::move(transfer.response);
}

Status S3Client::StatusOf(const S3Request& request, const S3Response& response) const {
  std::string what = "S3 " + request.method + " " + Describe(request.bucket) +
                     (request.key.empty() ? "" : "/" + request.key) + ": HTTP " + std::to_string(response.status);
  if (std::optional<ErrorDocument> error = ParseErrorDocument(response.body)) {
    what += " " + error->code + (error->message.empty() ? "" : ": " + error->message);
  }
  if (response.status == 404) return Status::NotFound(what);
  if (response.status == 401 || response.status == 403) return Status::PermissionDenied(what);
  if (Retryable(response.status)) return Status::Unavailable(what);
  return Status::InvalidArgument(what);
}

}  // namespace tradeagg::lake::s3
