// MergeAppend: prepares a snapshot that adds data files to a table, the way Iceberg's merge
// append does (Java's MergeAppend, `commit.manifest-merge.enabled`), ready for CommitMetadata.
//
// Prepare() writes one manifest for the new files and a manifest list holding it and the
// parent snapshot's manifests, then returns the new metadata (AppendSnapshot, then snapshot
// expiry; see snapshot_expiry.h). Without merging, every append would add a manifest for good:
// a day of exports every two seconds would make manifest lists of tens of thousands of
// entries, and every scan would open each manifest. So when the list would hold at least
// `commit.manifest.min-count-to-merge` manifests (default 100), the manifests smaller than
// `commit.manifest.target-size-bytes` (default 8 MiB) are rewritten into as few manifests of
// about that size as they fill: their live entries keep their snapshot ids and sequence
// numbers and become EXISTING (the spec's rule for carried-over entries); DELETED entries are
// dropped. Manifests of other partition specs and delete manifests are kept as they are.
//
// Nothing here touches the catalog: the caller commits `updated` on top of the base, with the
// clean-up contract of snapshot_producer.h (or lets CommitSnapshot do it all).
// Thread safety: one MergeAppend per thread; the ObjectStore is used as it allows.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/data_file.h"
#include "tradeagg/lake/iceberg/manifest.h"
#include "tradeagg/lake/iceberg/manifest_list.h"
#include "tradeagg/lake/iceberg/snapshot_producer.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

inline constexpr std::string_view kManifestMergeEnabledProperty = "commit.manifest-merge.enabled";
inline constexpr std::string_view kManifestMinCountToMergeProperty = "commit.manifest.min-count-to-merge";
inline constexpr std::string_view kManifestTargetSizeProperty = "commit.manifest.target-size-bytes";
inline constexpr int64_t kDefaultManifestMinCountToMerge = 100;
inline constexpr int64_t kDefaultManifestTargetSizeBytes = 8 * 1024 * 1024;

// Snapshot summary entries a merging commit adds (as Java names them).
namespace summary {
inline constexpr std::string_view kManifestsCreated = "manifests-created";
inline constexpr std::string_view kManifestsKept = "manifests-kept";
inline constexpr std::string_view kManifestsReplaced = "manifests-replaced";
}  // namespace summary

using PreparedAppend = PreparedSnapshot;

class MergeAppend {
 public:
  // `base` is the table as loaded from the catalog; both are borrowed for the call's lifetime.
  MergeAppend(ObjectStore& objects, const LoadedTable& base);

  void AddFile(DataFile file);
  // A tradeagg summary entry ("tradeagg.watermark"); may not replace a standard one.
  void SetSummary(std::string key, std::string value);

  // Writes the manifests and the manifest list and builds the new metadata. On failure what
  // was written is deleted again. kInvalidArgument with no file added.
  Result<PreparedAppend> Prepare(int64_t now_ms);

 private:
  // Prepare's steps; on failure Prepare deletes what they wrote.
  Status Build(int64_t now_ms, PreparedAppend& prepared);
  Result<std::vector<ManifestFile>> MergeSmallManifests(std::vector<ManifestFile> manifests, PreparedAppend& prepared);

  ObjectStore& objects_;
  const LoadedTable& base_;
  std::vector<DataFile> files_;
  std::map<std::string, std::string, std::less<>> extra_summary_;
};

}  // namespace tradeagg::lake::iceberg
