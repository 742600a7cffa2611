#include "tradeagg/lake/iceberg/catalog.h"

namespace tradeagg::lake::iceberg {

Result<TableIdentifier> TableIdentifier::Parse(std::string_view text) {
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) {
    return Status::InvalidArgument("table identifier '" + std::string(text) + "': expected namespace.table");
  }
  return TableIdentifier{std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
}

const char* CommitOutcomeName(CommitOutcome outcome) {
  switch (outcome) {
    case CommitOutcome::kCommitted: return "committed";
    case CommitOutcome::kFailed: return "failed";
    case CommitOutcome::kStateUnknown: return "state unknown";
  }
  return "?";
}

std::string CommitResult::ToString() const {
  std::string text = CommitOutcomeName(outcome);
  if (!status.ok()) text += ": " + status.ToString();
  return text;
}

}  // namespace tradeagg::lake::iceberg
