#include "tradeagg/ingest/pipeline.h"

#include <vector>

#include <pthread.h>

#include <spdlog/spdlog.h>

namespace tradeagg::ingest {

Pipeline::Pipeline(store::TradeStore& store, BookUpdater& book, PipelineConfig config)
    : store_(store), book_(book), config_(config) {}

Pipeline::~Pipeline() { Stop(); }

void Pipeline::Start() {
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ingest-writer");
    WriterLoop();
  });
}

void Pipeline::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void Pipeline::Submit(store::AppendRequest request, Completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(request), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Status::Unavailable("the service is shutting down"), request);
}

PipelineStats Pipeline::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Pipeline::WriterLoop() {
  std::deque<Pending> group;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      GatherLocked(lock);
      // Take whole requests until the bound; always at least one, however large.
      size_t trades = 0;
      while (!queue_.empty() && (group.empty() || trades + queue_.front().request.trades.size() <=
                                                       config_.max_group_trades)) {
        trades += queue_.front().request.trades.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(group);
    group.clear();
  }
}

void Pipeline::GatherLocked(std::unique_lock<std::mutex>& lock) {
  if (config_.group_wait.count() <= 0) return;
  const auto until = std::chrono::steady_clock::now() + config_.group_wait;
  size_t trades = 0;
  for (const Pending& p : queue_) trades += p.request.trades.size();
  while (!stopping_ && trades < config_.max_group_trades && std::chrono::steady_clock::now() < until) {
    const size_t before = queue_.size();
    wake_.wait_for(lock, config_.group_quiet, [&] { return stopping_ || queue_.size() != before; });
    if (queue_.size() == before) return;  // quiet: nobody else is coming soon
    for (size_t i = before; i < queue_.size(); ++i) trades += queue_[i].request.trades.size();
  }
}

void Pipeline::CommitGroup(std::deque<Pending>& group) {
  std::vector<store::AppendRequest*> requests;
  requests.reserve(group.size());
  size_t trades = 0;
  for (Pending& p : group) {
    requests.push_back(&p.request);
    trades += p.request.trades.size();
  }
  const auto start = std::chrono::steady_clock::now();
  Status status = store_.Append(requests);
  Measure(requests, trades, status,
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start));
  if (status.ok()) {
    book_.Committed(requests);
  } else {
    spdlog::error("group commit of {} requests ({} trades) failed: {}", group.size(), trades, status.ToString());
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.commits;
    stats_.requests += group.size();
    stats_.trades += trades;
    if (!status.ok()) ++stats_.failed_commits;
  }
  for (Pending& p : group) p.done(status, p.request);
}

void Pipeline::Measure(const std::vector<store::AppendRequest*>& requests, size_t trades, const Status& status,
                       std::chrono::microseconds commit_time) const {
  const PipelineMetrics& m = config_.metrics;
  if (m.batch_trades != nullptr) m.batch_trades->Observe(static_cast<int64_t>(trades));
  if (m.commit_micros != nullptr) m.commit_micros->Observe(commit_time.count());
  if (!status.ok()) {
    if (m.store_errors != nullptr) m.store_errors->Increment();
    return;
  }
  int64_t accepted = 0, duplicate = 0, conflicting = 0;
  for (const store::AppendRequest* request : requests) {
    if (request->conflict_index) {
      ++conflicting;  // the request is rolled back: its other trades are neither stored nor duplicates
      continue;
    }
    for (store::AppendOutcome outcome : request->outcomes) {
      if (outcome == store::AppendOutcome::kAccepted) ++accepted;
      if (outcome == store::AppendOutcome::kDuplicate) ++duplicate;
    }
  }
  if (m.accepted != nullptr) m.accepted->Increment(accepted);
  if (m.duplicate != nullptr) m.duplicate->Increment(duplicate);
  if (m.conflicting != nullptr) m.conflicting->Increment(conflicting);
}

}  // namespace tradeagg::ingest
