#include "tradeagg/metrics/service_metrics.h"

namespace tradeagg::metrics {

namespace {

// Request latencies: from a cached answer (tens of microseconds) to a slow aggregation (seconds).
const std::vector<int64_t> kRequestMicros = {100,     250,     500,     1'000,     2'500,     5'000,     10'000,
                                             25'000,  50'000,  100'000, 250'000,   500'000,   1'000'000, 2'500'000,
                                             5'000'000, 10'000'000};
// A group commit's fsync (SQLite) or round trips (MongoDB).
const std::vector<int64_t> kCommitMicros = {250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000,
                                            250'000, 500'000, 1'000'000, 5'000'000};
const std::vector<int64_t> kBatchTrades = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1'000, 2'000, 5'000, 10'000, 20'000};
const std::vector<int64_t> kLakeMicros = {1'000,     5'000,     10'000,     25'000,     50'000, 100'000, 250'000,
                                          500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000};
const std::vector<int64_t> kRunMicros = {10'000,    50'000,     100'000,    250'000,    500'000,    1'000'000,
                                         2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000, 300'000'000};

constexpr Unit kSeconds = Unit::kMicrosecondsAsSeconds;

}  // namespace

ServiceMetrics::ServiceMetrics(Registry& r)
    : http_requests(r.AddCounter("tradeagg_http_requests_total", "HTTP requests answered, by route pattern and status.",
                                 {"method", "route", "status"})),
      http_request_micros(r.AddHistogram("tradeagg_http_request_duration_seconds",
                                         "Time from a request's head read to its answer written.", {"method", "route"},
                                         kRequestMicros, kSeconds)),
      ingest_batch_trades(r.AddHistogram("tradeagg_ingest_batch_trades", "Trades per group commit.", {}, kBatchTrades,
                                         Unit::kOne)
                              .Get()),
      ingest_commit_micros(r.AddHistogram("tradeagg_ingest_commit_duration_seconds",
                                          "Time of one group commit in the store, its fsync included.", {},
                                          kCommitMicros, kSeconds)
                               .Get()),
      trades(r.AddCounter("tradeagg_trades_total",
                          "Trades submitted, by outcome: accepted (stored), duplicate (already stored, same content), "
                          "conflicting (same id, other content), rejected (invalid).",
                          {"outcome"})),
      store_errors(r.AddCounter("tradeagg_store_errors_total", "Group commits the store failed (nothing acknowledged).")
                       .Get()),
      export_lag_trades(r.AddGauge("tradeagg_lake_export_lag_trades",
                                   "Committed trades not yet in the lake's tradeagg.trades table.")
                            .Get()),
      export_lag_micros(r.AddGauge("tradeagg_lake_export_lag_seconds",
                                   "How long the oldest trade not yet in the lake has waited; 0 when up to date.", {},
                                   kSeconds)
                            .Get()),
      snapshot_commits(r.AddCounter("tradeagg_lake_snapshot_commits_total",
                                    "Snapshot commits to the catalog, by table and outcome.", {"table", "outcome"})),
      snapshot_commit_micros(r.AddHistogram("tradeagg_lake_snapshot_commit_duration_seconds",
                                            "Time of one snapshot commit to the catalog.", {}, kLakeMicros, kSeconds)
                                 .Get()),
      object_store_errors(
          r.AddCounter("tradeagg_object_store_errors_total", "Object store operations that failed.").Get()),
      catalog_errors(r.AddCounter("tradeagg_catalog_errors_total",
                                  "Catalog operations that failed (a commit conflict is not a failure).")
                         .Get()),
      aggregation_runs(r.AddCounter("tradeagg_aggregation_runs_total", "Aggregation runs finished, by kind and status.",
                                    {"kind", "status"})),
      aggregation_run_micros(r.AddHistogram("tradeagg_aggregation_run_duration_seconds",
                                            "Time of an aggregation run, from start to results stored.", {},
                                            kRunMicros, kSeconds)
                                 .Get()),
      reconciliation_differences(r.AddGauge("tradeagg_aggregation_reconciliation_differences",
                                            "Differences between the newest finished run and the real-time book.")
                                     .Get()),
      position_streams(r.AddGauge("tradeagg_position_streams", "Open GET /v1/positions/stream connections.").Get()) {}

}  // namespace tradeagg::metrics
