// FaultInjector: named failure points for crash and failure tests.
//
// Production code asks `Fault("store.append.before_commit")` at the few places where a
// dependency can fail; normally that is one relaxed atomic load that returns false. Tests (and
// only servers started with fault injection enabled) arm a point for the next N hits. This is
// how the system tests make a real store transaction fail and roll back, and (later) kill the
// process between two steps of an export.
// Thread safety: all functions may be called from any thread.
#pragma once

#include <string>
#include <string_view>

namespace tradeagg {

class FaultInjector {
 public:
  static FaultInjector& Global();

  void Enable() { enabled_ = true; }
  bool enabled() const { return enabled_; }
  // The next `count` hits of `point` fail. count 0 disarms it.
  void Arm(std::string_view point, int count);
  // True when the point is armed (and consumes one hit). Cheap when nothing is armed.
  bool Hit(std::string_view point);

 private:
  bool enabled_ = false;
};

// Shorthand for the call sites.
inline bool Fault(std::string_view point) { return FaultInjector::Global().Hit(point); }

}  // namespace tradeagg
