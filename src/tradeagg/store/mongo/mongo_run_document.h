// The aggregation_runs and run_differences documents: how a domain::AggregationRun is laid out
// in MongoDB (field conventions: mongo_fields.h).
//
// aggregation_runs, one per run:
//   { _id: <run id, int64>, claim: "<token of the insert that took the id>",
//     owner: "<instance id that runs it>",
//     business_date: "YYYY-MM-DD", kind: "intraday"|"eod", version: <int64>, requested_by,
//     requested_at(+_us), as_of_snapshot_id?, as_of_time(+_us)?,          <- fixed at CreateRun
//     status, started_at?, finished_at?, snapshot_id?, snapshot_committed_at?, watermark,
//     data_files, data_files_pruned, trades, instrument_rows, counterparty_rows,
//     participant_rows, reporting_rows, reporting_currency, missing_rates: "CHF,JPY",
//     plan_ms, query_ms, rollup_ms, reconcile_ms, store_ms, lake_ms, reconciliation,
//     book_watermark, difference_count, exposures_snapshot_id?, lake_error, error,
//     request_seq?, store_trades, trades_tag,                              <- UpdateRun
//     differences_id: "" | "<run_differences _id>",                        <- UpdateRun
//     result_token: "" | "<token of the published exposures rows>" }      <- SaveResult
// run_differences, one per write of a run's differences (the run names the current one):
//   { _id: "<run id>:<token>", run_id, differences: [{level, participant, key, currency,
//     field, lake, book}, ...] }
// Thread safety: functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/domain/aggregation_run.h"
#include "tradeagg/store/mongo/mongo_client.h"

namespace tradeagg::store {

// The whole document of a new run (no rows, no differences).
Bson NewRunDocument(const domain::AggregationRun& run, std::string_view owner, std::string_view claim);
// The update that saves everything of `run` but what CreateRun fixed; with a result token, the
// one that publishes rows too.
Bson RunStateUpdate(const domain::AggregationRun& run, std::string_view differences_id,
                    std::optional<std::string_view> result_token);
// Everything but the differences. kInternal when a field is missing or malformed.
Result<domain::AggregationRun> RunFromDocument(const Bson& doc);

std::string DifferencesId(int64_t run_id, std::string_view token);
Bson DifferencesDocument(std::string_view id, int64_t run_id,
                         const std::vector<domain::ReconciliationDifference>& differences);
Result<std::vector<domain::ReconciliationDifference>> DifferencesFromDocument(const Bson& doc);

}  // namespace tradeagg::store
