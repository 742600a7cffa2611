#include "tradeagg/agg/scheduler.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <set>

#include "tradeagg/agg/late_trades.h"

namespace tradeagg::agg {

namespace {

Timestamp Plus(Timestamp t, std::chrono::seconds seconds) {
  return Timestamp::FromMicros(t.micros() + seconds.count() * 1'000'000);
}

}  // namespace

AggregationScheduler::AggregationScheduler(Aggregator& aggregator, store::ExposureStore& results,
                                           store::TradeStore& trades, const domain::BusinessCalendar& calendar,
                                           Watermark lake_watermark, SchedulerConfig config, Clock clock)
    : aggregator_(aggregator),
      results_(results),
      trades_(trades),
      calendar_(calendar),
      lake_watermark_(std::move(lake_watermark)),
      config_(config),
      clock_(std::move(clock)) {}

AggregationScheduler::~AggregationScheduler() { Stop(); }

void AggregationScheduler::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "agg-scheduler");
    Loop();
  });
}

void AggregationScheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AggregationScheduler::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    if (HoldsLease()) Tick();
    lock.lock();
    wake_.wait_for(lock, config_.poll_interval, [&] { return stopping_; });
  }
}

bool AggregationScheduler::HoldsLease() {
  if (lease_ == nullptr) return true;
  Result<bool> held = lease_->Hold();
  if (!held.ok()) spdlog::warn("aggregation: cannot ask for the schedule lease: {}", held.status().ToString());
  return held.ok() && *held;
}

void AggregationScheduler::Tick() {
  const Timestamp now = clock_();
  const Date current = calendar_.BusinessDateOf(now);
  if (config_.intraday_interval.count() > 0) MaybeRunIntraday(now, current);
  if (config_.eod) MaybeRunEod(now, calendar_.PreviousBusinessDay(current));
  CheckLateTrades(now);
}

void AggregationScheduler::MaybeRunIntraday(Timestamp now, Date current) {
  if (next_intraday_ && now < *next_intraday_) return;
  next_intraday_ = Plus(now, config_.intraday_interval);
  if (aggregator_.HasPending(current, domain::RunKind::kIntraday)) return;
  auto run = aggregator_.Submit({current, domain::RunKind::kIntraday, "scheduler", std::nullopt, std::nullopt});
  if (!run.ok()) spdlog::warn("scheduler: intraday run of {} not started: {}", current.ToString(), run.status().ToString());
}

void AggregationScheduler::MaybeRunEod(Timestamp now, Date closed) {
  if (eod_done_ == closed) return;
  if (closed_ != closed) {
    // First sight of this date closed: every trade of it was committed by now.
    auto last_seq = trades_.LastSeq();
    if (!last_seq.ok()) return;
    closed_ = closed;
    closed_seq_ = *last_seq;
    eod_retry_at_.reset();
  }
  if (lake_watermark_() < closed_seq_) return;  // the lake has not caught up yet
  if (aggregator_.HasPending(closed, domain::RunKind::kEod)) return;
  if (eod_retry_at_ && now < *eod_retry_at_) return;

  auto done = results_.LatestSucceededRun(closed, domain::RunKind::kEod);
  if (!done.ok()) return;
  if (*done) {
    eod_done_ = closed;
    return;
  }
  if (eod_retry_at_) spdlog::warn("scheduler: retrying the eod run of {}", closed.ToString());
  auto run = aggregator_.Submit({closed, domain::RunKind::kEod, "scheduler", std::nullopt, std::nullopt});
  if (!run.ok()) spdlog::warn("scheduler: eod run of {} not started: {}", closed.ToString(), run.status().ToString());
  // Checked again after this interval: succeeded by then (done), or failed (retried).
  eod_retry_at_ = Plus(now, config_.eod_retry_interval);
}


void AggregationScheduler::CheckLateTrades(Timestamp now) {
  auto last_seq = trades_.LastSeq();
  if (!last_seq.ok() || *last_seq == stale_checked_seq_) return;  // nothing committed since
  store::RunQuery query;
  query.kind = domain::RunKind::kEod;
  query.status = domain::RunStatus::kSucceeded;
  query.limit = std::numeric_limits<int32_t>::max();
  auto runs = results_.ListRuns(query);
  if (!runs.ok()) return;
  const int64_t lake = lake_watermark_();
  bool settled = true;   // every stale date re-run (or not stale): no need to look again
  bool changed = false;  // a run's staleness moved: tradeagg.runs must show it
  std::set<int32_t> seen;
  for (const domain::AggregationRun& run : *runs) {  // newest first: the first of a date is its latest
    const Date date = run.request.business_date;
    if (!seen.insert(date.days()).second) continue;
    auto late = LateTradesOf(trades_, run);
    if (!late.ok()) return;
    int64_t& published = missing_seen_[run.run_id];
    changed |= published != late->trades;
    published = late->trades;
    if (late->trades == 0 || !config_.eod) continue;
    if (lake < late->last_seq || aggregator_.HasPending(date, domain::RunKind::kEod)) {
      settled = false;  // the lake does not hold them yet, or a re-run is on its way
      continue;
    }
    auto retry = rerun_at_.find(date.days());
    if (retry != rerun_at_.end() && now < retry->second) {
      settled = false;
      continue;
    }
    spdlog::warn("scheduler: eod run {} of {} (v{}) misses {} late trades; running the date again", run.run_id,
                 date.ToString(), run.version, late->trades);
    auto rerun = aggregator_.Submit({date, domain::RunKind::kEod, "scheduler", std::nullopt, std::nullopt});
    if (!rerun.ok()) {
      spdlog::warn("scheduler: eod re-run of {} not started: {}", date.ToString(), rerun.status().ToString());
    }
    rerun_at_[date.days()] = Plus(now, config_.eod_retry_interval);
    settled = false;  // look again once the new version has finished
  }
  if (changed) aggregator_.RequestPublish();
  if (settled) stale_checked_seq_ = *last_seq;
}

}  // namespace tradeagg::agg
