// Snapshot expiry: which snapshots a table keeps, as Iceberg's expire-snapshots decides it, so
// that table metadata (every snapshot is listed in it, and rewritten at every commit) stays
// small however often the exporter commits.
//
// Table properties, with Java's names and defaults when a table does not set them:
//   history.expire.max-snapshot-age-ms     default 5 days
//   history.expire.min-snapshots-to-keep   default 1
//   history.expire.max-ref-age-ms          default forever (tags only; main never expires)
// A snapshot is kept when any of these holds: a ref (branch or unexpired tag) points at it;
// it is one of the newest min-snapshots-to-keep ancestors of main; it was committed less than
// max-snapshot-age-ms before `now_ms`. The rest are removed from `snapshots`. As in Java, the
// snapshot log keeps only the entries after the last one that names a removed snapshot, so the
// log always describes an unbroken history (readers resolve "as of a time" from it).
// tradeagg's own tables set max-snapshot-age-ms to one hour at creation (see trades_table.h).
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tradeagg/lake/iceberg/table_metadata.h"

namespace tradeagg::lake::iceberg {

inline constexpr std::string_view kMaxSnapshotAgeProperty = "history.expire.max-snapshot-age-ms";
inline constexpr std::string_view kMinSnapshotsToKeepProperty = "history.expire.min-snapshots-to-keep";
inline constexpr std::string_view kMaxRefAgeProperty = "history.expire.max-ref-age-ms";
inline constexpr int64_t kDefaultMaxSnapshotAgeMs = 5LL * 24 * 3600 * 1000;
inline constexpr int64_t kDefaultMinSnapshotsToKeep = 1;

// Removes the snapshots (and expired tags) that `metadata`'s retention properties no longer
// keep, as of `now_ms`; returns the removed snapshots.
std::vector<Snapshot> ExpireSnapshots(TableMetadata& metadata, int64_t now_ms);

}  // namespace tradeagg::lake::iceberg
