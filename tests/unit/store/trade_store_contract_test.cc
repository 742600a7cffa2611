// The TradeStore contract (store/trade_store.h), one typed suite that every implementation
// passes: the SQLite store, the in-memory fake the ingest, api and agg tests use, and (in
// tests/unit/store/mongo) the MongoDB store against a real server.
#include "store/trade_store_contract.h"

#include <memory>

#include "testing/forwarding_trade_store.h"
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
    return std::unique_ptr<TradeStore>(std::make_unique<testing::ForwardingTradeStore>(store_));
  }
  static constexpr bool kPersists = false;

 private:
  testing::InMemoryTradeStore store_;
};

using Implementations = ::testing::Types<SqliteTrades, InMemoryTrades>;
INSTANTIATE_TYPED_TEST_SUITE_P(Store, TradeStoreContract, Implementations);

}  // namespace
}  // namespace tradeagg::store
