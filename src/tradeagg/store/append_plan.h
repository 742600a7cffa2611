// AppendPlan: the idempotency rules of TradeStore::Append, in one pure piece that every backend
// runs, so that SQLite and MongoDB cannot disagree on what a resubmission means.
//
// The rules, for one call of Append (several client requests, in order):
// - A trade whose (participant, trade_id) is free is accepted and gets the next seq.
// - A trade equal in content (Trade::SameContentAs) to the trade already holding its key is a
//   duplicate: not written again, reported with that trade's seq and business date. The holder
//   may be stored before the call, or accepted earlier in the same call (the same request or an
//   earlier one); a holder from this call wins, because it is what the call will store.
// - A trade that differs from the holder is a conflict: its whole request is undone (none of
//   its trades are stored, its seqs are given back so the next request reuses them) and the
//   rest of the request is not looked at. Other requests of the call are unaffected.
//
// The plan is told, trade by trade and in order, what the backend has stored under the trade's
// key before the call (or nothing), and answers what to do. It knows nothing of storage:
// SQLite asks after trying an insert, MongoDB after one query for the whole call's keys.
// Thread safety: not thread-safe; one plan per Append call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tradeagg/domain/trade.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::store {

class AppendPlan {
 public:
  enum class Decision : uint8_t {
    kInsert,     // accepted: write it with seq last_seq() (already set on the trade and in seqs)
    kDuplicate,  // do not write; outcome, seq and business date are set
    kConflict,   // its request is undone: discard what was written for it (seqs above
                 // undo_after_seq()) and go on with the next request
  };

  // How accepted trades are numbered.
  enum class Numbering : uint8_t {
    // Consecutively from last_seq + 1; an undone request gives its seqs back (SQLite: seqs are
    // dense).
    kDense,
    // The trade at flat position k of the call (requests in order, trades in order) gets
    // last_seq + 1 + k whatever happens to the others, so that a plan decided again with more
    // knowledge keeps the seqs of the trades both plans accept (MongoDB: it writes first and
    // learns which keys were taken from the write; the unused seqs are gaps).
    kPositional,
  };

  // Whether `stored`, as the caller passes it to Decide, already reflects this call's own writes.
  enum class Lookup : uint8_t {
    // Only what was stored before the call (MongoDB plans before it writes): the plan keeps
    // the keys the call takes itself.
    kBeforeCall,
    // The store's current state, this call's inserts and undos included (SQLite inserts each
    // trade before asking): the store already knows the call's keys, so the plan keeps none,
    // which keeps a hash table off the embedded default's append path.
    kIncludesCall,
  };

  // Starts a call: resets every request's out fields (outcomes kAccepted, seqs 0, dates unset,
  // no conflict, trades' seq 0). The first seq handed out is last_seq + 1.
  AppendPlan(std::span<AppendRequest* const> requests, int64_t last_seq, Numbering numbering = Numbering::kDense,
             Lookup lookup = Lookup::kBeforeCall);

  // Decides requests[r].trades[i]. Calls come in order: r ascending, i ascending within r,
  // and after a kConflict the next call is for request r + 1. `stored`: the trade holding the
  // same key (before this call, or now: see Lookup), nullptr when there is none.
  Decision Decide(size_t r, size_t i, const domain::Trade* stored);

  // Runs the whole call against a lookup of what is stored before it; returns the trades to
  // write, in seq order (pointers into the requests).
  using StoredLookup = std::function<const domain::Trade*(const domain::Trade& incoming)>;
  std::vector<const domain::Trade*> DecideAll(const StoredLookup& stored);

  // kDense: the highest seq handed out and not given back. kPositional: the call's last seq.
  int64_t last_seq() const { return last_seq_; }
  // After a kConflict: the request's writes are exactly the seqs above this.
  int64_t undo_after_seq() const { return request_seq_before_; }
  size_t trade_count() const { return trade_count_; }

 private:
  struct Holder {
    size_t request;
    size_t index;
  };
  // A trade's key as views into the requests' trades, which the plan does not outlive: no
  // allocation per trade on the append path.
  struct Key {
    std::string_view participant;
    std::string_view trade_id;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& key) const {
      const size_t h = std::hash<std::string_view>()(key.participant);
      return h ^ (std::hash<std::string_view>()(key.trade_id) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
    }
  };
  static Key KeyOf(const domain::Trade& trade) { return {trade.participant, trade.trade_id}; }
  void BeginRequest(size_t r);
  void UndoRequest(size_t r);

  std::span<AppendRequest* const> requests_;
  Numbering numbering_;
  Lookup lookup_;
  int64_t first_seq_;  // last_seq + 1 at the start
  std::vector<size_t> request_offsets_;  // flat position of each request's first trade
  int64_t last_seq_;
  int64_t request_seq_before_;
  size_t current_request_ = SIZE_MAX;
  size_t trade_count_ = 0;
  std::unordered_map<Key, Holder, KeyHash> taken_in_call_;
  std::vector<Key> request_keys_;  // the keys the current request added
};

}  // namespace tradeagg::store
