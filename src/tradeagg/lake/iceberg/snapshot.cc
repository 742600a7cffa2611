#include "tradeagg/lake/iceberg/snapshot.h"

#include <charconv>

namespace tradeagg::lake::iceberg {

std::optional<int64_t> Snapshot::SummaryInt(std::string_view key) const {
  auto it = summary.find(key);
  if (it == summary.end()) return std::nullopt;
  const std::string& text = it->second;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace tradeagg::lake::iceberg
