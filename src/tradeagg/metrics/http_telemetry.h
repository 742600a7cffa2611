// HttpTelemetry: what the server tells of each answered request, turned into the request
// metrics and, when `log_requests` is on, an access line (info) with the request id, method,
// route, status and duration as fields (logging/log_fields.h), so a JSON-lines log can be
// joined with the X-Request-Id a client saw.
//
// Every request passes here, so each I/O thread keeps the series it has used by route, method
// and status: one hash lookup, no lock, after the first request of a kind.
// Thread safety: OnExchange from any I/O thread.
#pragma once

#include <cstdint>

#include "tradeagg/http/exchange_observer.h"
#include "tradeagg/metrics/service_metrics.h"

namespace tradeagg::metrics {

class HttpTelemetry : public http::ExchangeObserver {
 public:
  HttpTelemetry(ServiceMetrics& metrics, bool log_requests);
  void OnExchange(const http::Exchange& exchange) override;

 private:
  struct Series {
    Counter* requests;
    Histogram* duration;
  };
  Series& SeriesFor(std::string_view method, std::string_view route, unsigned status);
  void LogAccess(const http::Exchange& exchange, std::string_view method) const;

  ServiceMetrics& metrics_;
  const bool log_requests_;
  const uint64_t id_;  // tells this instance's cached series from an earlier one's at the same address
};

}  // namespace tradeagg::metrics
