// Registry: every metric of the process, rendered in the Prometheus text exposition format
// (version 0.0.4) for GET /metrics.
//
// Values are integers in a unit; durations are observed in microseconds and rendered in
// seconds (Prometheus' base unit) by exact decimal formatting, never through a double.
// Gauges whose truth lives elsewhere (the lake's lag) are set by refresh functions that run
// before each rendering.
// Thread safety: Add* while wiring, before serving; the families and Render from any thread
// (renderings, and so the refresh functions, run one at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tradeagg/metrics/counter.h"
#include "tradeagg/metrics/family.h"
#include "tradeagg/metrics/gauge.h"
#include "tradeagg/metrics/histogram.h"

namespace tradeagg::metrics {

enum class Unit { kOne, kMicrosecondsAsSeconds };

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& AddCounter(std::string name, std::string help, std::vector<std::string> labels = {});
  Family<Gauge>& AddGauge(std::string name, std::string help, std::vector<std::string> labels = {},
                          Unit unit = Unit::kOne);
  // `bounds` in the unit observed (microseconds for kMicrosecondsAsSeconds).
  Family<Histogram>& AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                  std::vector<int64_t> bounds, Unit unit);
  void AddRefresh(std::function<void()> refresh);

  // Runs the refresh functions, then renders every family.
  std::string Render();

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<std::function<void()>> refreshes_;
  std::mutex render_mutex_;
};

// Exact decimal text of micros / 10^6 ("0.25", "12", "-0.000001").
std::string FormatMicrosAsSeconds(int64_t micros);
// Exact decimal text of micros / 10^3 ("0.618", "12").
std::string FormatMicrosAsMillis(int64_t micros);

}  // namespace tradeagg::metrics
