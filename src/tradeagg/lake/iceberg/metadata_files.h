// Table metadata files in an ObjectStore: naming, writing, reading, and the version hint.
//
// Names follow Java and PyIceberg: "<table location>/metadata/NNNNN-<uuid>.metadata.json",
// NNNNN the version (zero-padded to 5 digits, more if needed) one above the base's, so that
// every commit attempt writes a new, never-overwritten file. The table property
// "write.metadata.path" moves the metadata directory, as in Java and PyIceberg.
//
// metadata/version-hint.text: a hint for readers that open a table directory without a
// catalog. It holds the current metadata file's name without ".metadata.json"
// ("00003-<uuid>", no newline), because that is what DuckDB's iceberg extension resolves
// with its default version_name_format ("v%s%s.metadata.json,%s%s.metadata.json": it tries
// "v<hint>.metadata.json", then "<hint>.metadata.json"), and what DuckDB's own Iceberg writer
// puts there. A bare number would point DuckDB at "v3.metadata.json", which does not exist
// under catalog-style names. Java's HadoopTables expects a number and v<N> names, so it does
// not read these tables; Java and Spark go through the SQL catalog instead.
// The hint is written after the catalog commit and is only a hint: the catalog is the truth.
// It is written atomically (ObjectStore::Put) and never moved back to an older version, but
// it lags after a crash between commit and hint, and other writers (PyIceberg) do not
// update it at all: the next tradeagg commit brings it up to date.
// Thread safety: stateless functions; concurrency is the ObjectStore's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/table_metadata.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

inline constexpr std::string_view kVersionHintFile = "version-hint.text";
inline constexpr std::string_view kMetadataFileSuffix = ".metadata.json";
inline constexpr std::string_view kWriteMetadataPathProperty = "write.metadata.path";

// "00003-<uuid>.metadata.json".
std::string MetadataFileName(int64_t version, std::string_view uuid);
// The version of a metadata file location: the digits before the first '-' of its file name
// ("00003-..." -> 3; also "v3.metadata.json" -> 3); nullopt when there is none.
std::optional<int64_t> ParseMetadataVersion(std::string_view location);
// The version a new metadata file written on top of `base_location` gets (0 for none).
int64_t NextMetadataVersion(std::optional<std::string_view> base_location);

// The store key of the table's metadata directory.
Result<std::string> MetadataDirectoryKey(const ObjectStore& store, const TableMetadata& metadata);

// Writes `metadata` as a new file of the given version; returns its absolute location.
Result<std::string> WriteMetadataFile(ObjectStore& store, const TableMetadata& metadata, int64_t version);
// Reads and parses the metadata file at an absolute location of this store.
Result<TableMetadata> ReadMetadataFile(ObjectStore& store, std::string_view location);

// Points metadata/version-hint.text (beside `metadata_location`) at `metadata_location`,
// unless the hint already names a higher version.
Status WriteVersionHint(ObjectStore& store, std::string_view metadata_location);
// What a catalog-less reader finds: the metadata location the hint of the metadata directory
// `metadata_dir_key` points at (as DuckDB resolves it). kNotFound without a hint.
Result<std::string> ResolveVersionHint(ObjectStore& store, std::string_view metadata_dir_key);

}  // namespace tradeagg::lake::iceberg
