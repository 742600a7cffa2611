// TableMetadata <-> the Iceberg table metadata file (spec Appendix C, "Table Metadata and
// Snapshots"), format version 2.
//
// Writing is deterministic: the same metadata always gives the same bytes (fixed key order,
// maps sorted by key, the summary's "operation" first, compact form). current-snapshot-id is
// written as -1 before the first snapshot, as Java does; PyIceberg reads -1 as "none".
// Reading accepts what this writer writes and what PyIceberg 0.12 and Java write: optional
// members (properties, current-snapshot-id, snapshots, logs, refs, statistics) may be absent;
// when refs is absent, "main" points at the current snapshot (spec). Members tradeagg does not
// model (v3 row lineage, encryption keys) are not carried over; format versions other than 2
// are rejected. The result is checked with TableMetadata::Validate().
// Thread safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "tradeagg/core/json_writer.h"
#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/table_metadata.h"

namespace tradeagg::lake::iceberg {

std::string TableMetadataToJson(const TableMetadata& metadata);
// The parts, as they appear in the metadata file (and in the REST catalog's updates).
void WriteSnapshotJson(JsonWriter& out, const Snapshot& snapshot);
void WriteSnapshotRefJson(JsonWriter& out, const SnapshotRef& ref);  // without the name
void WriteSortOrderJson(JsonWriter& out, const SortOrder& order);
Result<TableMetadata> ParseTableMetadataJson(std::string_view text);

}  // namespace tradeagg::lake::iceberg
