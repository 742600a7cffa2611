#include "tradeagg/metrics/http_telemetry.h"

#include <atomic>
#include <string>
#include <tuple>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "tradeagg/logging/log_fields.h"

namespace tradeagg::metrics {

namespace {

std::atomic<uint64_t> next_telemetry_id{1};

// A route is one of the router's patterns (or "unmatched"): its characters' address names it.
struct SeriesKey {
  uint64_t telemetry;
  const char* route;
  std::string method;
  unsigned status;
  bool operator==(const SeriesKey&) const = default;
};

struct SeriesKeyHash {
  size_t operator()(const SeriesKey& key) const {
    size_t h = std::hash<uint64_t>()(key.telemetry);
    h = h * 31 + std::hash<const void*>()(key.route);
    h = h * 31 + std::hash<std::string>()(key.method);
    return h * 31 + key.status;
  }
};

}  // namespace

HttpTelemetry::HttpTelemetry(ServiceMetrics& metrics, bool log_requests)
    : metrics_(metrics), log_requests_(log_requests), id_(next_telemetry_id.fetch_add(1)) {}

HttpTelemetry::Series& HttpTelemetry::SeriesFor(std::string_view method, std::string_view route, unsigned status) {
  thread_local std::unordered_map<SeriesKey, Series, SeriesKeyHash> cache;
  SeriesKey key{id_, route.data(), std::string(method), status};
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const std::string status_text = std::to_string(status);
  Series series{&metrics_.http_requests.With({method, route, status_text}),
                &metrics_.http_request_micros.With({method, route})};
  return cache.emplace(std::move(key), series).first->second;
}

void HttpTelemetry::OnExchange(const http::Exchange& exchange) {
  // A request refused before its head was read has no method: it is counted, not named.
  const std::string_view method = exchange.method.empty() ? std::string_view("unknown") : exchange.method;
  Series& series = SeriesFor(method, exchange.route, exchange.status);
  series.requests->Increment();
  series.duration->Observe(exchange.duration.count());
  if (log_requests_) LogAccess(exchange, method);
}

void HttpTelemetry::LogAccess(const http::Exchange& exchange, std::string_view method) const {
  logging::ScopedLogFields fields({{"request_id", std::string(exchange.request_id)},
                                   {"method", std::string(method)},
                                   {"route", std::string(exchange.route)},
                                   {"target", std::string(exchange.target)},
                                   {"status", std::to_string(exchange.status), true},
                                   {"duration_ms", FormatMicrosAsMillis(exchange.duration.count()), true},
                                   {"remote", std::string(exchange.remote_address)}});
  spdlog::info("request answered {}", exchange.status);
}

}  // namespace tradeagg::metrics
