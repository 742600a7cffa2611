// What the SQLite result store does beyond the ExposureStore contract (its file, rows of older
// schemas). The role's own rules are tested for every store by the contract suite
// (exposure_store_contract_test.cc).
#include "tradeagg/store/sqlite/sqlite_exposure_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "testing/exposure_row_builder.h"
#include "testing/temp_dir.h"
#include "tradeagg/store/sqlite/sqlite_db.h"
#include "tradeagg/store/sqlite/sqlite_trade_store.h"

namespace tradeagg::store {
namespace {

using domain::AggregationRun;
using domain::ExposureLevel;
using domain::RunKind;
using domain::RunStatus;

const Date kDay = Date::FromCivil(2026, 11, 24);
const Timestamp kNow = Timestamp::FromMicros(1'795'512'600'000'000);

class SqliteExposureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto store = SqliteExposureStore::Open(dir_ / "tradeagg.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  AggregationRun Create(RunKind kind, Date date = kDay) {
    auto run = store_->CreateRun({date, kind, "tester", std::nullopt, std::nullopt}, kNow);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return *run;
  }

  testing::TempDir dir_{"tradeagg-exposure-store-test"};
  std::unique_ptr<SqliteExposureStore> store_;
};

TEST_F(SqliteExposureStoreTest, RowsStoredBeforeTheSideSplitSayTheyHaveNone) {
  AggregationRun run = Create(RunKind::kEod);
  run.status = RunStatus::kSucceeded;
  const std::vector<domain::ExposureRow> rows = {
      testing::MakeExposureRow(ExposureLevel::kParticipant, "A", "", "USD")};  // 7 buys, 1 sell
  ASSERT_TRUE(store_->SaveResult(run, rows).ok());

  // A row of a run stored before schema 3, whose trades were on both sides: the migration could
  // not split them and left 0 and 0 beside the total.
  {
    Result<SqliteDb> raw = SqliteDb::Open(dir_ / "tradeagg.db", SqliteDb::Mode::kReadWriteCreate, 1000);
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    ASSERT_TRUE(raw->Exec("UPDATE exposures SET buy_trades = 0, sell_trades = 0").ok());
  }
  auto old = store_->LoadHistory({kDay, kDay, std::string("A")});
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  ASSERT_EQ(old->size(), 1u);
  ASSERT_EQ(old->front().rows.size(), 1u);
  const domain::ExposureTotals& totals = old->front().rows.front().totals;
  EXPECT_EQ(totals.trade_count, 8);
  EXPECT_FALSE(totals.side_counts_known());
}

TEST_F(SqliteExposureStoreTest, SharesTheFileWithTheTradeStore) {
  auto trades = SqliteTradeStore::Open(dir_ / "tradeagg.db");
  ASSERT_TRUE(trades.ok()) << trades.status().ToString();
  Create(RunKind::kEod);
  EXPECT_EQ(*(*trades)->LastSeq(), 0);
}

}  // namespace
}  // namespace tradeagg::store
