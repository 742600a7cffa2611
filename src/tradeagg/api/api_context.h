// ApiContext: what the HTTP handlers need, wired once by the composition root (app/).
//
// Handlers never own these; they outlive the server. Blocking work (argon2id, store reads)
// goes to `blocking` so the network threads only parse, validate and route.
#pragma once

#include <cstddef>

#include <boost/asio/thread_pool.hpp>

#include "tradeagg/auth/user_service.h"
#include "tradeagg/book/position_book.h"
#include "tradeagg/domain/trade_validator.h"
#include "tradeagg/ingest/pipeline.h"
#include "tradeagg/lake/exporter.h"
#include "tradeagg/metrics/counter.h"
#include "tradeagg/store/exposure_store.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::agg {
class Aggregator;
}

namespace tradeagg::api {

struct ApiOptions {
  bool signup_enabled = false;
  bool fault_injection = false;
  size_t max_trades_per_request = 10'000;
};

struct ApiContext {
  auth::UserService& users;
  ingest::Pipeline& pipeline;
  store::TradeStore& store;
  book::PositionBook& book;
  const domain::TradeValidator& validator;
  boost::asio::thread_pool& blocking;
  ApiOptions options;
  lake::Exporter* exporter = nullptr;  // null when the lake is disabled
  store::ExposureStore& results;
  agg::Aggregator* aggregator = nullptr;  // null when the lake is disabled
  std::string reporting_currency;
  metrics::Counter* rejected_trades = nullptr;  // trades refused as invalid (metrics; may be null)
};

}  // namespace tradeagg::api
