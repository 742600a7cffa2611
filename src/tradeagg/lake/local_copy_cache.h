// LocalCopyCache: local copies of a remote store's objects, for engines that open lake files by
// path (DuckDB without httpfs). The lake's data and manifest files are written once and never
// changed (a new write is a new name), so a copy is never stale: each is downloaded once, then
// served from disk. While the copies exceed `max_bytes`, the least recently used are deleted,
// but never one used in the last `keep_recent` (a query opens its files after asking for them;
// the bound is then exceeded for a while rather than a file pulled from under a query).
// Copies are written whole (a temporary file renamed into place), so two processes sharing the
// directory (the server and a CLI command) never see a partial one. At construction the
// copies already in the directory are counted, so the bound holds across restarts.
// Thread safety: all methods may be called concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"

namespace tradeagg::lake {

class LocalCopyCache {
 public:
  using Download = std::function<Result<std::string>()>;

  LocalCopyCache(std::filesystem::path dir, uint64_t max_bytes,
                 std::chrono::seconds keep_recent = std::chrono::seconds(600));

  // The local path of `key`'s copy, downloaded with `download` when there is none.
  Result<std::filesystem::path> Copy(std::string_view key, const Download& download);

  uint64_t bytes() const;

 private:
  struct Entry {
    uint64_t size = 0;
    std::chrono::steady_clock::time_point used;
  };
  void CountExisting();
  void EvictLocked();  // while over the bound, the least recently used not in use

  const std::filesystem::path dir_;
  const uint64_t max_bytes_;
  const std::chrono::seconds keep_recent_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // guarded; by key
  uint64_t bytes_ = 0;                    // guarded
};

}  // namespace tradeagg::lake
