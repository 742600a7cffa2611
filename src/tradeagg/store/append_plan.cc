#include "tradeagg/store/append_plan.h"

namespace tradeagg::store {

AppendPlan::AppendPlan(std::span<AppendRequest* const> requests, int64_t last_seq, Numbering numbering,
                       Lookup lookup)
    : requests_(requests),
      numbering_(numbering),
      lookup_(lookup),
      first_seq_(last_seq + 1),
      last_seq_(last_seq),
      request_seq_before_(last_seq) {
  request_offsets_.reserve(requests.size());
  for (AppendRequest* request : requests) {
    request_offsets_.push_back(trade_count_);
    const size_t n = request->trades.size();
    request->outcomes.assign(n, AppendOutcome::kAccepted);
    request->seqs.assign(n, 0);
    request->business_dates.assign(n, Date{});
    request->conflict_index.reset();
    for (domain::Trade& trade : request->trades) trade.seq = 0;
    trade_count_ += n;
  }
  if (numbering_ == Numbering::kPositional) last_seq_ = last_seq + static_cast<int64_t>(trade_count_);
  if (lookup_ == Lookup::kBeforeCall) taken_in_call_.reserve(trade_count_);  // no rehashing mid-call
}

void AppendPlan::BeginRequest(size_t r) {
  current_request_ = r;
  request_seq_before_ =
      numbering_ == Numbering::kDense ? last_seq_ : first_seq_ + static_cast<int64_t>(request_offsets_[r]) - 1;
  request_keys_.clear();
}

void AppendPlan::UndoRequest(size_t r) {
  AppendRequest& request = *requests_[r];
  for (const Key& key : request_keys_) taken_in_call_.erase(key);
  request_keys_.clear();
  if (numbering_ == Numbering::kDense) last_seq_ = request_seq_before_;
  for (size_t i = 0; i < request.trades.size(); ++i) {
    request.trades[i].seq = 0;
    request.seqs[i] = 0;
  }
}

AppendPlan::Decision AppendPlan::Decide(size_t r, size_t i, const domain::Trade* stored) {
  if (r != current_request_) BeginRequest(r);
  AppendRequest& request = *requests_[r];
  domain::Trade& trade = request.trades[i];
  const Key key = KeyOf(trade);

  const domain::Trade* holder = stored;
  int64_t holder_seq = stored ? stored->seq : 0;
  Date holder_date = stored ? stored->business_date : Date{};
  if (auto it = lookup_ == Lookup::kBeforeCall ? taken_in_call_.find(key) : taken_in_call_.end();
      it != taken_in_call_.end()) {
    const AppendRequest& owner = *requests_[it->second.request];
    holder = &owner.trades[it->second.index];
    holder_seq = owner.seqs[it->second.index];
    holder_date = owner.business_dates[it->second.index];
  }

  if (holder == nullptr) {
    trade.seq = numbering_ == Numbering::kDense ? ++last_seq_
                                                : first_seq_ + static_cast<int64_t>(request_offsets_[r] + i);
    request.seqs[i] = trade.seq;
    request.business_dates[i] = trade.business_date;
    if (lookup_ == Lookup::kBeforeCall) {
      taken_in_call_.emplace(key, Holder{r, i});
      request_keys_.push_back(key);
    }
    return Decision::kInsert;
  }
  if (holder->SameContentAs(trade)) {
    request.outcomes[i] = AppendOutcome::kDuplicate;
    request.seqs[i] = holder_seq;
    request.business_dates[i] = holder_date;
    return Decision::kDuplicate;
  }
  request.outcomes[i] = AppendOutcome::kConflict;
  request.conflict_index = i;
  UndoRequest(r);
  return Decision::kConflict;
}

std::vector<const domain::Trade*> AppendPlan::DecideAll(const StoredLookup& stored) {
  std::vector<const domain::Trade*> inserts;
  inserts.reserve(trade_count_);
  for (size_t r = 0; r < requests_.size(); ++r) {
    const size_t first_insert = inserts.size();
    AppendRequest& request = *requests_[r];
    for (size_t i = 0; i < request.trades.size(); ++i) {
      const Decision decision = Decide(r, i, stored(request.trades[i]));
      if (decision == Decision::kInsert) inserts.push_back(&request.trades[i]);
      if (decision == Decision::kConflict) {
        inserts.resize(first_insert);
        break;
      }
    }
  }
  return inserts;
}

}  // namespace tradeagg::store
