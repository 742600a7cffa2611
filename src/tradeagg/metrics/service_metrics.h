// ServiceMetrics: the metrics tradeagg exposes at GET /metrics, registered in one place so
// their names, units and labels read as one catalogue (docs/operations.md lists them).
//
// Components get the handles they update from the composition root; nothing here knows them.
// Thread safety: construct while wiring; the handles are thread-safe.
#pragma once

#include "tradeagg/metrics/registry.h"

namespace tradeagg::metrics {

struct ServiceMetrics {
  explicit ServiceMetrics(Registry& registry);

  // HTTP: every answered request by route pattern and status.
  Family<Counter>& http_requests;        // method, route, status
  Family<Histogram>& http_request_micros;  // method, route
  // Ingestion: group commits and what became of each trade.
  Histogram& ingest_batch_trades;
  Histogram& ingest_commit_micros;
  Family<Counter>& trades;  // outcome: accepted | duplicate | conflicting | rejected
  Counter& store_errors;
  // The lake.
  Gauge& export_lag_trades;
  Gauge& export_lag_micros;
  Family<Counter>& snapshot_commits;  // table, outcome
  Histogram& snapshot_commit_micros;
  Counter& object_store_errors;
  Counter& catalog_errors;
  // Aggregation runs.
  Family<Counter>& aggregation_runs;  // kind, status
  Histogram& aggregation_run_micros;
  Gauge& reconciliation_differences;  // of the newest finished run
  // Live streams.
  Gauge& position_streams;
};

}  // namespace tradeagg::metrics
