#include "tradeagg/lake/iceberg/metadata_files.h"

#include <charconv>
#include <cstdio>

#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/table_metadata_json.h"

namespace tradeagg::lake::iceberg {

namespace {

std::string_view FileNameOf(std::string_view location) {
  size_t slash = location.rfind('/');
  return slash == std::string_view::npos ? location : location.substr(slash + 1);
}

std::string_view DirectoryOf(std::string_view location) {
  size_t slash = location.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : location.substr(0, slash);
}

}  // namespace

std::string MetadataFileName(int64_t version, std::string_view uuid) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%05lld", static_cast<long long>(version));
  std::string name = digits;
  name += '-';
  name += uuid;
  name += kMetadataFileSuffix;
  return name;
}

std::optional<int64_t> ParseMetadataVersion(std::string_view location) {
  std::string_view name = FileNameOf(location);
  if (!name.ends_with(kMetadataFileSuffix)) return std::nullopt;
  name.remove_suffix(kMetadataFileSuffix.size());
  if (name.starts_with('v')) {
    name.remove_prefix(1);  // Hadoop tables: "v3.metadata.json"
  } else {
    size_t dash = name.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    name = name.substr(0, dash);
  }
  int64_t version = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
  if (name.empty() || ec != std::errc() || end != name.data() + name.size() || version < 0) return std::nullopt;
  return version;
}

int64_t NextMetadataVersion(std::optional<std::string_view> base_location) {
  if (!base_location) return 0;
  std::optional<int64_t> base = ParseMetadataVersion(*base_location);
  // A base named some other way still gets a fresh file; 1 keeps 0 for creation.
  return base ? *base + 1 : 1;
}

Result<std::string> MetadataDirectoryKey(const ObjectStore& store, const TableMetadata& metadata) {
  auto custom = metadata.properties.find(kWriteMetadataPathProperty);
  if (custom != metadata.properties.end()) {
    std::string_view path = custom->second;
    while (path.ends_with('/')) path.remove_suffix(1);
    return store.KeyForUri(path);
  }
  ASSIGN_OR_RETURN(std::string table_key, store.KeyForUri(metadata.location));
  return table_key + "/metadata";
}

Result<std::string> WriteMetadataFile(ObjectStore& store, const TableMetadata& metadata, int64_t version) {
  ASSIGN_OR_RETURN(std::string dir, MetadataDirectoryKey(store, metadata));
  const std::string key = dir + "/" + MetadataFileName(version, NewUuid());
  TRY(store.Put(key, TableMetadataToJson(metadata)));
  return store.Uri(key);
}

Result<TableMetadata> ReadMetadataFile(ObjectStore& store, std::string_view location) {
  ASSIGN_OR_RETURN(std::string key, store.KeyForUri(location));
  ASSIGN_OR_RETURN(std::string text, store.Get(key));
  Result<TableMetadata> metadata = ParseTableMetadataJson(text);
  if (!metadata.ok()) {
    return Status(metadata.status().code(), std::string(location) + ": " + metadata.status().message());
  }
  return metadata;
}

Status WriteVersionHint(ObjectStore& store, std::string_view metadata_location) {
  std::string_view name = FileNameOf(metadata_location);
  if (!name.ends_with(kMetadataFileSuffix)) {
    return Status::InvalidArgument("not a metadata file location: " + std::string(metadata_location));
  }
  name.remove_suffix(kMetadataFileSuffix.size());
  ASSIGN_OR_RETURN(std::string dir, store.KeyForUri(DirectoryOf(metadata_location)));
  const std::string hint_key = dir + "/" + std::string(kVersionHintFile);

  // Writers that commit one after the other can finish their hints in the other order; a hint
  // never goes back to a lower version. (Two writers racing here can still leave the lower
  // one: the hint is a hint, the catalog decides.)
  Result<std::string> current = store.Get(hint_key);
  if (current.ok()) {
    std::optional<int64_t> current_version = ParseMetadataVersion(*current + std::string(kMetadataFileSuffix));
    std::optional<int64_t> new_version = ParseMetadataVersion(metadata_location);
    if (current_version && new_version && *current_version > *new_version) return Status::Ok();
  } else if (current.status().code() != StatusCode::kNotFound) {
    return current.status();
  }
  return store.Put(hint_key, name);
}

Result<std::string> ResolveVersionHint(ObjectStore& store, std::string_view metadata_dir_key) {
  const std::string dir(metadata_dir_key);
  ASSIGN_OR_RETURN(std::string hint, store.Get(dir + "/" + std::string(kVersionHintFile)));
  for (const std::string& name : {"v" + hint + std::string(kMetadataFileSuffix), hint + std::string(kMetadataFileSuffix)}) {
    const std::string key = dir + "/" + name;
    if (!ValidateObjectKey(key).ok()) continue;
    ASSIGN_OR_RETURN(bool exists, store.Exists(key));
    if (exists) return store.Uri(key);
  }
  return Status::NotFound("version hint '" + hint + "' in " + dir + " names no metadata file");
}

}  // namespace tradeagg::lake::iceberg
