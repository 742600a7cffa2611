#include "tradeagg/api/trade_submission.h"

#include <algorithm>

namespace tradeagg::api {

namespace {

// Fills or checks each draft's participant for the caller. Returns the 403 detail, if any.
std::optional<std::string> AuthorizeSubmission(const auth::Principal& principal,
                                               std::vector<domain::TradeDraft>& drafts) {
  if (principal.role == auth::Role::kRisk) return "risk users read trades but do not submit them";
  if (principal.role == auth::Role::kAdmin) return std::nullopt;
  for (size_t i = 0; i < drafts.size(); ++i) {
    auto& participant = drafts[i].participant;
    if (!participant) {
      participant = principal.participant;
    } else if (*participant != principal.participant) {
      return "trade " + std::to_string(i) + " is for participant '" + *participant + "'; member '" +
             principal.username + "' may submit only for '" + principal.participant + "'";
    }
  }
  return std::nullopt;
}

}  // namespace

void SubmitTrades(ApiContext& context, const auth::Principal& principal, std::vector<domain::TradeDraft> drafts,
                  std::vector<IndexedFieldError> type_errors, std::function<void(SubmissionOutcome)> done) {
  SubmissionOutcome outcome;
  if (auto forbidden = AuthorizeSubmission(principal, drafts)) {
    outcome.kind = SubmissionOutcome::Kind::kForbidden;
    outcome.detail = std::move(*forbidden);
    return done(std::move(outcome));
  }
  Timestamp received_at = Timestamp::Now();
  store::AppendRequest request;
  request.trades.reserve(drafts.size());
  outcome.errors = std::move(type_errors);
  for (size_t i = 0; i < drafts.size(); ++i) {
    auto result = context.validator.Validate(drafts[i], received_at);
    if (auto* trade = std::get_if<domain::Trade>(&result)) {
      request.trades.push_back(std::move(*trade));
    } else {
      for (auto& e : std::get<std::vector<domain::FieldError>>(result)) {
        // A field of the wrong JSON type was already reported; the validator saw it as absent.
        bool reported = std::any_of(outcome.errors.begin(), outcome.errors.end(), [&](const IndexedFieldError& t) {
          return t.index == i && t.field == e.field;
        });
        if (!reported) outcome.errors.push_back({i, std::move(e.field), std::move(e.message)});
      }
    }
  }
  if (!outcome.errors.empty()) {
    std::stable_sort(outcome.errors.begin(), outcome.errors.end(),
                     [](const IndexedFieldError& a, const IndexedFieldError& b) { return a.index < b.index; });
    outcome.kind = SubmissionOutcome::Kind::kInvalid;
    return done(std::move(outcome));
  }
  context.pipeline.Submit(std::move(request), [done = std::move(done)](const Status& status,
                                                                         store::AppendRequest& committed) {
    SubmissionOutcome result;
    if (!status.ok()) {
      result.kind = SubmissionOutcome::Kind::kUnavailable;
      result.detail = status.message();
    } else if (committed.conflict_index) {
      size_t i = *committed.conflict_index;
      const auto& trade = committed.trades[i];
      result.kind = SubmissionOutcome::Kind::kConflict;
      result.errors.push_back({i, "trade_id",
                               "participant '" + trade.participant + "' already has trade '" + trade.trade_id +
                                   "' with different content"});
    } else {
      result.request = std::move(committed);
    }
    done(std::move(result));
  });
}

}  // namespace tradeagg::api
