#include "tradeagg/lake/iceberg/table_commit.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <thread>

#include "tradeagg/lake/iceberg/metadata_files.h"

namespace tradeagg::lake::iceberg {

namespace {

bool Retryable(const CommitResult& result) {
  return result.outcome == CommitOutcome::kFailed &&
         (result.status.code() == StatusCode::kConflict || result.status.code() == StatusCode::kUnavailable);
}

}  // namespace

CommitAttempt CommitMetadata(Catalog& catalog, ObjectStore& store, const TableIdentifier& table,
                             const LoadedTable& base, const TableMetadata& updated) {
  if (Status valid = updated.Validate(); !valid.ok()) return {CommitResult::Failed(valid), ""};
  CommitAttempt attempt = catalog.CommitTable(table, base, updated);
  if (attempt.result.committed()) {
    if (Status hint = WriteVersionHint(store, attempt.metadata_location); !hint.ok()) {
      spdlog::warn("lake: {} committed, but its version hint was not written: {}", table.ToString(),
                   hint.ToString());
    }
  }
  return attempt;
}

void SleepFor(std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); }

std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int retry) {
  int64_t ceiling = std::max<int64_t>(policy.initial_backoff.count(), 0);
  for (int i = 1; i < retry && ceiling < policy.max_backoff.count(); ++i) ceiling *= 2;
  return std::chrono::milliseconds(std::min<int64_t>(ceiling, policy.max_backoff.count()));
}

CommitResult RetryOnConflict(const RetryPolicy& policy, const std::function<CommitResult(int attempt)>& attempt,
                             const Sleeper& sleep) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  CommitResult result = attempt(1);
  for (int n = 2; n <= policy.max_attempts && Retryable(result); ++n) {
    const int64_t ceiling = BackoffCeiling(policy, n - 1).count();
    std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(ceiling, 0));
    sleep(std::chrono::milliseconds(jitter(random)));
    result = attempt(n);
  }
  return result;
}

}  // namespace tradeagg::lake::iceberg
