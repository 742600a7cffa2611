#include "tradeagg/metrics/http_telemetry.h"

#include <spdlog/spdlog.h>

#include "tradeagg/logging/log_fields.h"

namespace tradeagg::metrics {

void HttpTelemetry::OnExchange(const http::Exchange& exchange) {
  // A request refused before its head was read has no method: it is counted, not labelled.
  const std::string_view method = exchange.method.empty() ? std::string_view("unknown") : exchange.method;
  const std::string status = std::to_string(exchange.status);
  metrics_.http_requests.With({method, exchange.route, status}).Increment();
  metrics_.http_request_micros.With({method, exchange.route}).Observe(exchange.duration.count());

  const bool failed = exchange.status >= 500;
  if (!log_requests_ && !failed) return;
  const int64_t micros = exchange.duration.count();
  logging::ScopedLogFields fields({{"request_id", std::string(exchange.request_id)},
                                   {"method", std::string(method)},
                                   {"route", std::string(exchange.route)},
                                   {"target", std::string(exchange.target)},
                                   {"status", status, true},
                                   {"duration_ms", FormatMicrosAsSeconds(micros * 1000), true},
                                   {"remote", std::string(exchange.remote_address)}});
  if (failed) spdlog::warn("request answered {}", status);
  else spdlog::info("request answered {}", status);
}

}  // namespace tradeagg::metrics
