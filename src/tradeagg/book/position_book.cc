#include "tradeagg/book/position_book.h"

#include <mutex>

namespace tradeagg::book {

void PositionBook::Apply(const domain::Trade& trade) {
  std::unique_lock lock(mutex_);
  if (trade.seq <= watermark_) return;
  by_date_[trade.business_date.days()][Key{trade.participant, trade.instrument, trade.currency}].Add(trade);
  watermark_ = trade.seq;
}

int64_t PositionBook::watermark() const {
  std::shared_lock lock(mutex_);
  return watermark_;
}

PositionSnapshot PositionBook::Query(const PositionQuery& query) const {
  PositionSnapshot snapshot;
  std::map<std::pair<std::string, std::string>, domain::ExposureTotals> totals;
  {
    std::shared_lock lock(mutex_);
    snapshot.watermark = watermark_;
    auto day = by_date_.find(query.business_date.days());
    if (day != by_date_.end()) {
      auto it = query.participant ? day->second.lower_bound(Key{*query.participant, "", ""})
                                  : day->second.begin();
      for (; it != day->second.end(); ++it) {
        const auto& [participant, instrument, currency] = it->first;
        if (query.participant && participant != *query.participant) break;
        if (query.instrument && instrument != *query.instrument) continue;
        snapshot.positions.push_back({query.business_date, participant, instrument, currency, it->second});
      }
    }
  }
  for (const Position& p : snapshot.positions) totals[{p.participant, p.currency}].Merge(p.totals);
  for (auto& [key, value] : totals) {
    snapshot.totals.push_back({query.business_date, key.first, key.second, value});
  }
  return snapshot;
}

}  // namespace tradeagg::book
