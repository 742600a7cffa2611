// LocalObjectStore: an ObjectStore rooted at a directory of the local file system.
//
// Key "a/b/c" is the file <root>/a/b/c; its URI is "file://<root>/a/b/c" with <root> the
// absolute, symlink-free path of the root directory.
// Put writes a temporary file beside the target (".tradeagg-tmp-<pid>-<n>-<name>"), fsyncs it,
// renames it over the target and fsyncs the directory; directories it creates are fsynced into
// their parents. So an object is either absent or complete, and durable once Put returns.
// Temporary files are never listed; a crash can leave them behind, and
// RemoveTemporaryFiles() deletes old ones. Key segments starting with ".tradeagg-tmp-" are
// reserved and rejected.
// Delete does not fsync the directory: a deletion lost in a crash only brings back a file that
// was already unreferenced, which the next orphan clean-up deletes again.
// Thread safety: all methods may be called concurrently (they share no mutable state).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake {

class LocalObjectStore final : public ObjectStore {
 public:
  // Creates `root` (and missing parents) if needed. The root path must not contain characters
  // that need escaping in a URI ('?', '#', '%', '\\', control characters).
  static Result<std::unique_ptr<LocalObjectStore>> Open(const std::filesystem::path& root);

  Status Put(std::string_view key, std::string_view bytes) override;
  // Fsyncs `path` and renames it into place when it is on the root's file system (no copy);
  // otherwise falls back to Put.
  Status PutFile(std::string_view key, const std::filesystem::path& path) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;
  Result<bool> Exists(std::string_view key) override;
  std::string Uri(std::string_view key) const override;
  Result<std::string> KeyForUri(std::string_view uri) const override;
  Result<std::filesystem::path> LocalCopy(std::string_view key) override;  // the file itself

  // Deletes temporary files left by interrupted Puts whose last change is older than
  // `older_than` (so that Puts in flight are not disturbed). Returns how many were deleted.
  Result<int> RemoveTemporaryFiles(std::chrono::seconds older_than);

  const std::filesystem::path& root() const { return root_; }

 private:
  explicit LocalObjectStore(std::filesystem::path root);
  Status CheckKey(std::string_view key) const;
  // Creates the directories between the root and `dir`, fsyncing each new one into its parent.
  Status MakeDirectories(const std::filesystem::path& dir) const;

  std::filesystem::path root_;  // absolute, canonical
  std::string root_string_;     // root_ without a trailing '/'; "" for "/"
};

}  // namespace tradeagg::lake
