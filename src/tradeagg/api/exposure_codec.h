// JSON forms of aggregation runs and their exposure rows (docs/api.md, "Exposures").
//
// Rows use the fields of /v1/positions (WriteExposureFields: instrument rows as positions, the
// other levels as totals), plus `instrument` or `counterparty` by level; a reporting row whose
// FX rates are missing has null notionals and direction and lists the currencies in
// `missing_rates`.
#pragma once

#include "tradeagg/core/json_writer.h"
#include "tradeagg/domain/aggregation_run.h"
#include "tradeagg/domain/exposure_row.h"

namespace tradeagg::api {

void WriteRun(JsonWriter& json, const domain::AggregationRun& run, bool with_differences);
// What a member may see of a run: which run and what it read, without the venue-wide counts,
// timings and reconciliation details (they describe every participant).
void WriteRunSummary(JsonWriter& json, const domain::AggregationRun& run);
void WriteExposureRow(JsonWriter& json, Date business_date, const domain::ExposureRow& row);

}  // namespace tradeagg::api
