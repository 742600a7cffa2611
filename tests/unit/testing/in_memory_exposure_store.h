// InMemoryExposureStore: an ExposureStore in maps, for unit tests of the code that uses the role
// (agg/, api/). It keeps the role's contract (tests/unit/store/exposure_store_contract_test.cc
// holds it to the same rules as the real stores) and can be told to fail like an unreachable
// store.
//
// Where the role leaves a detail open, the fake does what the SQLite store does, so that code
// tested against it behaves the same in production: ListRuns and LoadHistory return runs
// without their reconciliation differences (FindRun and LatestSucceededRun carry them), a run
// is stored without the derived missing_trades, and a date whose rates were replaced by none
// reads as never loaded.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tradeagg/store/exposure_store.h"

namespace tradeagg::testing {

class InMemoryExposureStore final : public store::ExposureStore {
 public:
  Result<domain::AggregationRun> CreateRun(const domain::RunRequest& request, Timestamp requested_at) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    domain::AggregationRun run;
    run.run_id = ++last_run_id_;
    run.request = request;
    run.requested_at = requested_at;
    if (request.kind == domain::RunKind::kEod) {
      int32_t highest = 0;
      for (const auto& [id, stored] : runs_) {
        if (stored.run.request.kind == domain::RunKind::kEod &&
            stored.run.request.business_date == request.business_date) {
          highest = std::max(highest, stored.run.version);
        }
      }
      run.version = highest + 1;
    }
    runs_[run.run_id].run = run;
    return run;
  }

  Status UpdateRun(const domain::AggregationRun& run) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    return UpdateRunLocked(run);
  }

  Status SaveResult(const domain::AggregationRun& run, std::span<const domain::ExposureRow> rows) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    // One "transaction": the run is checked first, so a failed save leaves the old rows.
    TRY(UpdateRunLocked(run));
    runs_.at(run.run_id).rows.assign(rows.begin(), rows.end());
    return Status::Ok();
  }

  Result<std::optional<domain::AggregationRun>> FindRun(int64_t run_id) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return std::optional<domain::AggregationRun>();
    return std::optional<domain::AggregationRun>(it->second.run);
  }

  Result<std::vector<domain::AggregationRun>> ListRuns(const store::RunQuery& query) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    std::vector<domain::AggregationRun> runs;
    for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {  // newest first
      if (query.limit != 0 && runs.size() == query.limit) break;  // 0: no limit, as in SQLite
      const domain::AggregationRun& run = it->second.run;
      if (query.before_run_id != 0 && run.run_id >= query.before_run_id) continue;
      if (query.from && run.request.business_date < *query.from) continue;
      if (query.to && run.request.business_date > *query.to) continue;
      if (query.kind && run.request.kind != *query.kind) continue;
      if (query.status && run.status != *query.status) continue;
      runs.push_back(WithoutDifferences(run));
    }
    return runs;
  }

  Result<std::optional<domain::AggregationRun>> LatestSucceededRun(Date business_date,
                                                                   std::optional<domain::RunKind> kind) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    const domain::AggregationRun* latest = nullptr;
    for (const auto& [id, stored] : runs_) {  // oldest first: a later match is newer
      const domain::AggregationRun& run = stored.run;
      if (run.request.business_date != business_date || run.status != domain::RunStatus::kSucceeded) continue;
      if (kind && run.request.kind != *kind) continue;
      // Without a kind, an eod run beats any intraday run of the date.
      if (latest != nullptr && latest->request.kind == domain::RunKind::kEod &&
          run.request.kind != domain::RunKind::kEod) {
        continue;
      }
      latest = &run;
    }
    if (latest == nullptr) return std::optional<domain::AggregationRun>();
    return std::optional<domain::AggregationRun>(*latest);
  }

  Result<std::vector<domain::ExposureRow>> LoadExposures(const store::ExposureQuery& query) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    std::vector<domain::ExposureRow> rows;
    auto it = runs_.find(query.run_id);
    if (it == runs_.end()) return rows;
    for (const domain::ExposureRow& row : it->second.rows) {
      if (query.level && row.level != *query.level) continue;
      if (query.participant && row.participant != *query.participant) continue;
      rows.push_back(row);
    }
    SortRows(rows);
    return rows;
  }

  Result<std::vector<store::HistoryPoint>> LoadHistory(const store::HistoryQuery& query) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    std::vector<store::HistoryPoint> history;
    for (const auto& [id, stored] : runs_) {  // oldest first
      const domain::AggregationRun& run = stored.run;
      if (run.status != domain::RunStatus::kSucceeded || run.request.business_date < query.from ||
          run.request.business_date > query.to) {
        continue;
      }
      store::HistoryPoint point{WithoutDifferences(run), {}};
      for (const domain::ExposureRow& row : stored.rows) {
        if (row.level != domain::ExposureLevel::kParticipant && row.level != domain::ExposureLevel::kReporting) continue;
        if (query.participant && row.participant != *query.participant) continue;
        point.rows.push_back(row);
      }
      SortRows(point.rows);
      history.push_back(std::move(point));
    }
    return history;
  }

  Result<int64_t> FailUnfinishedRuns(std::string_view reason, Timestamp now) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    int64_t failed = 0;
    for (auto& [id, stored] : runs_) {
      domain::AggregationRun& run = stored.run;
      if (run.status != domain::RunStatus::kQueued && run.status != domain::RunStatus::kRunning) continue;
      run.status = domain::RunStatus::kFailed;
      run.error = std::string(reason);
      run.finished_at = now;
      ++failed;
    }
    return failed;
  }

  Status PutFxRates(Date business_date, const domain::FxRates& rates, Timestamp now) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    if (rates.to_reporting.empty()) {
      fx_rates_.erase(business_date);
      return Status::Ok();
    }
    domain::FxRates stored;
    stored.to_reporting = rates.to_reporting;
    stored.updated_at = now;  // when they were loaded, whatever the caller's copy says
    fx_rates_[business_date] = std::move(stored);
    return Status::Ok();
  }

  Result<domain::FxRates> GetFxRates(Date business_date) override {
    std::lock_guard lock(mutex_);
    TRY(failure_);
    auto it = fx_rates_.find(business_date);
    if (it == fx_rates_.end()) return domain::FxRates();
    return it->second;
  }

  // Every later call fails with `status` (Ok() to heal).
  void FailWith(Status status) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(status);
  }

 private:
  struct StoredRun {
    domain::AggregationRun run;
    std::vector<domain::ExposureRow> rows;
  };

  // What UpdateRun may change: everything but the id, the request, the version and when it was
  // requested, which CreateRun fixed.
  Status UpdateRunLocked(const domain::AggregationRun& run) {
    auto it = runs_.find(run.run_id);
    if (it == runs_.end()) return Status::NotFound("run " + std::to_string(run.run_id) + " not found");
    domain::AggregationRun& stored = it->second.run;
    domain::AggregationRun updated = run;
    updated.request = stored.request;
    updated.version = stored.version;
    updated.requested_at = stored.requested_at;
    updated.missing_trades = 0;  // derived when served, never stored
    stored = std::move(updated);
    return Status::Ok();
  }

  static domain::AggregationRun WithoutDifferences(domain::AggregationRun run) {
    run.differences.clear();
    return run;
  }

  static void SortRows(std::vector<domain::ExposureRow>& rows) {
    std::sort(rows.begin(), rows.end(), [](const domain::ExposureRow& a, const domain::ExposureRow& b) {
      return std::tie(a.level, a.participant, a.key, a.currency) < std::tie(b.level, b.participant, b.key, b.currency);
    });
  }

  std::mutex mutex_;
  std::map<int64_t, StoredRun> runs_;  // by run id: oldest first
  int64_t last_run_id_ = 0;
  std::map<Date, domain::FxRates> fx_rates_;
  Status failure_ = Status::Ok();
};

}  // namespace tradeagg::testing
