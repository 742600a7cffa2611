// Committing new table metadata, and retrying commits that lost a race.
//
// CommitMetadata does one commit attempt: it checks the new metadata, has the catalog commit
// it (Catalog::CommitTable), and, once committed, updates metadata/version-hint.text in
// `store` (best effort; see metadata_files.h).
//
// RetryOnConflict runs a whole attempt again (reload, rebuild the change, commit) when it
// failed with a conflict (another writer committed first) or a transient error (kUnavailable),
// with bounded, jittered exponential back-off ("full jitter": a random wait in
// [0, min(max_backoff, initial_backoff * 2^n)]) so that competing writers spread out.
// kStateUnknown is never retried: the caller must re-read the table and decide (the exporter,
// for instance, looks for its watermark in the current snapshot).
// Thread safety: stateless; the catalog and store are used concurrently as they allow.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

CommitAttempt CommitMetadata(Catalog& catalog, ObjectStore& store, const TableIdentifier& table,
                             const LoadedTable& base, const TableMetadata& updated);

struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;
// The default sleeper: std::this_thread::sleep_for.
void SleepFor(std::chrono::milliseconds duration);

// Calls attempt(1), attempt(2), ... until one does not fail retryably or max_attempts is
// reached; returns the last result.
CommitResult RetryOnConflict(const RetryPolicy& policy, const std::function<CommitResult(int attempt)>& attempt,
                             const Sleeper& sleep = SleepFor);

// The back-off before retry number `retry` (1-based), before jitter: min(max, initial * 2^(retry-1)).
std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int retry);

}  // namespace tradeagg::lake::iceberg
