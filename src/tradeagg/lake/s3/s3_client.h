// S3Client: signed S3 requests over libcurl, the one adapter between tradeagg and an S3 server
// (AWS, MinIO, Ceph, SeaweedFS): it signs (AWS Signature Version 4, header signing), addresses
// buckets path-style or virtual-hosted, reuses connections, retries, and maps the outcome to a
// Status. The S3 operations themselves are S3ObjectStore's.
//
// Retries: on connection errors, timeouts, 5xx and 429, with full-jitter exponential backoff
// (a random wait in [0, min(max_backoff, first_backoff * 2^attempt)]), re-signed each time;
// never on other 4xx, which a retry cannot change. Outcome of a request that was never
// answered with a status: kUnavailable (S3 writes are atomic, so a PUT either landed whole or
// not at all; the caller decides whether that matters).
// Statuses: 2xx (and those the request names in also_answers) are returned as responses; 404
// kNotFound; 401/403 kPermissionDenied; other 3xx/4xx kInvalidArgument (a 301 is a bucket in
// another region); 5xx/429/network after the last attempt kUnavailable. Each names
// the S3 error code and message from the answer's <Error> document, never the credentials.
//
// Transport (connection reuse, retries) is net::HttpClient's.
// Thread safety: Send may be called from any threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/s3/sigv4_signer.h"
#include "tradeagg/net/http_client.h"

namespace tradeagg::lake::s3 {

struct S3ClientOptions {
  // "http://127.0.0.1:8333" or "https://s3.eu-west-1.amazonaws.com"; empty: AWS for `region`.
  std::string endpoint;
  std::string region = "us-east-1";
  // Path style ("/<bucket>/<key>"), as most non-AWS servers want; else virtual-hosted
  // ("<bucket>.<host>/<key>"), as AWS wants.
  bool path_style = false;
  Credentials credentials;
  int max_attempts = 5;
  std::chrono::milliseconds first_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  std::chrono::milliseconds connect_timeout{5'000};
  // The most one attempt may take, transfer included.
  std::chrono::milliseconds request_timeout{120'000};
};

struct S3Request {
  std::string method = "GET";
  std::string bucket;
  std::string key;  // raw (unencoded); empty addresses the bucket
  std::vector<std::pair<std::string, std::string>> query;    // raw
  std::vector<std::pair<std::string, std::string>> headers;  // signed and sent
  std::string_view body;  // must outlive Send
  std::vector<long> also_answers;  // error statuses returned as responses (416 for a range past the end)
};

// The answer to an S3 request (names of headers lowercase).
using S3Response = net::HttpResponse;

class S3Client {
 public:
  static Result<std::unique_ptr<S3Client>> Create(S3ClientOptions options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Sends `request` (retrying as above) and returns the final 2xx response.
  Result<S3Response> Send(const S3Request& request);

  const S3ClientOptions& options() const { return options_; }
  // "<endpoint>" with the bucket as the server is addressed, for messages.
  std::string Describe(std::string_view bucket) const;

 private:
  struct Endpoint {
    std::string scheme;  // "http" or "https"
    std::string host;    // with ":port" when the endpoint gives one
  };
  S3Client(S3ClientOptions options, Endpoint endpoint);
  // The request of one attempt, signed now.
  net::HttpRequest Signed(const S3Request& request) const;
  Status StatusOf(const S3Request& request, const S3Response& response) const;

  const S3ClientOptions options_;
  const Endpoint endpoint_;
  net::HttpClient http_;
};

}  // namespace tradeagg::lake::s3
