// Application: the composition root. The one place that knows every concrete type: it opens
// the store, loads users, rebuilds the position book, and wires the pipeline, the API handlers
// and the HTTP server together. Everything else depends on roles (TradeStore, ...), not on
// technologies.
//
// Start order: store -> login throttle and password-hashing gate -> users (and the first admin) -> book rebuilt from the store -> lake ->
// results store -> aggregator and scheduler -> pipeline -> HTTP. Stop order is the reverse, and
// the pipeline drains before the network stops, so every request that reached the writer is
// answered.
// Thread safety: Create/Start/Stop from the main thread.
#pragma once

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "tradeagg/agg/aggregator.h"
#include "tradeagg/agg/book_source.h"
#include "tradeagg/agg/scheduler.h"
#include "tradeagg/api/api_context.h"
#include "tradeagg/api/positions_stream.h"
#include "tradeagg/app/backends.h"
#include "tradeagg/app/config.h"
#include "tradeagg/auth/login_throttle.h"
#include "tradeagg/auth/password_hashing_gate.h"
#include "tradeagg/auth/user_service.h"
#include "tradeagg/book/position_book.h"
#include "tradeagg/domain/trade_validator.h"
#include "tradeagg/http/router.h"
#include "tradeagg/http/server.h"
#include "tradeagg/core/periodic_task.h"
#include "tradeagg/ingest/book_follower.h"
#include "tradeagg/ingest/pipeline.h"
#include "tradeagg/lake/lake.h"
#include "tradeagg/metrics/http_telemetry.h"
#include "tradeagg/metrics/registry.h"
#include "tradeagg/metrics/service_metrics.h"

namespace tradeagg::app {

class Application {
 public:
  static Result<std::unique_ptr<Application>> Create(Config config);
  ~Application();

  Result<uint16_t> Start();  // returns the bound port
  void Stop();

  auth::UserService& users() { return *users_; }
  // Every route the server answers, as (method, pattern): what /openapi.json must document.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  explicit Application(Config config) : config_(std::move(config)) {}
  Status Open();
  Status RebuildBook();
  void OpenBookUpdates();
  bool SweepsAtStart();  // asks the export lease: once, at Open
  Status OpenAggregation();
  void RegisterRoutes();
  void MeasureOnScrape();  // the gauges read from elsewhere, refreshed by each GET /metrics

  Config config_;
  metrics::Registry metrics_registry_;
  std::unique_ptr<metrics::ServiceMetrics> metrics_;
  Stores stores_;
  store::TradeStore* store_ = nullptr;  // stores_.trades
  std::shared_ptr<const domain::BusinessCalendar> calendar_;
  std::unique_ptr<domain::TradeValidator> validator_;
  std::unique_ptr<auth::LoginThrottle> login_throttle_;         // used by users_
  std::unique_ptr<auth::PasswordHashingGate> password_hashing_;  // used by users_; outlives tickets
  std::unique_ptr<auth::UserService> users_;
  book::PositionBook book_;
  // How committed trades reach book_: applied directly, or followed from a shared store.
  std::unique_ptr<ingest::BookUpdater> book_updater_;
  ingest::BookFollower* book_follower_ = nullptr;  // book_updater_ on a shared store, else null
  std::unique_ptr<PeriodicTask> user_refresh_;       // on a shared store: users written elsewhere
  std::unique_ptr<ingest::Pipeline> pipeline_;
  std::unique_ptr<lake::Lake> lake_;  // null when the lake is disabled
  bool sweep_at_start_ = false;       // the lake's and the results' orphans may be swept at Open
  store::ExposureStore* results_ = nullptr;  // stores_.results
  std::unique_ptr<agg::BookSource> book_source_;
  std::unique_ptr<agg::Aggregator> aggregator_;          // null when the lake is disabled
  std::unique_ptr<agg::AggregationScheduler> scheduler_;  // null when disabled or without a lake
  std::unique_ptr<boost::asio::thread_pool> blocking_;
  std::unique_ptr<api::ApiContext> api_context_;
  std::vector<std::shared_ptr<void>> handlers_;
  std::unique_ptr<http::Gatekeeper> gatekeeper_;
  std::unique_ptr<http::Router> router_;
  std::shared_ptr<api::PositionsStream> positions_stream_;  // also in handlers_
  std::unique_ptr<metrics::HttpTelemetry> telemetry_;
  std::unique_ptr<http::Server> server_;
  bool started_ = false;
};

// Opens the store and the user service alone, for the `users` CLI commands.
struct UserAdmin {
  Stores stores;
  std::unique_ptr<auth::LoginThrottle> login_throttle;
  std::unique_ptr<auth::PasswordHashingGate> password_hashing;
  std::unique_ptr<auth::UserService> users;
};
Result<UserAdmin> OpenUserAdmin(const Config& config);

// Opens the store and the lake (warehouse, catalog, exporter) without serving, for the `lake`
// CLI commands; with `aggregation` also the results store and an aggregator whose book is built
// from the store (`aggregate`, `fx`, `sql`).
struct LakeAdmin {
  Stores stores;
  std::unique_ptr<lake::Lake> lake;
  std::unique_ptr<agg::BookSource> book;
  std::unique_ptr<agg::Aggregator> aggregator;
};
Result<LakeAdmin> OpenLakeAdmin(const Config& config, bool aggregation = false);

}  // namespace tradeagg::app
