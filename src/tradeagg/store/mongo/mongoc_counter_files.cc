#include "tradeagg/store/mongo/mongoc_counter_files.h"

#include <charconv>
#include <filesystem>
#include <string>
#include <system_error>

namespace tradeagg::store {

namespace {

constexpr std::string_view kPrefix = "mongoc-";

bool ProcessExists(std::string_view pid) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path("/proc") / std::string(pid), ec) || ec;
}

bool IsPid(std::string_view text) {
  int pid = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
  return error == std::errc() && end == text.data() + text.size() && pid > 0;
}

}  // namespace

int RemoveStaleMongocCounterFiles() {
  std::error_code ec;
  int removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix)) continue;
    const std::string_view pid = std::string_view(name).substr(kPrefix.size());
    if (!IsPid(pid) || ProcessExists(pid)) continue;
    std::error_code remove_ec;
    if (std::filesystem::remove(entry.path(), remove_ec)) ++removed;
  }
  return removed;
}

}  // namespace tradeagg::store
