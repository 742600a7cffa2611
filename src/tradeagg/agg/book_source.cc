#include "tradeagg/agg/book_source.h"

namespace tradeagg::agg {

namespace {

using Totals = std::map<book::DateView::Key, domain::ExposureTotals>;

void Apply(Totals& totals, const book::DateView::Key& key, const domain::Trade& trade, bool add) {
  auto [it, inserted] = totals.try_emplace(key);
  if (add) {
    it->second.Add(trade);
  } else {
    it->second.Subtract(trade);
  }
  // A position whose trades were all taken out again did not exist at that watermark.
  if (it->second == domain::ExposureTotals{}) totals.erase(it);
}

void Apply(book::DateView& view, const domain::Trade& trade, bool add) {
  Apply(view.by_instrument, {trade.participant, trade.instrument, trade.currency}, trade, add);
  Apply(view.by_counterparty, {trade.participant, trade.counterparty, trade.currency}, trade, add);
}

}  // namespace

Result<BookView> LiveBookSource::ViewAt(Date business_date, int64_t watermark) {
  BookView result;
  result.view = book_.View(business_date);
  result.live_watermark = result.view.watermark;
  const int64_t live = result.live_watermark;
  if (live != watermark) {
    const bool book_ahead = live > watermark;
    const int64_t after = book_ahead ? watermark : live;
    const int64_t until = book_ahead ? live : watermark;
    TRY(store_.ScanTrades(after, static_cast<size_t>(until - after), [&](const domain::Trade& trade) {
      if (trade.business_date == business_date) Apply(result.view, trade, /*add=*/!book_ahead);
    }));
  }
  result.view.watermark = watermark;
  return result;
}

Result<BookView> StoreBookSource::ViewAt(Date business_date, int64_t watermark) {
  BookView result;
  if (watermark > 0) {
    TRY(store_.ScanTrades(0, static_cast<size_t>(watermark), [&](const domain::Trade& trade) {
      if (trade.business_date == business_date) Apply(result.view, trade, /*add=*/true);
    }));
  }
  result.view.watermark = watermark;
  result.live_watermark = watermark;
  return result;
}

}  // namespace tradeagg::agg
