#include "tradeagg/lake/export_lag.h"

#include <algorithm>

namespace tradeagg::lake {

Result<ExportLag> MeasureExportLag(const Exporter& exporter, store::TradeStore& store, Timestamp now) {
  const int64_t watermark = exporter.status().watermark;
  ASSIGN_OR_RETURN(int64_t last_seq, store.LastSeq());
  ExportLag lag;
  if (last_seq <= watermark) return lag;
  ASSIGN_OR_RETURN(lag.trades, store.CountTrades(watermark, last_seq));
  if (lag.trades == 0) return lag;
  store::TradeQuery oldest;
  oldest.after_seq = watermark;
  oldest.limit = 1;
  ASSIGN_OR_RETURN(store::TradePage page, store.ListTrades(oldest));
  if (page.trades.empty()) return lag;
  lag.behind = std::chrono::microseconds(std::max<int64_t>(0, now.micros() - page.trades.front().received_at.micros()));
  return lag;
}

}  // namespace tradeagg::lake
