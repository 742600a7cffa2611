// PeriodicTask: runs a function on a thread of its own every `interval`, and at once when woken.
//
// For background work that polls a shared store (following other instances' trades, refreshing
// the user cache): Wake() asks for a run now without waiting for the interval; runs never
// overlap; Stop() waits for a run in progress and returns with none pending.
// Thread safety: Start and Stop from one owner thread; Wake from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace tradeagg {

class PeriodicTask {
 public:
  PeriodicTask(std::string thread_name, std::chrono::milliseconds interval, std::function<void()> run);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();
  void Stop();
  void Wake();

 private:
  void Loop();

  const std::string thread_name_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> run_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;     // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace tradeagg
