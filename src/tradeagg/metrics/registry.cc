#include "tradeagg/metrics/registry.h"

#include <variant>

namespace tradeagg::metrics {

struct Registry::Entry {
  // Families hold a mutex: built in place, never moved.
  template <size_t kIndex, typename... Args>
  Entry(std::string name_, std::string help_, Unit unit_, std::in_place_index_t<kIndex> index, Args&&... args)
      : name(std::move(name_)), help(std::move(help_)), unit(unit_), family(index, std::forward<Args>(args)...) {}

  std::string name;
  std::string help;
  Unit unit;
  std::variant<Family<Counter>, Family<Gauge>, Family<Histogram>> family;
};

namespace {

// Label values escape backslash, double quote and newline (the exposition format's rules).
void AppendEscaped(std::string& out, const std::string& value) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

// {a="x",b="y"} plus an optional extra label (a histogram's le); empty without any.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    AppendEscaped(out, i < values.size() ? values[i] : std::string());
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out.append(extra_name).append("=\"").append(extra_value).append("\"");
  }
  out += '}';
  return out;
}

std::string FormatValue(int64_t value, Unit unit) {
  return unit == Unit::kMicrosecondsAsSeconds ? FormatMicrosAsSeconds(value) : std::to_string(value);
}

void Line(std::string& out, std::string_view name, const std::string& labels, const std::string& value) {
  out.append(name).append(labels).append(" ").append(value).append("\n");
}

void Header(std::string& out, const std::string& name, const std::string& help, std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

namespace {

// Exact decimal text of value / 10^places, without trailing zeros.
std::string FormatScaled(int64_t value, int places) {
  uint64_t divisor = 1;
  for (int i = 0; i < places; ++i) divisor *= 10;
  const bool negative = value < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string out = (negative ? "-" : "") + std::to_string(magnitude / divisor);
  const uint64_t fraction = magnitude % divisor;
  if (fraction == 0) return out;
  std::string digits = std::to_string(fraction);
  digits.insert(0, static_cast<size_t>(places) - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

}  // namespace

std::string FormatMicrosAsSeconds(int64_t micros) { return FormatScaled(micros, 6); }
std::string FormatMicrosAsMillis(int64_t micros) { return FormatScaled(micros, 3); }

Registry::Registry() = default;
Registry::~Registry() = default;

Family<Counter>& Registry::AddCounter(std::string name, std::string help, std::vector<std::string> labels) {
  auto make = [] { return std::make_unique<Counter>(); };
  entries_.push_back(std::make_unique<Entry>(std::move(name), std::move(help), Unit::kOne, std::in_place_index<0>, std::move(labels), make));
  return std::get<0>(entries_.back()->family);
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help, std::vector<std::string> labels, Unit unit) {
  auto make = [] { return std::make_unique<Gauge>(); };
  entries_.push_back(std::make_unique<Entry>(std::move(name), std::move(help), unit, std::in_place_index<1>, std::move(labels), make));
  return std::get<1>(entries_.back()->family);
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                          std::vector<int64_t> bounds, Unit unit) {
  auto make = [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); };
  entries_.push_back(std::make_unique<Entry>(std::move(name), std::move(help), unit, std::in_place_index<2>, std::move(labels), make));
  return std::get<2>(entries_.back()->family);
}

void Registry::AddRefresh(std::function<void()> refresh) { refreshes_.push_back(std::move(refresh)); }

std::string Registry::Render() {
  std::lock_guard lock(render_mutex_);
  for (const auto& refresh : refreshes_) refresh();
  std::string out;
  for (const auto& entry : entries_) {
    const std::string& name = entry->name;
    if (const auto* counters = std::get_if<0>(&entry->family)) {
      Header(out, name, entry->help, "counter");
      counters->ForEach([&](const auto& values, const Counter& counter) {
        Line(out, name, LabelSet(counters->label_names(), values), std::to_string(counter.value()));
      });
    } else if (const auto* gauges = std::get_if<1>(&entry->family)) {
      Header(out, name, entry->help, "gauge");
      gauges->ForEach([&](const auto& values, const Gauge& gauge) {
        Line(out, name, LabelSet(gauges->label_names(), values), FormatValue(gauge.value(), entry->unit));
      });
    } else {
      const auto& histograms = std::get<2>(entry->family);
      Header(out, name, entry->help, "histogram");
      histograms.ForEach([&](const auto& values, const Histogram& histogram) {
        const auto& labels = histograms.label_names();
        Histogram::Snapshot snapshot = histogram.Read();
        for (size_t i = 0; i < histogram.bounds().size(); ++i) {
          Line(out, name + "_bucket", LabelSet(labels, values, "le", FormatValue(histogram.bounds()[i], entry->unit)),
               std::to_string(snapshot.cumulative[i]));
        }
        Line(out, name + "_bucket", LabelSet(labels, values, "le", "+Inf"), std::to_string(snapshot.count));
        Line(out, name + "_sum", LabelSet(labels, values), FormatValue(snapshot.sum, entry->unit));
        Line(out, name + "_count", LabelSet(labels, values), std::to_string(snapshot.count));
      });
    }
  }
  return out;
}

}  // namespace tradeagg::metrics
