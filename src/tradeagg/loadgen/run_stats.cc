#include "tradeagg/loadgen/run_stats.h"

#include <algorithm>

namespace tradeagg::loadgen {

namespace {

void AddResponse(Tally& tally, uint64_t latency_ns, unsigned status, uint64_t trades) {
  ++tally.responses;
  if (status >= 200 && status < 300) {
    ++tally.ok;
    tally.trades += trades;
  } else {
    ++tally.statuses[status];
  }
  tally.latency.Record(latency_ns);
}

}  // namespace

const char* FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kTimeout: return "timeout";
    case FailureKind::kConnect: return "connect";
    case FailureKind::kIo: return "io";
  }
  return "unknown";
}

uint64_t Tally::failed() const {
  uint64_t sum = 0;
  for (uint64_t n : failures) sum += n;
  return sum;
}

uint64_t Tally::requests() const {
  return responses + failures[static_cast<size_t>(FailureKind::kTimeout)] +
         failures[static_cast<size_t>(FailureKind::kIo)];
}

void Tally::Merge(const Tally& other) {
  responses += other.responses;
  ok += other.ok;
  trades += other.trades;
  for (const auto& [status, n] : other.statuses) statuses[status] += n;
  for (size_t i = 0; i < kFailureKindCount; ++i) failures[i] += other.failures[i];
  latency.Merge(other.latency);
}

void Tally::Reset() {
  responses = ok = trades = 0;
  statuses.clear();
  failures.fill(0);
  latency.Reset();
}

void RunStats::RecordResponse(Clock::time_point completed, uint64_t latency_ns, unsigned status,
                              uint64_t trades) {
  std::lock_guard lock(mu_);
  AddResponse(interval_, latency_ns, status, trades);
  if (completed >= measure_from_) {
    AddResponse(total_, latency_ns, status, trades);
    last_completion_ = std::max(last_completion_, completed);
  }
}

void RunStats::RecordFailure(Clock::time_point completed, FailureKind kind) {
  std::lock_guard lock(mu_);
  ++interval_.failures[static_cast<size_t>(kind)];
  if (completed >= measure_from_) {
    ++total_.failures[static_cast<size_t>(kind)];
    last_completion_ = std::max(last_completion_, completed);
  }
}

void RunStats::TakeInterval(Tally& into) {
  std::lock_guard lock(mu_);
  into.Merge(interval_);
  interval_.Reset();
}

void RunStats::MergeTotalInto(Tally& into) const {
  std::lock_guard lock(mu_);
  into.Merge(total_);
}

Clock::time_point RunStats::last_completion() const {
  std::lock_guard lock(mu_);
  return std::max(last_completion_, measure_from_);
}

}  // namespace tradeagg::loadgen
