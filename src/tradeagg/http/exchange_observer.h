// ExchangeObserver: told about every request the server answered, for metrics and the access
// log. Called on the connection's thread once the answer is written (or failed to be).
// Thread safety: OnExchange is called concurrently from the I/O threads.
#pragma once

#include <chrono>
#include <string_view>

namespace tradeagg::http {

struct Exchange {
  std::string_view method;
  std::string_view route;  // the route's pattern ("/v1/trades/{participant}/{trade_id}"), or "unmatched"
  std::string_view target;  // as the client sent it
  unsigned status = 0;
  std::chrono::microseconds duration{0};  // from the end of the head to the answer written
  std::string_view request_id;
  std::string_view remote_address;
};

class ExchangeObserver {
 public:
  virtual ~ExchangeObserver() = default;
  virtual void OnExchange(const Exchange& exchange) = 0;
};

}  // namespace tradeagg::http
