#include "tradeagg/lake/iceberg/orphan_files.h"

#include <set>
#include <string>

#include "tradeagg/lake/iceberg/manifest.h"
#include "tradeagg/lake/iceberg/manifest_list.h"

namespace tradeagg::lake::iceberg {

Result<size_t> RemoveOrphanFiles(ObjectStore& objects, const LoadedTable& table, std::chrono::milliseconds min_age) {
  ASSIGN_OR_RETURN(std::string table_key, objects.KeyForUri(table.metadata.location));
  std::set<std::string> referenced;
  auto reference = [&](std::string_view uri) {
    auto key = objects.KeyForUri(uri);
    if (key.ok()) referenced.insert(*key);
  };
  reference(table.metadata_location);
  for (const auto& entry : table.metadata.metadata_log) reference(entry.metadata_file);
  for (const auto& snapshot : table.metadata.snapshots) {
    reference(snapshot.manifest_list);
    ASSIGN_OR_RETURN(std::string list_key, objects.KeyForUri(snapshot.manifest_list));
    ASSIGN_OR_RETURN(std::string list_bytes, objects.Get(list_key));
    ASSIGN_OR_RETURN(ManifestList list, ReadManifestList(list_bytes));
    for (const auto& manifest_file : list.manifests) {
      ASSIGN_OR_RETURN(std::string manifest_key, objects.KeyForUri(manifest_file.manifest_path));
      if (referenced.contains(manifest_key)) continue;  // listed by an earlier snapshot too
      referenced.insert(manifest_key);
      ASSIGN_OR_RETURN(std::string manifest_bytes, objects.Get(manifest_key));
      ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(manifest_bytes));
      for (const auto& entry : manifest.entries) reference(entry.data_file.file_path);
    }
  }
  size_t removed = 0;
  const int64_t cutoff_micros = Timestamp::Now().micros() - min_age.count() * 1000;
  for (std::string_view dir : {"/data/", "/metadata/"}) {
    ASSIGN_OR_RETURN(auto listed, objects.List(table_key + std::string(dir)));
    for (const auto& object : listed) {
      const bool is_hint = object.key.ends_with("/version-hint.text");
      if (is_hint || referenced.contains(object.key)) continue;
      if (min_age.count() > 0 && object.modified.micros() > cutoff_micros) continue;
      TRY(objects.Delete(object.key));
      ++removed;
    }
  }
  return removed;
}

}  // namespace tradeagg::lake::iceberg
