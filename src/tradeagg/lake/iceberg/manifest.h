// Manifest: writes and reads Iceberg v2 data manifests (spec "Manifests"), the Avro files that
// list a snapshot's data files with their partition tuple and column metrics.
//
// The writer emits the v2 manifest_entry Avro schema with a "field-id" on every field, as the
// spec's Appendix A requires and as PyIceberg 0.12 and Java write it: the partition record
// "r102" typed from the partition spec, int-keyed maps as arrays of "k<id>_v<id>" key/value
// records with logicalType "map", lists with "element-id"; optional fields are
// ["null", T] with default null. The one deliberate difference from PyIceberg: equality_ids
// elements are int, as the spec says (PyIceberg writes long).
// Key-value metadata: schema, schema-id, partition-spec, partition-spec-id, format-version "2",
// content "data". Codec "null".
//
// Partitioning supported: identity transforms of date columns (DataFile::partition_dates), the
// only partitioning tradeagg uses; an unpartitioned spec also works. Anything else is
// kInvalidArgument, as is a DataFile whose partition tuple does not match the spec.
//
// The reader accepts any v2 manifest written to the spec (PyIceberg's, Java's, ours), with
// codec null or deflate, and finds every field by its field id, not its position.
// Thread safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/data_file.h"

namespace tradeagg::lake::iceberg {

enum class ManifestEntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct ManifestEntry {
  ManifestEntryStatus status = ManifestEntryStatus::kAdded;
  // Null means "inherit from the manifest list entry" (allowed for snapshot_id always, for the
  // sequence numbers only when status is kAdded).
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;       // data sequence number
  std::optional<int64_t> file_sequence_number;
  DataFile data_file;

  bool operator==(const ManifestEntry&) const = default;
};

// The manifest's key-value metadata.
struct ManifestMetadata {
  std::string schema_json;          // the table schema (spec Appendix C), written verbatim
  int32_t schema_id = 0;
  std::string partition_spec_json;  // the spec's "fields" array only, e.g. [{"source-id":12,...}]
  int32_t partition_spec_id = 0;

  bool operator==(const ManifestMetadata&) const = default;
};

struct Manifest {
  ManifestMetadata metadata;
  std::vector<ManifestEntry> entries;
};

// The Avro bytes of a data manifest holding `entries`, in order. The caller stores them and
// records their length in the manifest list.
Result<std::string> WriteManifest(const ManifestMetadata& metadata, const std::vector<ManifestEntry>& entries);

// Parses a manifest. Sequence numbers and snapshot ids are returned as stored (null stays
// null; inheriting them is the caller's job, with the manifest list entry at hand). A missing
// "schema-id" (PyIceberg omits it) is taken from the schema JSON, else 0.
Result<Manifest> ReadManifest(std::string_view bytes);

}  // namespace tradeagg::lake::iceberg
