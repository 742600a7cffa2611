#include "tradeagg/lake/local_copy_cache.h"

#include <unistd.h>

#include <atomic>
#include <fstream>

namespace tradeagg::lake {

namespace {

constexpr std::string_view kTemporaryPrefix = ".copy-tmp-";

}  // namespace

LocalCopyCache::LocalCopyCache(std::filesystem::path dir, uint64_t max_bytes, std::chrono::seconds keep_recent)
    : dir_(std::move(dir)), max_bytes_(max_bytes), keep_recent_(keep_recent) {
  CountExisting();
}

void LocalCopyCache::CountExisting() {
  std::error_code error;
  if (!std::filesystem::is_directory(dir_, error)) return;
  // Old copies count as used long ago: they go first when the bound is reached.
  const auto long_ago = std::chrono::steady_clock::now() - keep_recent_ - std::chrono::hours(1);
  for (auto it = std::filesystem::recursive_directory_iterator(dir_, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    const std::string name = it->path().filename().string();
    if (name.starts_with(kTemporaryPrefix)) {
      std::filesystem::remove(it->path(), error);  // an interrupted download
      continue;
    }
    const std::string key = std::filesystem::relative(it->path(), dir_, error).generic_string();
    const uint64_t size = it->file_size(error);
    entries_[key] = Entry{size, long_ago};
    bytes_ += size;
  }
}

Result<std::filesystem::path> LocalCopyCache::Copy(std::string_view key, const Download& download) {
  const std::filesystem::path path = dir_ / std::string(key);
  {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(std::string(key));
    std::error_code error;
    if (found != entries_.end() && std::filesystem::exists(path, error)) {
      found->second.used = std::chrono::steady_clock::now();
      return path;
    }
  }
  ASSIGN_OR_RETURN(std::string bytes, download());
  static std::atomic<uint64_t> next{0};
  const std::filesystem::path temporary =
      path.parent_path() / (std::string(kTemporaryPrefix) + std::to_string(getpid()) + "-" + std::to_string(next++));
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.good()) {
      std::filesystem::remove(temporary, error);
      return Status::Unavailable("cannot write a local copy of " + std::string(key) + " in " + dir_.string());
    }
  }
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    return Status::Unavailable("cannot place the local copy of " + std::string(key) + ": " + error.message());
  }
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[std::string(key)];
  bytes_ = bytes_ - entry.size + bytes.size();
  entry = Entry{bytes.size(), std::chrono::steady_clock::now()};
  EvictLocked();
  return path;
}

void LocalCopyCache::EvictLocked() {
  const auto recent = std::chrono::steady_clock::now() - keep_recent_;
  while (bytes_ > max_bytes_) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.used < recent && (oldest == entries_.end() || it->second.used < oldest->second.used)) oldest = it;
    }
    if (oldest == entries_.end()) return;  // everything is in use: over the bound for a while
    std::error_code error;
    std::filesystem::remove(dir_ / oldest->first, error);
    bytes_ -= oldest->second.size;
    entries_.erase(oldest);
  }
}

uint64_t LocalCopyCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace tradeagg::lake
