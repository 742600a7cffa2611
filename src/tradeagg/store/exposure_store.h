// ExposureStore: the system of record for aggregation runs, their results (exposures and
// reconciliation differences) and the FX rates they convert with.
//
// A role apart from TradeStore: trades are the ingest hot path, results are written a few times
// an hour, and neither interface should grow with the other. The embedded default keeps both in
// the same SQLite file (store/sqlite).
//
// Contract:
// - CreateRun records a queued run and assigns its id and, for eod runs, its version (one more
//   than the date's highest eod version so far): a re-run never overwrites.
// - SaveResult stores a run's rows and the run's final record in one transaction: a reader
//   sees a succeeded run with all its rows, or neither.
// - Rows keep what cannot be derived (buy/sell quantities and notionals, trade counts, missing
//   rates); net, gross, VWAP and direction come from domain::ExposureTotals when read, as for
//   the position book, so both always agree in arithmetic.
// - Runs are listed newest first.
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/domain/aggregation_run.h"
#include "tradeagg/domain/exposure_row.h"
#include "tradeagg/domain/fx_rates.h"

namespace tradeagg::store {

struct RunQuery {
  std::optional<Date> from;  // business dates, inclusive
  std::optional<Date> to;
  std::optional<domain::RunKind> kind;
  std::optional<domain::RunStatus> status;
  int64_t before_run_id = 0;  // cursor: only runs with a smaller id (0: from the newest)
  size_t limit = 100;
};

struct ExposureQuery {
  int64_t run_id = 0;
  std::optional<domain::ExposureLevel> level;
  std::optional<std::string> participant;
};

// The intraday (and eod) series: the participant and reporting rows of every succeeded run of
// some business dates, oldest run first.
struct HistoryQuery {
  Date from;
  Date to;
  std::optional<std::string> participant;
};

struct HistoryPoint {
  domain::AggregationRun run;
  std::vector<domain::ExposureRow> rows;  // levels participant and reporting
};

class ExposureStore {
 public:
  virtual ~ExposureStore() = default;

  virtual Result<domain::AggregationRun> CreateRun(const domain::RunRequest& request, Timestamp requested_at) = 0;
  // Saves everything of `run` but rows (status, timings, what was read, reconciliation).
  virtual Status UpdateRun(const domain::AggregationRun& run) = 0;
  virtual Status SaveResult(const domain::AggregationRun& run, std::span<const domain::ExposureRow> rows) = 0;
  virtual Result<std::optional<domain::AggregationRun>> FindRun(int64_t run_id) = 0;
  virtual Result<std::vector<domain::AggregationRun>> ListRuns(const RunQuery& query) = 0;
  // The newest succeeded run of the date: of `kind`, or without one the newest eod, else the
  // newest intraday.
  virtual Result<std::optional<domain::AggregationRun>> LatestSucceededRun(Date business_date,
                                                                           std::optional<domain::RunKind> kind) = 0;
  // Rows sorted by level, participant, key, currency.
  virtual Result<std::vector<domain::ExposureRow>> LoadExposures(const ExposureQuery& query) = 0;
  virtual Result<std::vector<HistoryPoint>> LoadHistory(const HistoryQuery& query) = 0;
  // Marks queued and running runs failed (they cannot finish after a restart); how many.
  virtual Result<int64_t> FailUnfinishedRuns(std::string_view reason, Timestamp now) = 0;

  // Replaces the date's rates.
  virtual Status PutFxRates(Date business_date, const domain::FxRates& rates, Timestamp now) = 0;
  virtual Result<domain::FxRates> GetFxRates(Date business_date) = 0;
};

}  // namespace tradeagg::store
