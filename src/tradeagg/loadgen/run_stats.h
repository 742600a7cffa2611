// Tally and RunStats: what the load generator's connections observed.
//
// A Tally is plain data: responses by status, failures by kind, trades acknowledged and a
// latency histogram; tallies merge. RunStats holds two tallies for one worker thread: the
// current one-second interval (for the progress line) and the measured total, which leaves out
// whatever completed before the end of the warm-up.
// Thread safety: RunStats is safe to share: its worker records, the reporter takes intervals
// and totals; a mutex guards both (uncontended but for once a second). Tally is a value type.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>

#include "tradeagg/loadgen/latency_histogram.h"

namespace tradeagg::loadgen {

using Clock = std::chrono::steady_clock;

// Why a request got no HTTP response.
enum class FailureKind : uint8_t {
  kTimeout = 0,  // no complete response within the request timeout
  kConnect,      // the connection could not be opened
  kIo,           // reset, closed or otherwise broken while the request was in flight
};
inline constexpr size_t kFailureKindCount = 3;
const char* FailureKindName(FailureKind kind);  // "timeout", "connect", "io"

struct Tally {
  uint64_t responses = 0;                 // HTTP responses of any status
  uint64_t ok = 0;                        // 2xx responses
  uint64_t trades = 0;                    // trades carried by 2xx responses
  std::map<unsigned, uint64_t> statuses;  // responses that were not 2xx, by status
  std::array<uint64_t, kFailureKindCount> failures{};
  LatencyHistogram latency;               // nanoseconds, every HTTP response of any status

  uint64_t non_2xx() const { return responses - ok; }
  uint64_t failed() const;  // every failure kind, including connects
  // Requests that were sent: responses plus timeouts and broken connections (a failed connect
  // sent nothing).
  uint64_t requests() const;
  uint64_t errors() const { return non_2xx() + failed(); }
  void Merge(const Tally& other);
  void Reset();
};

class RunStats {
 public:
  // Completions before measure_from count for progress only (the warm-up).
  explicit RunStats(Clock::time_point measure_from) : measure_from_(measure_from) {}

  void RecordResponse(Clock::time_point completed, uint64_t latency_ns, unsigned status, uint64_t trades);
  void RecordFailure(Clock::time_point completed, FailureKind kind);

  // Merges the current interval into `into` and starts a new interval.
  void TakeInterval(Tally& into);
  // Merges the measured total into `into`.
  void MergeTotalInto(Tally& into) const;
  // The latest completion counted in the total (measure_from when there was none).
  Clock::time_point last_completion() const;

 private:
  const Clock::time_point measure_from_;
  mutable std::mutex mu_;
  Tally interval_;
  Tally total_;
  Clock::time_point last_completion_{};
};

}  // namespace tradeagg::loadgen
