// SqliteExposureStore: the embedded default ExposureStore, in the same SQLite file as the
// SqliteTradeStore (tables aggregation_runs, run_differences, exposures, fx_rates; see schema.h).
//
// One read-write connection under a mutex: runs and results are written a few times an hour and
// read by people, so a connection pool would buy nothing. synchronous=FULL, as for trades: a
// succeeded run's results survive a crash. Writes take SQLite's write lock for the length of one
// small transaction, which the trade writer waits out (busy timeout) rather than failing.
// Thread safety: every method may be called from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "tradeagg/store/exposure_store.h"
#include "tradeagg/store/sqlite/sqlite_db.h"

namespace tradeagg::store {

class SqliteExposureStore final : public ExposureStore {
 public:
  // Opens the database at `db_path` (creating it and bringing the schema up to date if needed).
  static Result<std::unique_ptr<SqliteExposureStore>> Open(const std::filesystem::path& db_path,
                                                           int busy_timeout_ms = 5000);

  Result<domain::AggregationRun> CreateRun(const domain::RunRequest& request, Timestamp requested_at) override;
  Status UpdateRun(const domain::AggregationRun& run) override;
  Status SaveResult(const domain::AggregationRun& run, std::span<const domain::ExposureRow> rows) override;
  Result<std::optional<domain::AggregationRun>> FindRun(int64_t run_id) override;
  Result<std::vector<domain::AggregationRun>> ListRuns(const RunQuery& query) override;
  Result<std::optional<domain::AggregationRun>> LatestSucceededRun(Date business_date,
                                                                   std::optional<domain::RunKind> kind) override;
  Result<std::vector<domain::ExposureRow>> LoadExposures(const ExposureQuery& query) override;
  Result<std::vector<HistoryPoint>> LoadHistory(const HistoryQuery& query) override;
  Result<int64_t> FailUnfinishedRuns(std::string_view reason, Timestamp now) override;
  Status PutFxRates(Date business_date, const domain::FxRates& rates, Timestamp now) override;
  Result<domain::FxRates> GetFxRates(Date business_date) override;

 private:
  explicit SqliteExposureStore(SqliteDb db) : db_(std::move(db)) {}
  // Runs `body` in a write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on failure).
  template <typename Body>
  Status InTransaction(Body&& body);
  Status UpdateRunLocked(const domain::AggregationRun& run);
  Result<std::optional<domain::AggregationRun>> FindRunLocked(int64_t run_id, bool with_differences);

  std::mutex mutex_;
  SqliteDb db_;
};

}  // namespace tradeagg::store
