#include "tradeagg/lake/iceberg/snapshot_tag.h"

#include <string>

#include "tradeagg/core/time.h"

namespace tradeagg::lake::iceberg {

namespace {

int64_t NowMs() { return Timestamp::Now().micros() / 1000; }

// Whether `metadata` already has the tag `name` on `snapshot_id`; kAlreadyExists when the name
// is taken by a branch or by a tag on another snapshot.
Result<bool> HasTag(const TableMetadata& metadata, std::string_view name, int64_t snapshot_id) {
  auto it = metadata.refs.find(name);
  if (it == metadata.refs.end()) return false;
  const SnapshotRef& ref = it->second;
  if (ref.is_tag() && ref.snapshot_id == snapshot_id) return true;
  return Status::AlreadyExists("ref '" + std::string(name) + "' is already a " + ref.type + " on snapshot " +
                               std::to_string(ref.snapshot_id));
}

// The attempt's result once the tag is on the table (committed) or not (nothing happened).
CommitResult TagResult(const Result<bool>& has_tag) {
  if (!has_tag.ok()) return CommitResult::Failed(has_tag.status());
  return *has_tag ? CommitResult::Committed() : CommitResult::Failed(Status::Unavailable("tag not committed"));
}

// After a commit with an unknown outcome: the reloaded table decides. No tag there means the
// swap did not happen; kUnavailable lets RetryOnConflict try again, which is safe because a
// second attempt that finds the tag commits nothing.
CommitResult Settle(Catalog& catalog, const TableIdentifier& table, std::string_view name, int64_t snapshot_id,
                    const CommitResult& unknown) {
  Result<LoadedTable> now = catalog.LoadTable(table);
  if (!now.ok()) return unknown;
  return TagResult(HasTag(now->metadata, name, snapshot_id));
}

Status CheckArguments(std::string_view name, std::optional<int64_t> max_ref_age_ms) {
  if (name.empty()) return Status::InvalidArgument("tag: empty name");
  if (name == kMainBranch) return Status::InvalidArgument("tag: 'main' is the table's branch");
  if (max_ref_age_ms && *max_ref_age_ms <= 0) return Status::InvalidArgument("tag: max-ref-age-ms must be positive");
  return Status::Ok();
}

}  // namespace

Status TagSnapshot(Catalog& catalog, ObjectStore& objects, const TableIdentifier& table, std::string_view name,
                   int64_t snapshot_id, std::optional<int64_t> max_ref_age_ms, const RetryPolicy& policy) {
  TRY(CheckArguments(name, max_ref_age_ms));
  const SnapshotRef tag{snapshot_id, std::string(kTagRef), std::nullopt, std::nullopt, max_ref_age_ms};
  CommitResult result = RetryOnConflict(policy, [&](int) {
    auto base = catalog.LoadTable(table);
    if (!base.ok()) return CommitResult::Failed(base.status());
    Result<bool> has_tag = HasTag(base->metadata, name, snapshot_id);
    if (!has_tag.ok() || *has_tag) return TagResult(has_tag);
    auto updated = SetRef(base->metadata, base->metadata_location, name, tag, NowMs());
    if (!updated.ok()) return CommitResult::Failed(updated.status());
    CommitAttempt attempt = CommitMetadata(catalog, objects, table, *base, *updated);
    if (attempt.result.outcome != CommitOutcome::kStateUnknown) return attempt.result;
    return Settle(catalog, table, name, snapshot_id, attempt.result);
  });
  if (result.committed()) return Status::Ok();
  if (result.outcome == CommitOutcome::kStateUnknown) {
    return Status::StateUnknown("tag '" + std::string(name) + "' on " + table.ToString() +
                                ": commit outcome unknown and the table could not be read: " + result.status.ToString());
  }
  return result.status;
}

}  // namespace tradeagg::lake::iceberg
