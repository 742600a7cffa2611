// ExportLag: how far the lake's tradeagg.trades is behind the store, for /metrics and /readyz.
//
// `trades`: committed trades above the table's watermark. `behind`: with trades waiting, the
// time since the table's last snapshot (its data is that old), or since `since` when the table
// has none; zero when the lake holds every committed trade.
// Thread safety: a function over thread-safe roles.
#pragma once

#include <chrono>
#include <cstdint>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/lake/exporter.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::lake {

struct ExportLag {
  int64_t trades = 0;
  std::chrono::microseconds behind{0};
};

Result<ExportLag> MeasureExportLag(const Exporter& exporter, store::TradeStore& store, Timestamp now, Timestamp since);

}  // namespace tradeagg::lake
