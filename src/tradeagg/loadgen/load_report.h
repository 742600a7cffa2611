// LoadReport: the final figures of a load-generator run, as text for people and JSON for
// scripts (bench/ingest.sh reads the JSON).
//
// Rates divide by the measured seconds: from the end of the warm-up to the later of the planned
// end and the last counted completion (requests in flight at the end are waited for and counted).
// Latencies are in milliseconds. Requests are those sent (a failed connect sends none);
// "errors" = non-2xx responses + timeouts + broken connections + failed connects.
// Thread safety: value type.
#pragma once

#include <string>

#include "tradeagg/loadgen/run_stats.h"

namespace tradeagg::loadgen {

struct LoadReport {
  // What was run.
  std::string target;  // "POST http://127.0.0.1:8080/v1/trades"
  int connections = 0;
  int threads = 0;
  double target_rate = 0;  // trades/s; 0 = closed loop
  size_t batch = 1;
  double warmup_seconds = 0;
  // What was measured.
  double seconds = 0;
  Tally total;

  double requests() const { return static_cast<double>(total.requests()); }
  double requests_per_second() const { return seconds > 0 ? requests() / seconds : 0; }
  double trades_per_second() const { return seconds > 0 ? static_cast<double>(total.trades) / seconds : 0; }
  double LatencyMs(double percentile) const;

  // Several lines, each "name  value"; ends with a newline.
  std::string ToText() const;
  std::string ToJson() const;
};

// The one-line progress report for an interval of `seconds` ending `elapsed` seconds after start.
std::string ProgressLine(double elapsed, double seconds, const Tally& interval, bool warming_up);

// "401: 3, timeout: 1" (or "none").
std::string ErrorBreakdown(const Tally& tally);

}  // namespace tradeagg::loadgen
