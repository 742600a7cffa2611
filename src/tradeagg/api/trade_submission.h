// TradeSubmission: the one path from parsed drafts to acknowledged trades, shared by
// POST /v1/trades and the proof of concept's POST /submit_trade.
//
// Authorises each trade's participant (members: their own, filled in when omitted; admins: any;
// risk: none), validates every draft (all errors at once), and hands the valid request to the
// group-commit pipeline. The callback runs once, on the pipeline's writer thread or inline.
#pragma once

#include <functional>
#include <vector>

#include "tradeagg/api/api_context.h"
#include "tradeagg/api/field_errors.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::api {

// The most field errors one answer lists; the rest are counted. A batch of 10,000 trades with
// seven bad fields each would otherwise answer (and build) 70,000 errors.
inline constexpr size_t kMaxListedFieldErrors = 100;

struct SubmissionOutcome {
  enum class Kind { kCommitted, kForbidden, kInvalid, kConflict, kUnavailable };
  Kind kind = Kind::kCommitted;
  std::string detail;                       // for kForbidden / kUnavailable
  int64_t retry_after_seconds = 0;          // for kUnavailable: the Retry-After to answer with
  std::vector<IndexedFieldError> errors;    // for kInvalid (the first kMaxListedFieldErrors, by trade) / kConflict
  size_t error_count = 0;                   // for kInvalid: every error found
  size_t invalid_trades = 0;                // for kInvalid: the trades with at least one
  store::AppendRequest request;             // for kCommitted: trades, outcomes, seqs
};

void SubmitTrades(ApiContext& context, const auth::Principal& principal, std::vector<domain::TradeDraft> drafts,
                  std::vector<IndexedFieldError> type_errors, std::function<void(SubmissionOutcome)> done);

}  // namespace tradeagg::api
