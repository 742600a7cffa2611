// Family: the time series of one metric, one per combination of its label values.
//
// A series is made on first use and lives as long as the family, so a caller may keep the
// reference With() returns and update it without a lookup (the ingest path does).
// Thread safety: With and ForEach from any thread; the series themselves are lock-free.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tradeagg::metrics {

template <typename Metric>
class Family {
 public:
  using Make = std::function<std::unique_ptr<Metric>()>;
  Family(std::vector<std::string> label_names, Make make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The series of these label values, in the order of the family's label names.
  Metric& With(std::initializer_list<std::string_view> values) {
    std::vector<std::string> key(values.begin(), values.end());
    std::lock_guard lock(mutex_);
    auto& series = series_[std::move(key)];
    if (!series) series = make_();
    return *series;
  }
  // The series of a family without labels.
  Metric& Get() { return With({}); }

  const std::vector<std::string>& label_names() const { return label_names_; }

  // Visits every series in label order (a stable exposition, easy to diff).
  void ForEach(const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, series] : series_) visit(values, *series);
  }

 private:
  const std::vector<std::string> label_names_;
  const Make make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> series_;  // guarded by mutex_
};

}  // namespace tradeagg::metrics
