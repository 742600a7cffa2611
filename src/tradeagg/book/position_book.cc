#include "tradeagg/book/position_book.h"

#include <mutex>

namespace tradeagg::book {

void PositionBook::Apply(const domain::Trade& trade) {
  std::unique_lock lock(mutex_);
  if (trade.seq <= watermark_) return;
  Day& day = by_date_[trade.business_date.days()];
  day.by_instrument[Key{trade.participant, trade.instrument, trade.currency}].Add(trade);
  day.by_counterparty[Key{trade.participant, trade.counterparty, trade.currency}].Add(trade);
  watermark_ = trade.seq;
}

DateView PositionBook::View(Date business_date) const {
  DateView view;
  std::shared_lock lock(mutex_);
  view.watermark = watermark_;
  auto day = by_date_.find(business_date.days());
  if (day != by_date_.end()) {
    view.by_instrument = day->second.by_instrument;
    view.by_counterparty = day->second.by_counterparty;
  }
  return view;
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
      const auto& positions = day->second.by_instrument;
      auto it = query.participant ? positions.lower_bound(Key{*query.participant, "", ""}) : positions.begin();
      for (; it != positions.end(); ++it) {
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
