// Reconcile: compares an aggregation run's exposures with the position book's at the same
// watermark, row by row and field by field, at the instrument, counterparty and participant
// levels (the reporting level is derived from the participant one by the same conversion).
//
// Compared: buy and sell quantity and notional, the trade count and the trades per side; net,
// gross, VWAP and direction follow from these by the shared arithmetic (domain::ExposureTotals).
// Quantities are compared at every level, also where they span instruments and are not shown:
// there they are a checksum of the rows below. A row on one side only is a difference in every
// field. Every difference is counted; the first
// `max_recorded` are kept, in row order, for the run's record.
// Thread safety: pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tradeagg/agg/exposure_set.h"
#include "tradeagg/domain/aggregation_run.h"

namespace tradeagg::agg {

struct Reconciliation {
  int64_t difference_count = 0;
  std::vector<domain::ReconciliationDifference> differences;  // the first max_recorded
};

Reconciliation Reconcile(const ExposureSet& lake, const ExposureSet& book, size_t max_recorded = 20);

}  // namespace tradeagg::agg
