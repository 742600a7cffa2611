#include "tradeagg/domain/aggregation_run.h"

#include <array>
#include <utility>

namespace tradeagg::domain {

namespace {

// One table per enum: the names, in enum order, shared by the printer and the parser.
constexpr std::array kRunKindNames = {"intraday", "eod"};
constexpr std::array kRunStatusNames = {"queued", "running", "succeeded", "failed"};
constexpr std::array kReconciliationNames = {"pending", "matched", "differences"};

template <typename Enum, size_t N>
std::optional<Enum> ParseName(const std::array<const char*, N>& names, std::string_view text) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

const char* RunKindName(RunKind kind) { return kRunKindNames[static_cast<size_t>(kind)]; }
std::optional<RunKind> ParseRunKind(std::string_view text) { return ParseName<RunKind>(kRunKindNames, text); }

const char* RunStatusName(RunStatus status) { return kRunStatusNames[static_cast<size_t>(status)]; }
std::optional<RunStatus> ParseRunStatus(std::string_view text) {
  return ParseName<RunStatus>(kRunStatusNames, text);
}

const char* ReconciliationStatusName(ReconciliationStatus status) {
  return kReconciliationNames[static_cast<size_t>(status)];
}
std::optional<ReconciliationStatus> ParseReconciliationStatus(std::string_view text) {
  return ParseName<ReconciliationStatus>(kReconciliationNames, text);
}

}  // namespace tradeagg::domain
