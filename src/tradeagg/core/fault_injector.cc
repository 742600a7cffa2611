#include "tradeagg/core/fault_injector.h"

#include <atomic>
#include <map>
#include <mutex>

namespace tradeagg {

namespace {
std::mutex g_mutex;
std::map<std::string, int, std::less<>> g_armed;  // guarded by g_mutex
std::atomic<int> g_armed_points{0};
}  // namespace

FaultInjector& FaultInjector::Global() {
  static FaultInjector injector;
  return injector;
}

void FaultInjector::Arm(std::string_view point, int count) {
  std::lock_guard lock(g_mutex);
  if (count > 0) {
    g_armed[std::string(point)] = count;
  } else {
    g_armed.erase(std::string(point));
  }
  g_armed_points.store(static_cast<int>(g_armed.size()), std::memory_order_relaxed);
}

bool FaultInjector::Hit(std::string_view point) {
  if (g_armed_points.load(std::memory_order_relaxed) == 0) return false;
  std::lock_guard lock(g_mutex);
  auto it = g_armed.find(point);
  if (it == g_armed.end()) return false;
  if (--it->second == 0) {
    g_armed.erase(it);
    g_armed_points.store(static_cast<int>(g_armed.size()), std::memory_order_relaxed);
  }
  return true;
}

}  // namespace tradeagg
