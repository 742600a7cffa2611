#include "tradeagg/app/application.h"

#include <algorithm>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>
#include <sodium.h>

#include "tradeagg/api/aggregations_api.h"
#include "tradeagg/api/auth_api.h"
#include "tradeagg/api/bearer_gatekeeper.h"
#include "tradeagg/api/exposures_api.h"
#include "tradeagg/api/fx_rates_api.h"
#include "tradeagg/api/compat_api.h"
#include "tradeagg/api/iceberg_rest_api.h"
#include "tradeagg/api/lake_api.h"
#include "tradeagg/api/operations_api.h"
#include "tradeagg/api/positions_api.h"
#include "tradeagg/api/positions_stream.h"
#include "tradeagg/api/trades_api.h"
#include "tradeagg/api/web_assets_api.h"
#include "tradeagg/app/backends.h"
#include "tradeagg/core/fault_injector.h"
#include "tradeagg/lake/counted_object_store.h"
#include "tradeagg/lake/export_lag.h"
#include "tradeagg/lake/iceberg/counted_catalog.h"
#include "tradeagg/lake/iceberg/trades_table.h"

namespace tradeagg::app {

namespace {

constexpr std::string_view kTokenKeyName = "token-signing-key";

// What this instance proposes as the token signing secret: the key file an earlier build kept
// in the data directory, so its tokens stay valid, or else a new random one.
Result<auth::TokenSigner::Secret> ProposedTokenSecret(const std::filesystem::path& legacy_file) {
  std::ifstream in(legacy_file, std::ios::binary);
  if (!in) return auth::TokenSigner::RandomSecret();
  auth::TokenSigner::Secret secret;
  in.read(reinterpret_cast<char*>(secret.data()), secret.size());
  if (in.gcount() != static_cast<std::streamsize>(secret.size())) {
    return Status::Internal("token key " + legacy_file.string() + " is truncated; delete it to make a new one");
  }
  return secret;
}

// The token signing secret lives in the store, so that every instance on one store signs and
// accepts the same tokens, and tokens survive restarts; the first instance's proposal wins.
Result<auth::TokenSigner::Secret> LoadOrCreateTokenSecret(const Config& config, store::UserStore& store) {
  ASSIGN_OR_RETURN(auth::TokenSigner::Secret proposed, ProposedTokenSecret(config.token_key_path()));
  std::string proposed_hex(proposed.size() * 2 + 1, '\0');
  sodium_bin2hex(proposed_hex.data(), proposed_hex.size(), proposed.data(), proposed.size());
  proposed_hex.pop_back();
  ASSIGN_OR_RETURN(std::string stored_hex, store.SharedSecret(kTokenKeyName, proposed_hex));
  auth::TokenSigner::Secret secret;
  size_t length = 0;
  if (sodium_hex2bin(secret.data(), secret.size(), stored_hex.data(), stored_hex.size(), nullptr, &length, nullptr) != 0 ||
      length != secret.size()) {
    return Status::Internal("the store's token signing key is not " + std::to_string(secret.size()) + " bytes of hex");
  }
  return secret;
}

Result<std::unique_ptr<auth::UserService>> OpenUsers(const Config& config, store::UserStore& store,
                                                     auth::LoginThrottle& throttle, auth::PasswordHashingGate& hashing) {
  ASSIGN_OR_RETURN(auto secret, LoadOrCreateTokenSecret(config, store));
  auto users = std::make_unique<auth::UserService>(store, auth::TokenSigner(secret), config.token_ttl_seconds,
                                                   throttle, hashing);
  TRY(users->Load());
  if (!config.admin_password.empty()) TRY(users->EnsureAdmin(config.admin_password));
  return users;
}

// `owner`: the server, which runs the background exporter (see lake::Lake::Open); the CLI may
// run beside a server and must not sweep its export in flight, nor may a server whose lake
// other instances share (`sweep_at_start` false).
Result<std::unique_ptr<lake::Lake>> OpenLakeFor(const Config& config, store::TradeStore& store, bool owner,
                                                bool sweep_at_start, metrics::ServiceMetrics* metrics = nullptr) {
  lake::ExporterConfig exporter = config.lake;
  exporter.staging_dir = config.data_dir / (owner ? "lake-staging" : "lake-staging-cli");
  // The server's exporter runs beside ingestion on one DuckDB thread; the CLI's may use them all.
  if (!owner) exporter.duckdb_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ASSIGN_OR_RETURN(LakeStorage storage, OpenLakeStorage(config));
  if (metrics != nullptr) {
    storage.objects = std::make_unique<lake::CountedObjectStore>(std::move(storage.objects), metrics->object_store_errors);
    storage.catalog = std::make_unique<lake::iceberg::CountedCatalog>(
        std::move(storage.catalog),
        lake::iceberg::CatalogMetrics{metrics->catalog_errors, metrics->snapshot_commits, metrics->snapshot_commit_micros});
  }
  return lake::Lake::Open(std::move(storage.objects), std::move(storage.catalog), store, exporter,
                          owner && sweep_at_start);
}

// `owner` and `sweep_at_start` as for the lake: only the server sweeps tradeagg.exposures, and
// not on a shared lake. A run waiting for the
// lake asks the server's background exporter to export now; the CLI has none, so it exports
// on the run's thread (beside a server that may export too: exports are exactly once either way).
Result<std::unique_ptr<agg::Aggregator>> OpenAggregator(const Config& config, store::ExposureStore& results,
                                                        store::TradeStore& trades, lake::Lake& lake,
                                                        agg::BookSource& book, bool owner, bool sweep_at_start,
                                                        metrics::ServiceMetrics* metrics = nullptr) {
  agg::AggregatorConfig aggregation = config.aggregation;
  if (metrics != nullptr) {
    aggregation.metrics = {&metrics->aggregation_runs, &metrics->aggregation_run_micros,
                           &metrics->reconciliation_differences};
  }
  aggregation.staging_dir = config.data_dir / (owner ? "agg-staging" : "agg-staging-cli");
  aggregation.owner = owner && sweep_at_start;
  aggregation.s3_reads = DuckDbS3Reads(config);
  lake::Exporter& exporter = lake.exporter();
  agg::Aggregator::ExportRequest request_export;
  if (owner) {
    request_export = [&exporter] { exporter.RequestExport(); };
  } else {
    request_export = [&exporter] {
      auto cycle = exporter.ExportOnce();
      if (!cycle.ok()) spdlog::warn("lake export for the run failed: {}", cycle.status().ToString());
    };
  }
  return agg::Aggregator::Create(results, trades, lake.catalog(), lake.objects(), book, std::move(request_export),
                                 aggregation);
}

}  // namespace

Result<LakeAdmin> OpenLakeAdmin(const Config& config, bool aggregation) {
  LakeAdmin admin;
  ASSIGN_OR_RETURN(admin.stores, OpenStores(config));
  store::TradeStore& trades = *admin.stores.trades;
  ASSIGN_OR_RETURN(admin.lake, OpenLakeFor(config, trades, /*owner=*/false, /*sweep_at_start=*/false));
  if (aggregation) {
    admin.book = std::make_unique<agg::StoreBookSource>(trades);
    ASSIGN_OR_RETURN(admin.aggregator,
                     OpenAggregator(config, *admin.stores.results, trades, *admin.lake, *admin.book, false, false));
  }
  return admin;
}

Result<UserAdmin> OpenUserAdmin(const Config& config) {
  UserAdmin admin;
  ASSIGN_OR_RETURN(admin.stores, OpenStores(config));
  admin.login_throttle = std::make_unique<auth::LoginThrottle>(config.login_throttle);
  admin.password_hashing = std::make_unique<auth::PasswordHashingGate>(config.password_hashing);
  ASSIGN_OR_RETURN(admin.users,
                   OpenUsers(config, *admin.stores.users, *admin.login_throttle, *admin.password_hashing));
  return admin;
}

Result<std::unique_ptr<Application>> Application::Create(Config config) {
  std::unique_ptr<Application> app(new Application(std::move(config)));
  TRY(app->Open());
  return app;
}

Application::~Application() { Stop(); }

Status Application::Open() {
  metrics_ = std::make_unique<metrics::ServiceMetrics>(metrics_registry_);
  ASSIGN_OR_RETURN(calendar_, domain::BusinessCalendar::Create(config_.calendar));
  validator_ = std::make_unique<domain::TradeValidator>(config_.validation, calendar_);
  ASSIGN_OR_RETURN(stores_, OpenStores(config_));
  store_ = stores_.trades.get();
  results_ = stores_.results.get();
  login_throttle_ = std::make_unique<auth::LoginThrottle>(config_.login_throttle);
  password_hashing_ = std::make_unique<auth::PasswordHashingGate>(config_.password_hashing);
  ASSIGN_OR_RETURN(users_, OpenUsers(config_, *stores_.users, *login_throttle_, *password_hashing_));
  TRY(RebuildBook());
  OpenBookUpdates();
  if (config_.lake_enabled) {
    // On a shared store the lake is shared too: removing files at start could take another
    // instance's export in flight, unless this instance holds the export lease and nobody but
    // an earlier life of it held it before (store/work_lease.h).
    sweep_at_start_ = SweepsAtStart();
    ASSIGN_OR_RETURN(lake_, OpenLakeFor(config_, *store_, /*owner=*/true, sweep_at_start_, metrics_.get()));
    lake_->exporter().UseLease(stores_.export_lease.get());
  }
  TRY(OpenAggregation());
  ingest::PipelineConfig ingest = config_.ingest;
  ingest.group_wait = config_.group_wait.value_or(stores_.group_wait);
  ingest.metrics = {&metrics_->ingest_batch_trades,
                    &metrics_->ingest_commit_micros,
                    &metrics_->trades.With({"accepted"}),
                    &metrics_->trades.With({"duplicate"}),
                    &metrics_->trades.With({"conflicting"}),
                    &metrics_->store_errors};
  pipeline_ = std::make_unique<ingest::Pipeline>(*store_, *book_updater_, ingest);
  blocking_ = std::make_unique<boost::asio::thread_pool>(config_.blocking_threads);
  if (config_.api.fault_injection) FaultInjector::Global().Enable();
  api_context_ = std::make_unique<api::ApiContext>(
      api::ApiContext{*users_, *pipeline_, *store_, book_, *validator_, *blocking_, config_.api,
                      lake_ ? &lake_->exporter() : nullptr, *results_, aggregator_.get(),
                      config_.aggregation.reporting_currency, &metrics_->trades.With({"rejected"})});
  RegisterRoutes();
  MeasureOnScrape();
  return Status::Ok();
}

Status Application::RebuildBook() {
  size_t trades = 0;
  TRY(store_->ScanTrades(0, 0, [&](const domain::Trade& trade) {
    book_.Apply(trade);
    ++trades;
  }));
  spdlog::info("position book rebuilt from {} stored trades (watermark {})", trades, book_.watermark());
  return Status::Ok();
}

bool Application::SweepsAtStart() {
  if (stores_.export_lease == nullptr) return true;  // the lake's only writer
  Result<bool> held = stores_.export_lease->Hold();
  return held.ok() && *held && stores_.export_lease->FromItself();
}

void Application::OpenBookUpdates() {
  if (!stores_.shared) {
    book_updater_ = std::make_unique<ingest::DirectBookUpdater>(book_);
    return;
  }
  auto follower = std::make_unique<ingest::BookFollower>(*store_, book_, config_.store.poll_interval);
  book_follower_ = follower.get();
  book_updater_ = std::move(follower);
  user_refresh_ = std::make_unique<PeriodicTask>("user-refresh", config_.store.poll_interval, [this] {
    if (Status loaded = users_->Load(); !loaded.ok()) spdlog::warn("users: refresh from the store failed: {}", loaded.ToString());
  });
}

Status Application::OpenAggregation() {
  ASSIGN_OR_RETURN(int64_t interrupted,
                   results_->FailUnfinishedRuns("interrupted: the server stopped before the run finished",
                                                Timestamp::Now()));
  if (interrupted > 0) spdlog::warn("{} aggregation runs were interrupted by the last stop; marked failed", interrupted);
  if (!lake_) return Status::Ok();  // runs read the lake
  book_source_ = std::make_unique<agg::LiveBookSource>(book_, *store_);
  ASSIGN_OR_RETURN(aggregator_, OpenAggregator(config_, *results_, *store_, *lake_, *book_source_, /*owner=*/true,
                                               sweep_at_start_, metrics_.get()));
  if (config_.scheduler_enabled) {
    lake::Exporter& exporter = lake_->exporter();
    scheduler_ = std::make_unique<agg::AggregationScheduler>(
        *aggregator_, *results_, *store_, validator_->calendar(), [&exporter] { return exporter.status().watermark; },
        config_.schedule);
    scheduler_->UseLease(stores_.schedule_lease.get());
  }
  return Status::Ok();
}

void Application::RegisterRoutes() {
  gatekeeper_ = std::make_unique<api::BearerGatekeeper>(*api_context_);
  router_ = std::make_unique<http::Router>(gatekeeper_.get());
  auto add = [this](auto handler) {
    handler->Register(*router_);
    handlers_.push_back(std::move(handler));
  };
  api::OperationsOptions operations{&metrics_registry_, std::chrono::seconds(config_.export_stall_seconds)};
  add(std::make_shared<api::OperationsApi>(*api_context_, operations));
  add(std::make_shared<api::WebAssetsApi>(config_.web_dir.empty() ? DefaultWebDir() : config_.web_dir));
  add(std::make_shared<api::AuthApi>(*api_context_));
  add(std::make_shared<api::TradesApi>(*api_context_));
  add(std::make_shared<api::PositionsApi>(*api_context_));
  positions_stream_ = std::make_shared<api::PositionsStream>(*api_context_);
  add(positions_stream_);
  add(std::make_shared<api::CompatApi>(*api_context_));
  add(std::make_shared<api::LakeApi>(*api_context_));
  add(std::make_shared<api::ExposuresApi>(*api_context_));
  add(std::make_shared<api::AggregationsApi>(*api_context_));
  add(std::make_shared<api::FxRatesApi>(*api_context_));
  if (lake_) {
    // The lake's tables, read-only over the Iceberg REST protocol, from whatever catalog it uses.
    api::IcebergRestOptions iceberg{{std::string(lake::iceberg::kTradeaggNamespace)}, LakeReaderProperties(config_)};
    add(std::make_shared<api::IcebergRestApi>(*users_, *blocking_, lake_->catalog(), std::move(iceberg)));
  }
}

void Application::MeasureOnScrape() {
  metrics_registry_.AddRefresh([this, measured_at = std::chrono::steady_clock::time_point()]() mutable {
    metrics_->position_streams.Set(static_cast<int64_t>(positions_stream_->subscribers()));
    if (!lake_) return;
    // /metrics is public: at most one round of store reads per second, however often scraped.
    // (Scrapes are rendered one at a time on the blocking pool's threads; the registry runs
    // refreshes under its own lock.)
    const auto now = std::chrono::steady_clock::now();
    if (now - measured_at < std::chrono::seconds(1)) return;
    measured_at = now;
    auto lag = lake::MeasureExportLag(lake_->exporter(), *store_, Timestamp::Now());
    if (!lag.ok()) return;  // the store's failure shows in /readyz and the store's own counters
    metrics_->export_lag_trades.Set(lag->trades);
    metrics_->export_lag_micros.Set(lag->behind.count());
  });
}

std::vector<std::pair<std::string, std::string>> Application::Routes() const { return router_->Routes(); }

Result<uint16_t> Application::Start() {
  pipeline_->Start();
  if (book_follower_ != nullptr) book_follower_->Start();
  if (user_refresh_) user_refresh_->Start();
  if (lake_) lake_->exporter().Start();
  if (aggregator_) aggregator_->Start();
  if (scheduler_) scheduler_->Start();
  positions_stream_->Start();
  telemetry_ = std::make_unique<metrics::HttpTelemetry>(*metrics_, config_.log_requests);
  server_ = std::make_unique<http::Server>(config_.http, *router_, telemetry_.get());
  ASSIGN_OR_RETURN(uint16_t port, server_->Start());
  started_ = true;
  return port;
}

void Application::Stop() {
  if (!started_) return;
  started_ = false;
  // Streams end first: they would hold their connections open through the drain.
  positions_stream_->Stop();
  // No new requests; the ones being read or answered finish while everything still runs.
  const auto grace = std::chrono::seconds(config_.shutdown_grace_seconds);
  if (int64_t left = server_->Drain(grace); left > 0) {
    spdlog::warn("{} requests were still in flight after {} s; stopping anyway", left, grace.count());
  }
  pipeline_->Stop();  // commits and answers what reached it
  if (book_follower_ != nullptr) book_follower_->Stop();
  if (user_refresh_) user_refresh_->Stop();
  if (scheduler_) scheduler_->Stop();
  if (aggregator_) aggregator_->Stop();  // a run in progress finishes; queued ones fail at the next start
  if (lake_) {
    lake_->exporter().Stop();
    // What was committed goes to the lake before the exit, unless the lake is failing (a stop
    // must not wait on it): the next start resumes from the table's watermark either way.
    if (lake_->exporter().status().last_error.empty()) {
      auto flushed = lake_->exporter().ExportOnce();
      if (!flushed.ok()) spdlog::warn("lake: the last export before stopping failed: {}", flushed.status().ToString());
    }
  }
  blocking_->join();
  server_->Stop();
  // Work posted after the join never runs, and may hold a connection (through its Responder):
  // it goes now, while the server's io_context that its socket belongs to still exists.
  blocking_.reset();
}

}  // namespace tradeagg::app
