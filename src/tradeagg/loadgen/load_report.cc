#include "tradeagg/loadgen/load_report.h"

#include <cstdio>

#include "tradeagg/core/json_writer.h"

namespace tradeagg::loadgen {

namespace {

constexpr double kNanosPerMilli = 1e6;

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

double Ms(uint64_t nanos) { return static_cast<double>(nanos) / kNanosPerMilli; }

struct NamedPercentile {
  const char* text_name;
  const char* json_name;
  double percentile;
};
constexpr NamedPercentile kPercentiles[] = {
    {"p50", "p50", 50}, {"p90", "p90", 90}, {"p99", "p99", 99}, {"p99.9", "p999", 99.9}};

}  // namespace

double LoadReport::LatencyMs(double percentile) const { return Ms(total.latency.ValueAtPercentile(percentile)); }

std::string ErrorBreakdown(const Tally& tally) {
  std::string text;
  auto add = [&](const std::string& name, uint64_t n) {
    if (n == 0) return;
    if (!text.empty()) text += ", ";
    text += name + ": " + std::to_string(n);
  };
  for (const auto& [status, n] : tally.statuses) add(std::to_string(status), n);
  for (size_t i = 0; i < kFailureKindCount; ++i) add(FailureKindName(static_cast<FailureKind>(i)), tally.failures[i]);
  return text.empty() ? "none" : text;
}

std::string LoadReport::ToText() const {
  std::string mode = target_rate > 0 ? "open loop at " + Fixed(target_rate, 0) + " trades/s" : "closed loop";
  std::string text;
  text += target + ": " + std::to_string(connections) + " connections, " + std::to_string(threads) +
          (threads == 1 ? " thread, " : " threads, ") + mode + ", " + std::to_string(batch) +
          (batch == 1 ? " trade" : " trades") + " per request\n";
  text += "  duration     " + Fixed(seconds, 2) + " s (after " + Fixed(warmup_seconds, 1) + " s warm-up)\n";
  text += "  requests     " + Fixed(requests(), 0) + " (2xx " + std::to_string(total.ok) + ", non-2xx " +
          std::to_string(total.non_2xx()) + ", no response " +
          std::to_string(total.requests() - total.responses) + ")\n";
  text += "  trades       " + std::to_string(total.trades) + " (in 2xx responses)\n";
  text += "  requests/s   " + Fixed(requests_per_second(), 1) + "\n";
  text += "  trades/s     " + Fixed(trades_per_second(), 1) + "\n";
  text += "  latency ms  ";
  for (const auto& p : kPercentiles) text += std::string(" ") + p.text_name + " " + Fixed(LatencyMs(p.percentile), 3);
  text += " max " + Fixed(Ms(total.latency.max()), 3) + " mean " + Fixed(total.latency.mean() / kNanosPerMilli, 3) + "\n";
  text += "  errors       " + std::to_string(total.errors()) + " (" + ErrorBreakdown(total) + ")\n";
  return text;
}

std::string LoadReport::ToJson() const {
  JsonWriter json;
  json.BeginObject();
  json.Field("target", target);
  json.Field("connections", static_cast<int64_t>(connections));
  json.Field("threads", static_cast<int64_t>(threads));
  json.Key("target_rate").Raw(Fixed(target_rate, 1));
  json.Field("batch", static_cast<int64_t>(batch));
  json.Key("warmup_s").Raw(Fixed(warmup_seconds, 3));
  json.Key("duration_s").Raw(Fixed(seconds, 3));
  json.Field("requests", static_cast<int64_t>(total.requests()));
  json.Field("responses_2xx", static_cast<int64_t>(total.ok));
  json.Field("non_2xx", static_cast<int64_t>(total.non_2xx()));
  json.Field("no_response", static_cast<int64_t>(total.requests() - total.responses));
  json.Field("connect_failures", static_cast<int64_t>(total.failures[static_cast<size_t>(FailureKind::kConnect)]));
  json.Field("errors", static_cast<int64_t>(total.errors()));
  json.Field("trades", static_cast<int64_t>(total.trades));
  json.Key("requests_per_s").Raw(Fixed(requests_per_second(), 1));
  json.Key("trades_per_s").Raw(Fixed(trades_per_second(), 1));
  json.Key("errors_by_status").BeginObject();
  for (const auto& [status, n] : total.statuses) json.Field(std::to_string(status), static_cast<int64_t>(n));
  for (size_t i = 0; i < kFailureKindCount; ++i) {
    if (total.failures[i] > 0) {
      json.Field(FailureKindName(static_cast<FailureKind>(i)), static_cast<int64_t>(total.failures[i]));
    }
  }
  json.EndObject();
  json.Key("latency_ms").BeginObject();
  for (const auto& p : kPercentiles) json.Key(p.json_name).Raw(Fixed(LatencyMs(p.percentile), 3));
  json.Key("max").Raw(Fixed(Ms(total.latency.max()), 3));
  json.Key("mean").Raw(Fixed(total.latency.mean() / kNanosPerMilli, 3));
  json.EndObject();
  json.EndObject();
  return json.Take();
}

std::string ProgressLine(double elapsed, double seconds, const Tally& interval, bool warming_up) {
  const double per_second = seconds > 0 ? 1.0 / seconds : 0;
  const double requests = static_cast<double>(interval.requests());
  std::string line = "[" + Fixed(elapsed, 0) + "s] " + Fixed(requests * per_second, 0) + " req/s  " +
                     Fixed(static_cast<double>(interval.trades) * per_second, 0) + " trades/s  " +
                     std::to_string(interval.errors()) + " errors  p50 " +
                     Fixed(Ms(interval.latency.ValueAtPercentile(50)), 3) + " ms  p99 " +
                     Fixed(Ms(interval.latency.ValueAtPercentile(99)), 3) + " ms";
  if (interval.errors() > 0) line += "  (" + ErrorBreakdown(interval) + ")";
  if (warming_up) line += "  (warm-up)";
  return line;
}

}  // namespace tradeagg::loadgen
