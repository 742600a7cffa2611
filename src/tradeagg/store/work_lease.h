// WorkLease: which one of the instances sharing a store does a piece of background work that
// should run in one place at a time (the lake export and its orphan sweep).
//
// Contract:
// - Hold() answers whether this instance holds the lease now: it takes the lease when it is
//   free or its holder's time has run out, renews it when this instance holds it, and answers
//   false while another instance holds an unexpired one. Call it more often than the lease's
//   time, or the lease lapses and another instance takes it.
// - A lease is who works, not what keeps the work correct: two holders for a moment (a paused
//   process, clocks apart) must be harmless. The lake export is exactly once by the catalog's
//   compare-and-swap of the watermark in the snapshot summary, whoever exports.
// - kUnavailable from Hold(): the store could not be asked; treat it as not holding.
// - FromItself(): after a Hold() that answered true, whether nobody but this instance (this
//   process, or an earlier life of it under the same instance id) held the lease before: then
//   whatever a crashed holder left half done is this instance's own to clean up at once.
// Implementations: SoleWorkLease (a store this process alone writes), store/mongo.
// Thread safety: Hold() is called from one thread (the worker that needs the lease).
#pragma once

#include "tradeagg/core/status.h"

namespace tradeagg::store {

class WorkLease {
 public:
  virtual ~WorkLease() = default;
  virtual Result<bool> Hold() = 0;
  virtual bool FromItself() const = 0;
};

// The lease of a store nobody else writes (SQLite in the data directory): always held.
class SoleWorkLease final : public WorkLease {
 public:
  Result<bool> Hold() override { return true; }
  bool FromItself() const override { return true; }
};

}  // namespace tradeagg::store
