// InMemoryTradeStore: a TradeStore in a vector, for unit tests of the code that uses the role
// (ingest/, api/, agg/). It runs the same AppendPlan as the real stores, so its idempotency is
// theirs (tests/unit/store/trade_store_contract_test.cc holds it to the same rules as the real
// stores), and can be told to fail the next appends like an unreachable store.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tradeagg/store/append_plan.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::testing {

class InMemoryTradeStore final : public store::TradeStore {
 public:
  Status Append(std::span<store::AppendRequest* const> requests) override {
    std::lock_guard lock(mutex_);
    store::AppendPlan plan(requests, last_seq_);
    if (!append_failure_.ok()) {
      Status failure = append_failure_;
      for (store::AppendRequest* request : requests) {
        for (domain::Trade& trade : request->trades) trade.seq = 0;
      }
      return failure;
    }
    std::vector<const domain::Trade*> inserts = plan.DecideAll([this](const domain::Trade& t) -> const domain::Trade* {
      auto it = by_key_.find(Key(t));
      return it == by_key_.end() ? nullptr : &trades_[it->second];
    });
    for (const domain::Trade* trade : inserts) {
      by_key_.emplace(Key(*trade), trades_.size());
      trades_.push_back(*trade);
      trades_.back().trade_time_defaulted = false;  // not stored
    }
    last_seq_ = plan.last_seq();
    return Status::Ok();
  }

  Result<std::optional<domain::Trade>> FindTrade(std::string_view participant, std::string_view trade_id) override {
    std::lock_guard lock(mutex_);
    auto it = by_key_.find(Key(participant, trade_id));
    if (it == by_key_.end()) return std::optional<domain::Trade>();
    return std::optional<domain::Trade>(trades_[it->second]);
  }

  Result<store::TradePage> ListTrades(const store::TradeQuery& query) override {
    if (query.limit == 0) return Status::InvalidArgument("limit must be at least 1");
    std::lock_guard lock(mutex_);
    store::TradePage page;
    for (const domain::Trade& t : trades_) {
      if (t.seq <= query.after_seq) continue;
      if (query.participant && t.participant != *query.participant) continue;
      if (query.business_date && t.business_date != *query.business_date) continue;
      if (query.instrument && t.instrument != *query.instrument) continue;
      if (page.trades.size() == query.limit) {
        page.next_after_seq = page.trades.back().seq;
        break;
      }
      page.trades.push_back(t);
    }
    return page;
  }

  Status ScanTrades(int64_t after_seq, size_t limit, const std::function<void(const domain::Trade&)>& visit) override {
    std::vector<domain::Trade> copy;
    {
      std::lock_guard lock(mutex_);
      TRY(read_failure_);
      for (const domain::Trade& t : trades_) {
        if (t.seq > after_seq && (limit == 0 || copy.size() < limit)) copy.push_back(t);
      }
    }
    for (const domain::Trade& t : copy) visit(t);  // unlocked: visit may call the store
    return Status::Ok();
  }

  Result<int64_t> LastSeq() override {
    std::lock_guard lock(mutex_);
    TRY(read_failure_);
    return trades_.empty() ? int64_t{0} : trades_.back().seq;
  }

  Result<int64_t> CountTrades(int64_t after_seq, int64_t through_seq) override {
    std::lock_guard lock(mutex_);
    return static_cast<int64_t>(std::count_if(trades_.begin(), trades_.end(), [&](const domain::Trade& t) {
      return t.seq > after_seq && t.seq <= through_seq;
    }));
  }

  Result<store::DateTradeCount> DateTotals(Date business_date) override {
    std::lock_guard lock(mutex_);
    store::DateTradeCount totals;
    for (const domain::Trade& t : trades_) {
      if (t.business_date != business_date) continue;
      ++totals.trades;
      totals.last_seq = std::max(totals.last_seq, t.seq);
    }
    return totals;
  }

  // Every later Append fails with `status` and stores nothing (Ok() to heal).
  void FailAppendsWith(Status status) {
    std::lock_guard lock(mutex_);
    append_failure_ = std::move(status);
  }

  // Every later ScanTrades and LastSeq fails with `status` (Ok() to heal).
  void FailReadsWith(Status status) {
    std::lock_guard lock(mutex_);
    read_failure_ = std::move(status);
  }

 private:
  static std::string Key(std::string_view participant, std::string_view trade_id) {
    return std::string(participant) + '\0' + std::string(trade_id);
  }
  static std::string Key(const domain::Trade& t) { return Key(t.participant, t.trade_id); }

  std::mutex mutex_;
  std::vector<domain::Trade> trades_;  // in seq order
  std::map<std::string, size_t, std::less<>> by_key_;
  int64_t last_seq_ = 0;
  Status append_failure_ = Status::Ok();
  Status read_failure_ = Status::Ok();
};

}  // namespace tradeagg::testing
