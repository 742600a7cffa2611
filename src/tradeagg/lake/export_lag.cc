#include "tradeagg/lake/export_lag.h"

#include <algorithm>

namespace tradeagg::lake {

Result<ExportLag> MeasureExportLag(const Exporter& exporter, store::TradeStore& store, Timestamp now, Timestamp since) {
  ExportStatus status = exporter.status();
  ASSIGN_OR_RETURN(int64_t last_seq, store.LastSeq());
  ExportLag lag;
  if (last_seq <= status.watermark) return lag;
  ASSIGN_OR_RETURN(lag.trades, store.CountTrades(status.watermark, last_seq));
  if (lag.trades == 0) return lag;
  const int64_t as_of = status.snapshot_id ? status.snapshot_timestamp_ms * 1000 : since.micros();
  lag.behind = std::chrono::microseconds(std::max<int64_t>(0, now.micros() - as_of));
  return lag;
}

}  // namespace tradeagg::lake
