#include "tradeagg/api/trade_submission.h"

#include <algorithm>
#include <span>

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
  // Errors in trade order: a trade's JSON type errors (the parser reports them in item order),
  // then the validator's for the fields not already reported (it saw a mistyped field as
  // absent). Each trade is compared with its own type errors only, so this is linear.
  size_t next_type_error = 0;
  auto add = [&](IndexedFieldError error) {
    ++outcome.error_count;
    if (outcome.errors.size() < kMaxListedFieldErrors) outcome.errors.push_back(std::move(error));
  };
  for (size_t i = 0; i < drafts.size(); ++i) {
    const size_t first_type_error = next_type_error;
    while (next_type_error < type_errors.size() && type_errors[next_type_error].index == i) ++next_type_error;
    const std::span<IndexedFieldError> typed(type_errors.data() + first_type_error, next_type_error - first_type_error);
    auto result = context.validator.Validate(drafts[i], received_at);
    auto* field_errors = std::get_if<std::vector<domain::FieldError>>(&result);
    if (field_errors == nullptr && typed.empty()) {
      if (outcome.error_count == 0) request.trades.push_back(std::get<domain::Trade>(std::move(result)));
      continue;
    }
    ++outcome.invalid_trades;
    std::vector<domain::FieldError> fresh;
    if (field_errors != nullptr) {
      for (domain::FieldError& e : *field_errors) {
        const bool reported = std::any_of(typed.begin(), typed.end(), [&](const auto& t) { return t.field == e.field; });
        if (!reported) fresh.push_back(std::move(e));
      }
    }
    for (IndexedFieldError& t : typed) add(std::move(t));
    for (domain::FieldError& e : fresh) add({i, std::move(e.field), std::move(e.message)});
  }
  if (outcome.error_count > 0) {
    outcome.kind = SubmissionOutcome::Kind::kInvalid;
    if (context.rejected_trades != nullptr) context.rejected_trades->Increment(static_cast<int64_t>(outcome.invalid_trades));
    return done(std::move(outcome));
  }
  context.pipeline.Submit(std::move(request), [done = std::move(done)](const Status& status,
                                                                         store::AppendRequest& committed) {
    SubmissionOutcome result;
    if (!status.ok()) {
      // The cause (a host, a driver's words) is in the server's log, not in the answer.
      result.kind = SubmissionOutcome::Kind::kUnavailable;
      result.detail = status.code() == StatusCode::kStateUnknown ? "the trade store did not confirm the commit"
                                                                  : "the trade store is unavailable";
      result.retry_after_seconds = std::max<int64_t>(1, status.retry_after_seconds());
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
