// ExportLag: how far the lake's tradeagg.trades is behind the store, for /metrics and /readyz.
//
// `trades`: committed trades above the table's watermark. `behind`: how long the oldest of them
// has waited, since it was received; zero when the lake holds every committed trade. (Not the
// age of the table's last snapshot: after a quiet hour one new trade would look an hour late.)
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

Result<ExportLag> MeasureExportLag(const Exporter& exporter, store::TradeStore& store, Timestamp now);

}  // namespace tradeagg::lake
