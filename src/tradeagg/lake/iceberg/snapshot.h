// Snapshot and SnapshotRef: one committed state of an Iceberg table and the named pointers
// (branches, tags) to snapshots (spec "Snapshots", "Snapshot References").
//
// The summary is the spec's string map; "operation" is kept apart because the spec requires
// it. The standard counters ("added-records", "total-records", ...) are named below, so that
// nobody spells them twice. tradeagg's own summary entries (the export watermark) are namespaced
// "tradeagg.*".
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tradeagg::lake::iceberg {

namespace summary {
inline constexpr std::string_view kOperation = "operation";
inline constexpr std::string_view kAppend = "append";  // operation values
inline constexpr std::string_view kOverwrite = "overwrite";
inline constexpr std::string_view kDelete = "delete";
inline constexpr std::string_view kReplace = "replace";

inline constexpr std::string_view kAddedDataFiles = "added-data-files";
inline constexpr std::string_view kAddedRecords = "added-records";
inline constexpr std::string_view kAddedFilesSize = "added-files-size";
inline constexpr std::string_view kDeletedDataFiles = "deleted-data-files";
inline constexpr std::string_view kDeletedRecords = "deleted-records";
inline constexpr std::string_view kRemovedFilesSize = "removed-files-size";
inline constexpr std::string_view kChangedPartitionCount = "changed-partition-count";
inline constexpr std::string_view kTotalRecords = "total-records";
inline constexpr std::string_view kTotalDataFiles = "total-data-files";
inline constexpr std::string_view kTotalDeleteFiles = "total-delete-files";
inline constexpr std::string_view kTotalPositionDeletes = "total-position-deletes";
inline constexpr std::string_view kTotalEqualityDeletes = "total-equality-deletes";
inline constexpr std::string_view kTotalFilesSize = "total-files-size";

// The highest TradeStore sequence number contained in the table as of this snapshot.
inline constexpr std::string_view kTradeaggWatermark = "tradeagg.watermark";
}  // namespace summary

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;  // absolute location of the manifest list (Avro)
  std::string operation = std::string(summary::kAppend);
  std::map<std::string, std::string, std::less<>> summary;  // without "operation"
  std::optional<int32_t> schema_id;

  // A summary entry read as a non-negative integer; nullopt when absent or not a number.
  std::optional<int64_t> SummaryInt(std::string_view key) const;

  bool operator==(const Snapshot&) const = default;
};

inline constexpr std::string_view kMainBranch = "main";
inline constexpr std::string_view kBranchRef = "branch";  // SnapshotRef::type values
inline constexpr std::string_view kTagRef = "tag";

struct SnapshotRef {
  int64_t snapshot_id = 0;
  std::string type = std::string(kBranchRef);  // kBranchRef | kTagRef
  std::optional<int32_t> min_snapshots_to_keep;  // branches only
  std::optional<int64_t> max_snapshot_age_ms;    // branches only
  std::optional<int64_t> max_ref_age_ms;         // the ref expires once its snapshot is older

  bool is_tag() const { return type == kTagRef; }

  bool operator==(const SnapshotRef&) const = default;
};

}  // namespace tradeagg::lake::iceberg
