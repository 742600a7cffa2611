// AggregationScheduler: starts the runs nobody has to ask for.
//
// - Intraday: every `intraday_interval` while the service runs, an intraday run of the current
//   business date (skipped while one is still queued or running), so a participant's exposure
//   through the day is a series of runs (GET /v1/exposures/history).
// - End of day: the business date before the current one is closed (its cut-off has passed).
//   When the scheduler first sees a date closed it notes the store's last seq; once the lake's
//   watermark has reached it, every trade committed before the cut-off is in the lake, and the
//   date's eod run is submitted, unless the date already has a succeeded eod run (or one is
//   pending). A failed eod run is retried after `eod_retry_interval`. Re-running an eod by hand
//   makes a new version.
// - Late trades (late_trades.h): when a date's newest succeeded eod run misses trades
//   committed after it read the lake, the run is stale: the aggregator publishes that to
//   tradeagg.runs at once, and (with eod on) once the lake holds those trades the date is run
//   again as a new eod version (at most once per `eod_retry_interval` a date,
//   so a trickle of late trades does not make a version per trade). Checked whenever the
//   store's last seq has moved.
// Every run submitted here answers for every trade acknowledged before it (aggregator.h).
// Several instances on one shared store: with a lease (UseLease) only its holder schedules, so
// a date gets one eod run, not one per instance.
// Tick() makes one round of decisions at the clock's time; tests drive it with their own clock.
// Thread safety: Start/Stop from one thread; Tick only from the scheduler's thread (or a test).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "tradeagg/agg/aggregator.h"
#include "tradeagg/domain/business_calendar.h"
#include "tradeagg/store/exposure_store.h"
#include "tradeagg/store/trade_store.h"
#include "tradeagg/store/work_lease.h"

namespace tradeagg::agg {

struct SchedulerConfig {
  std::chrono::seconds intraday_interval{900};  // 0: no intraday runs
  bool eod = true;
  std::chrono::seconds eod_retry_interval{300};
  std::chrono::milliseconds poll_interval{1000};
};

class AggregationScheduler {
 public:
  using Clock = std::function<Timestamp()>;
  using Watermark = std::function<int64_t()>;  // the lake's watermark now

  AggregationScheduler(Aggregator& aggregator, store::ExposureStore& results, store::TradeStore& trades,
                       const domain::BusinessCalendar& calendar, Watermark lake_watermark, SchedulerConfig config,
                       Clock clock = &Timestamp::Now);
  ~AggregationScheduler();

  // Schedules only while holding `lease` (borrowed; outlives the scheduler). Before Start.
  void UseLease(store::WorkLease* lease) { lease_ = lease; }
  void Start();
  void Stop();
  void Tick();

 private:
  void Loop();
  bool HoldsLease();
  void MaybeRunIntraday(Timestamp now, Date current);
  void MaybeRunEod(Timestamp now, Date closed);
  // Late trades: stale eod runs are published (tradeagg.runs) and, with eod on, run again.
  void CheckLateTrades(Timestamp now);

  Aggregator& aggregator_;
  store::ExposureStore& results_;
  store::TradeStore& trades_;
  const domain::BusinessCalendar& calendar_;
  Watermark lake_watermark_;
  SchedulerConfig config_;
  Clock clock_;
  store::WorkLease* lease_ = nullptr;  // null: this instance alone schedules

  std::optional<Timestamp> next_intraday_;
  std::optional<Date> closed_;            // the closed date being waited for
  int64_t closed_seq_ = 0;                // the store's last seq when closed_ was first seen
  std::optional<Date> eod_done_;          // the last closed date with its eod run
  std::optional<Timestamp> eod_retry_at_; // after a failed eod attempt
  int64_t stale_checked_seq_ = -1;        // the store's last seq at the last stale check
  std::map<int32_t, Timestamp> rerun_at_; // Date::days() -> no stale re-run of it before
  std::map<int64_t, int64_t> missing_seen_;  // run id -> its missing trades at the last check

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tradeagg::agg
