// ManifestList: writes and reads Iceberg v2 manifest lists (spec "Manifest Lists"), the Avro
// file a snapshot points at, one "manifest_file" record per manifest.
//
// The writer emits the v2 manifest_file schema with a "field-id" on every field (as PyIceberg
// 0.12 and Java do: "r508" field summaries, optional fields as ["null", T] with default null),
// key-value metadata snapshot-id, parent-snapshot-id ("null" when none), sequence-number and
// format-version "2", codec "null". key_metadata is always written null (no encryption).
// The reader accepts v2 lists from any writer (codec null or deflate) and finds fields by id.
//
// Helpers compute what a manifest list entry says about a manifest: SummarizePartitions gives
// the per-field summaries (identity(date) fields: 4-byte little-endian bounds, as Appendix D
// says for date), DescribeManifest the counts and sequence numbers.
// Thread safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/data_file.h"
#include "tradeagg/lake/iceberg/manifest.h"

namespace tradeagg::lake::iceberg {

enum class ManifestContent : int32_t { kData = 0, kDeletes = 1 };

// What one partition field takes across a manifest's files.
struct FieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;  // single-value binary (Appendix D); null if no values
  std::optional<std::string> upper_bound;

  bool operator==(const FieldSummary&) const = default;
};

// One manifest list entry ("manifest_file" struct, field ids 500-519).
struct ManifestFile {
  std::string manifest_path;  // absolute location
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;
  ManifestContent content = ManifestContent::kData;
  int64_t sequence_number = 0;      // of the snapshot that added the manifest
  int64_t min_sequence_number = 0;  // least data sequence number of its live files
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::vector<FieldSummary> partitions;  // one per partition field, in spec order

  bool operator==(const ManifestFile&) const = default;
};

struct ManifestListMetadata {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;

  bool operator==(const ManifestListMetadata&) const = default;
};

struct ManifestList {
  ManifestListMetadata metadata;
  std::vector<ManifestFile> manifests;
};

// The Avro bytes of a manifest list holding `manifests`, in order.
Result<std::string> WriteManifestList(const ManifestListMetadata& metadata, const std::vector<ManifestFile>& manifests);

// Parses a manifest list (format-version 2).
Result<ManifestList> ReadManifestList(std::string_view bytes);

// Summaries of `partition_field_count` identity(date) partition fields over `files`: never
// null, no NaN (contains_nan false), bounds the least and greatest day as 4-byte little-endian
// ints; both bounds null when there are no files.
std::vector<FieldSummary> SummarizePartitions(const std::vector<DataFile>& files, size_t partition_field_count);

// The manifest list entry for a manifest just written with `entries`, added by snapshot
// `snapshot_id` whose sequence number is `sequence_number`: counts by status, partition
// summaries, and min_sequence_number over live (added or existing) entries, a null (inherited)
// sequence number counting as `sequence_number`.
ManifestFile DescribeManifest(std::string manifest_path, int64_t manifest_length, int32_t partition_spec_id,
                              int64_t snapshot_id, int64_t sequence_number, const std::vector<ManifestEntry>& entries,
                              size_t partition_field_count);

}  // namespace tradeagg::lake::iceberg
