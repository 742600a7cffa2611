// The TradeStore contract (store/trade_store.h), one typed suite that every implementation
// passes: the SQLite store, the in-memory fake the ingest, api and agg tests use, and (in
// tests/unit/store/mongo) the MongoDB store against a real server.
#include "store/trade_store_contract.h"

#include <memory>

#include "testing/in_memory_trade_store.h"
#include "testing/temp_dir.h"
#include "tradeagg/store/sqlite/sqlite_trade_store.h"

namespace tradeagg::store {
namespace {

class SqliteTrades {
 public:
  Result<std::unique_ptr<TradeStore>> Open() {
    ASSIGN_OR_RETURN(auto store, SqliteTradeStore::Open(dir_ / "tradeagg.db"));
    return std::unique_ptr<TradeStore>(std::move(store));
  }
  static constexpr bool kPersists = true;

 private:
  testing::TempDir dir_{"tradeagg-trades"};
};

class InMemoryTrades {
 public:
  // One store for the fixture's life, so that "reopening" finds what was written.
  Result<std::unique_ptr<TradeStore>> Open() {
    class Handle final : public TradeStore {
     public:
      explicit Handle(TradeStore& target) : target_(target) {}
      Status Append(std::span<AppendRequest* const> requests) override { return target_.Append(requests); }
      Result<std::optional<domain::Trade>> FindTrade(std::string_view participant,
                                                     std::string_view trade_id) override {
        return target_.FindTrade(participant, trade_id);
      }
      Result<TradePage> ListTrades(const TradeQuery& query) override { return target_.ListTrades(query); }
      Status ScanTrades(int64_t after_seq, size_t limit,
                        const std::function<void(const domain::Trade&)>& visit) override {
        return target_.ScanTrades(after_seq, limit, visit);
      }
      Result<int64_t> LastSeq() override { return target_.LastSeq(); }
      Result<int64_t> CountTrades(int64_t after_seq, int64_t through_seq) override {
        return target_.CountTrades(after_seq, through_seq);
      }
      Result<DateTradeCount> DateTotals(Date business_date) override { return target_.DateTotals(business_date); }

     private:
      TradeStore& target_;
    };
    return std::unique_ptr<TradeStore>(std::make_unique<Handle>(store_));
  }
  static constexpr bool kPersists = false;

 private:
  testing::InMemoryTradeStore store_;
};

using Implementations = ::testing::Types<SqliteTrades, InMemoryTrades>;
INSTANTIATE_TYPED_TEST_SUITE_P(Store, TradeStoreContract, Implementations);

}  // namespace
}  // namespace tradeagg::store
