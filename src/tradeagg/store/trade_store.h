// TradeStore: the system of record for trades. Users (UserStore) and aggregation results
// (ExposureStore) are roles of their own.
//
// Contract:
// - Append() is the durability point. When it returns OK, every accepted trade is on stable
//   storage (fsync'd, or the configured write concern, journaled) with a seq assigned.
// - What a seq promises, and all any caller may rely on:
//   - seqs are positive and unique; a trade keeps its seq forever;
//   - LastSeq() is a stable point: every trade with seq <= LastSeq() is readable now, and no
//     trade with a seq <= LastSeq() will ever be added. So "every trade with seq <= W" names a
//     fixed set once W <= LastSeq(), and a reader that has seen every trade up to W and then
//     reads (W, LastSeq()] has missed none;
//   - reads (FindTrade, ListTrades, ScanTrades, DateTotals, CountTrades) return only trades with
//     seq <= LastSeq() at the time of the read;
//   - seqs need not be dense: the SQLite store's are, MongoDB's have gaps (seqs reserved for
//     duplicates, conflicts and failed writes). Count trades with CountTrades, never by
//     subtracting seqs. Nor is seq order commit order across writers: several instances on one
//     MongoDB database interleave, and LastSeq() waits for the slowest of them.
// - Each AppendRequest is all or nothing: if one of its trades conflicts with a stored trade
//   (same participant and trade_id, different content), none of that request's trades are
//   stored and the request is marked; the other requests in the same call are unaffected.
// - A trade equal in content to a stored one (Trade::SameContentAs) is a duplicate: not stored
//   again, reported with the stored trade's seq and business date.
// - A non-OK status from Append() means nothing of that call was acknowledged. kUnavailable:
//   nothing was committed. kStateUnknown: the commit may or may not have happened; the caller
//   must not acknowledge, and a retry is answered correctly because appends are idempotent.
// Implementations: store/sqlite (embedded default); store/mongo.
// Thread safety: every method may be called from any thread; Append() calls are serialised by
// the caller (ingest::Pipeline is a process's only writer), reads may run concurrently with it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/domain/trade.h"

namespace tradeagg::store {

enum class AppendOutcome : uint8_t { kAccepted, kDuplicate, kConflict };

// One client request's trades, committed or rejected as a unit.
struct AppendRequest {
  std::vector<domain::Trade> trades;  // in: validated trades; out: seq set for accepted ones
  // Out, one per trade. For duplicates, seq and business_date are the stored trade's.
  std::vector<AppendOutcome> outcomes;
  std::vector<int64_t> seqs;
  std::vector<Date> business_dates;
  // Out: set when the request was rolled back because of this trade.
  std::optional<size_t> conflict_index;
};

struct TradeQuery {
  std::optional<std::string> participant;
  std::optional<Date> business_date;
  std::optional<std::string> instrument;
  int64_t after_seq = 0;  // cursor: only trades with a greater seq
  size_t limit = 100;
};

// The trades of one business date: how many, and the highest seq among them.
struct DateTradeCount {
  int64_t trades = 0;
  int64_t last_seq = 0;  // 0 when there are none
  bool operator==(const DateTradeCount&) const = default;
};

struct TradePage {
  std::vector<domain::Trade> trades;  // in seq order
  std::optional<int64_t> next_after_seq;  // set when more may follow
};

class TradeStore {
 public:
  virtual ~TradeStore() = default;

  virtual Status Append(std::span<AppendRequest* const> requests) = 0;

  virtual Result<std::optional<domain::Trade>> FindTrade(std::string_view participant,
                                                          std::string_view trade_id) = 0;
  virtual Result<TradePage> ListTrades(const TradeQuery& query) = 0;
  // Visits trades with seq > after_seq in seq order; at most `limit` (0 = no limit).
  virtual Status ScanTrades(int64_t after_seq, size_t limit,
                            const std::function<void(const domain::Trade&)>& visit) = 0;
  virtual Result<int64_t> LastSeq() = 0;  // the stable point (see above); 0 when empty
  // How many trades have after_seq < seq <= through_seq.
  virtual Result<int64_t> CountTrades(int64_t after_seq, int64_t through_seq) = 0;
  // The trades of `business_date` committed so far (late trades: compared with what a run of
  // the date counted). Kept up to date by Append, in the same commit, per date it touches.
  virtual Result<DateTradeCount> DateTotals(Date business_date) = 0;
};

}  // namespace tradeagg::store
