// HttpTelemetry: what the server tells of each answered request, turned into the request
// metrics and the access log.
//
// The access log writes one line per request when `log_requests` is on (info), and always for
// a 5xx answer (warn), with the request id, method, route, status and duration as fields
// (logging/log_fields.h), so a JSON-lines log can be joined with the X-Request-Id a client saw.
// Thread safety: OnExchange from any I/O thread.
#pragma once

#include "tradeagg/http/exchange_observer.h"
#include "tradeagg/metrics/service_metrics.h"

namespace tradeagg::metrics {

class HttpTelemetry : public http::ExchangeObserver {
 public:
  HttpTelemetry(ServiceMetrics& metrics, bool log_requests) : metrics_(metrics), log_requests_(log_requests) {}
  void OnExchange(const http::Exchange& exchange) override;

 private:
  ServiceMetrics& metrics_;
  const bool log_requests_;
};

}  // namespace tradeagg::metrics
