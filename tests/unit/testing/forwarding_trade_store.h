// ForwardingTradeStore: a TradeStore that forwards every call to another one, keeping alive
// whatever that one needs (`keep_alive`: the store itself, its client). For the contract suites,
// whose Backend::Open() hands out a fresh unique_ptr<TradeStore> per (re)open.
#pragma once

#include <memory>
#include <utility>

#include "tradeagg/store/trade_store.h"

namespace tradeagg::testing {

class ForwardingTradeStore final : public store::TradeStore {
 public:
  explicit ForwardingTradeStore(store::TradeStore& target, std::shared_ptr<void> keep_alive = nullptr)
      : keep_alive_(std::move(keep_alive)), target_(target) {}

  Status Append(std::span<store::AppendRequest* const> requests) override { return target_.Append(requests); }
  Result<std::optional<domain::Trade>> FindTrade(std::string_view participant, std::string_view trade_id) override {
    return target_.FindTrade(participant, trade_id);
  }
  Result<store::TradePage> ListTrades(const store::TradeQuery& query) override { return target_.ListTrades(query); }
  Status ScanTrades(int64_t after_seq, size_t limit, const std::function<void(const domain::Trade&)>& visit) override {
    return target_.ScanTrades(after_seq, limit, visit);
  }
  Result<int64_t> LastSeq() override { return target_.LastSeq(); }
  Result<int64_t> CountTrades(int64_t after_seq, int64_t through_seq) override {
    return target_.CountTrades(after_seq, through_seq);
  }
  Result<store::DateTradeCount> DateTotals(Date business_date) override { return target_.DateTotals(business_date); }

 private:
  std::shared_ptr<void> keep_alive_;
  store::TradeStore& target_;
};

}  // namespace tradeagg::testing
