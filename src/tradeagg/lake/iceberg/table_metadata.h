// TableMetadata: the content of one Iceberg v2 table metadata file (spec "Table Metadata"),
// apart from its JSON encoding (table_metadata_json.h), and the changes tradeagg makes to it:
// creating a table, evolving its schema, adding a snapshot (an append or an overwrite) and
// setting a ref (a tag).
//
// Metadata is an immutable value in the Iceberg model: every change produces a new
// TableMetadata, written to a new file, and the catalog swaps the table's pointer to it
// (catalog.h). Nothing here does I/O.
// Statistics files (statistics, partition-statistics) are not modelled; their JSON arrays are
// carried through verbatim so that a rewrite never loses what another writer recorded.
// Thread safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/partition_spec.h"
#include "tradeagg/lake/iceberg/schema.h"
#include "tradeagg/lake/iceberg/snapshot.h"
#include "tradeagg/lake/iceberg/sort_order.h"

namespace tradeagg::lake::iceberg {

// Table property naming how many previous metadata files metadata-log keeps (as in Java and
// PyIceberg; default 100).
inline constexpr std::string_view kPreviousVersionsMaxProperty = "write.metadata.previous-versions-max";
inline constexpr int kDefaultPreviousVersionsMax = 100;

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
  bool operator==(const SnapshotLogEntry&) const = default;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;   // last-updated-ms of that metadata file
  std::string metadata_file;  // its absolute location
  bool operator==(const MetadataLogEntry&) const = default;
};

struct TableMetadata {
  int format_version = 2;
  std::string table_uuid;
  std::string location;  // absolute table location ("file:///.../tradeagg.db/trades")
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  std::vector<Schema> schemas;
  int32_t current_schema_id = 0;
  std::vector<PartitionSpec> partition_specs;
  int32_t default_spec_id = 0;
  int32_t last_partition_id = 0;
  std::map<std::string, std::string, std::less<>> properties;
  std::optional<int64_t> current_snapshot_id;  // written as -1 when absent, as Java does
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::vector<SortOrder> sort_orders;
  int32_t default_sort_order_id = 0;
  std::map<std::string, SnapshotRef, std::less<>> refs;
  std::string statistics_json = "[]";            // opaque JSON array, see above
  std::string partition_statistics_json = "[]";  // opaque JSON array

  const Schema* CurrentSchema() const;
  const Schema* FindSchema(int32_t schema_id) const;
  const PartitionSpec* DefaultSpec() const;
  const PartitionSpec* FindSpec(int32_t spec_id) const;
  const Snapshot* CurrentSnapshot() const;
  const Snapshot* FindSnapshot(int64_t snapshot_id) const;
  // A non-negative integer table property, or `fallback` when absent or not such a number.
  int64_t IntProperty(std::string_view name, int64_t fallback) const;
  // The sequence number the next snapshot committed on top of this metadata gets. Manifest
  // lists must be written with it; a retry on a newer base must rewrite them.
  int64_t next_sequence_number() const { return last_sequence_number + 1; }

  // Internal consistency: format version 2, ids that point somewhere, counters not behind
  // what they count.
  Status Validate() const;

  bool operator==(const TableMetadata&) const = default;
};

// The shape of a new table, apart from its identity (uuid) and place (location).
struct TableDefinition {
  Schema schema;
  PartitionSpec spec;
  SortOrder sort_order = SortOrder::Unsorted();
  std::map<std::string, std::string, std::less<>> properties;
};

// Metadata of a new, empty table: sequence number 0, no snapshot, the given ids kept as they
// are (they are not reassigned, unlike PyIceberg's create_table).
Result<TableMetadata> NewTableMetadata(const TableDefinition& definition, std::string location,
                                       std::string table_uuid, int64_t now_ms);

// Whether the current schema of `metadata` has exactly the fields (ids, names, types,
// requiredness, docs, order) and identifier fields of `schema`, whatever its schema id.
bool CurrentSchemaIs(const TableMetadata& metadata, const Schema& schema);

// The metadata after evolving `base`, read from `base_location`, to `schema` (the shape a
// writer's definition has now), by Iceberg's rules for the changes tradeagg makes:
//   - every column of the current schema stays, under its field id, with its type or a
//     promotion of it (int -> long, float -> double, a wider decimal of the same scale); a
//     required column may become optional, never the reverse; a rename is allowed (readers
//     resolve columns by id); dropping a column is refused;
//   - a new column must be optional (files written before do not have it) and have a field id
//     above last-column-id (an id is never reused);
//   - `schema` is added with schema-id = the highest one + 1 and made current; last-column-id =
//     its highest field id (never lowered); snapshots keep the schema they were written with;
//   - metadata-log gains the base, as for AppendSnapshot; last-updated-ms = now_ms, never
//     before the base's.
// kInvalidArgument for a change the rules refuse, or when there is nothing to change
// (CurrentSchemaIs).
Result<TableMetadata> EvolveSchema(const TableMetadata& base, std::string_view base_location, const Schema& schema,
                                   int64_t now_ms);

// A new snapshot, as the summary counts it: a fast append (data files added) or an overwrite
// (data files added and deleted), with its manifest list already written. "Append" in the
// names SnapshotAppend/AppendSnapshot is the snapshot joining the table's history; its
// operation is `operation`.
struct SnapshotAppend {
  std::string operation = std::string(summary::kAppend);  // summary::kAppend or kOverwrite
  int64_t snapshot_id = 0;    // new, unique in the table (NewSnapshotId())
  std::string manifest_list;  // written with base.next_sequence_number()
  int64_t timestamp_ms = 0;
  int64_t added_data_files = 0;
  int64_t added_records = 0;
  int64_t added_files_size = 0;
  int64_t deleted_data_files = 0;  // overwrite only
  int64_t deleted_records = 0;     // overwrite only
  int64_t removed_files_size = 0;  // overwrite only
  int64_t changed_partition_count = 0;  // partitions with a file added or deleted
  // Extra summary entries ("tradeagg.watermark"); may not replace a standard one.
  std::map<std::string, std::string, std::less<>> extra_summary;
};

// The metadata after adding a snapshot to `base`, which was read from `base_location`:
//   - sequence number base.last_sequence_number + 1, parent = base's current snapshot;
//   - summary: the operation, the added-* counts (an overwrite also deleted-data-files,
//     deleted-records and removed-files-size), and total-* = the parent's totals plus what was
//     added minus what was deleted (a total the parent does not record stays unrecorded, as
//     in Java; so does one that would go negative, which only a wrong parent total can cause);
//   - current-snapshot-id and refs.main move to the new snapshot, other refs are kept;
//     snapshot-log gains it;
//   - metadata-log gains (base_location, base.last_updated_ms), trimmed to
//     write.metadata.previous-versions-max entries;
//   - last-updated-ms = the snapshot's timestamp, never before base.last_updated_ms (a clock
//     that stepped back is clamped so that the logs stay ordered).
// kInvalidArgument for an operation other than append and overwrite, or an append that deletes.
Result<TableMetadata> AppendSnapshot(const TableMetadata& base, std::string_view base_location,
                                     const SnapshotAppend& append);

// The metadata after pointing the ref `name` at `ref.snapshot_id` (creating or replacing the
// ref), e.g. a tag that keeps a snapshot from expiry (spec "Snapshot References"). `main` is
// refused: it moves with the snapshots AppendSnapshot adds. The ref must be a branch or a tag
// on a snapshot of the table, with positive retention settings where set. Records metadata-log
// and last-updated-ms (= now_ms, clamped as above) as AppendSnapshot does; nothing else changes.
Result<TableMetadata> SetRef(const TableMetadata& base, std::string_view base_location, std::string_view name,
                             const SnapshotRef& ref, int64_t now_ms);

}  // namespace tradeagg::lake::iceberg
