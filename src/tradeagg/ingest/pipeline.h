// Pipeline: group commit of trade submissions, the only writer of the TradeStore.
//
// Requests from every connection queue here; one writer thread takes everything queued (up to
// a bound), commits it with a single TradeStore::Append (one fsync for the whole group), brings
// the PositionBook up to date (BookUpdater), and only then completes each request.
// While one group is being fsync'd the next one fills, so throughput grows with concurrency
// instead of being capped at one fsync per request.
//
// Guarantees: a completion with an OK status means the request's accepted trades are durable
// and in the book. A non-OK status (kUnavailable, kStateUnknown) means nothing may be
// acknowledged; the store's idempotency makes a client retry safe.
// Thread safety: Submit may be called from any thread; completions run on the writer thread
// and must not block (post the response to the connection's executor).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/ingest/book_updater.h"
#include "tradeagg/metrics/counter.h"
#include "tradeagg/metrics/histogram.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::ingest {

// Where group commits are measured for the service's metrics (null: not measured).
struct PipelineMetrics {
  metrics::Histogram* batch_trades = nullptr;
  metrics::Histogram* commit_micros = nullptr;
  metrics::Counter* accepted = nullptr;
  metrics::Counter* duplicate = nullptr;
  metrics::Counter* conflicting = nullptr;
  metrics::Counter* store_errors = nullptr;
};

struct PipelineConfig {
  size_t max_group_trades = 20'000;  // bound on one commit's size (memory and latency)
  // Gathering a group: once a request is queued, keep taking more while they still arrive
  // (each within `group_quiet` of the last), for at most `group_wait`. 0: commit what is queued
  // at once. Worth it where a commit costs round trips whatever its size (MongoDB): answers of
  // one group come back over a few milliseconds, and without gathering their clients' next
  // requests split into many small groups.
  std::chrono::microseconds group_wait{0};
  std::chrono::microseconds group_quiet{300};
  PipelineMetrics metrics;
};

struct PipelineStats {
  uint64_t commits = 0;
  uint64_t requests = 0;
  uint64_t trades = 0;
  uint64_t failed_commits = 0;
};

class Pipeline {
 public:
  using Completion = std::function<void(const Status&, store::AppendRequest&)>;

  Pipeline(store::TradeStore& store, BookUpdater& book, PipelineConfig config = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void Start();
  // Commits what is queued, then stops the writer. Later submissions fail with kUnavailable.
  void Stop();

  void Submit(store::AppendRequest request, Completion done);
  PipelineStats stats() const;

 private:
  struct Pending {
    store::AppendRequest request;
    Completion done;
  };

  void WriterLoop();
  // With group_wait: waits (mutex_ held by `lock`) while requests keep arriving.
  void GatherLocked(std::unique_lock<std::mutex>& lock);
  void CommitGroup(std::deque<Pending>& group);
  void Measure(const std::vector<store::AppendRequest*>& requests, size_t trades, const Status& status,
               std::chrono::microseconds commit_time) const;

  store::TradeStore& store_;
  BookUpdater& book_;
  PipelineConfig config_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;      // guarded by mutex_
  PipelineStats stats_;        // guarded by mutex_
  std::thread writer_;
};

}  // namespace tradeagg::ingest
