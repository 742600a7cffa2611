#include "tradeagg/lake/iceberg/counted_catalog.h"

#include <chrono>

namespace tradeagg::lake::iceberg {

namespace {

std::string_view OutcomeLabel(const CommitResult& result) {
  if (result.committed()) return "committed";
  if (result.conflict()) return "conflict";
  if (result.outcome == CommitOutcome::kStateUnknown) return "unknown";
  return "failed";
}

}  // namespace

CommitAttempt CountedCatalog::CommitTable(const TableIdentifier& table, const LoadedTable& base,
                                          const TableMetadata& updated) {
  const auto start = std::chrono::steady_clock::now();
  CommitAttempt attempt = catalog_->CommitTable(table, base, updated);
  metrics_.commit_micros.Observe(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
  metrics_.commits.With({table.ToString(), OutcomeLabel(attempt.result)}).Increment();
  if (!attempt.result.committed() && !attempt.result.conflict()) metrics_.errors.Increment();
  return attempt;
}

}  // namespace tradeagg::lake::iceberg
