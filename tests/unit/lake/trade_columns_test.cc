#include "tradeagg/lake/trade_columns.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/duckdb_session.h"
#include "testing/temp_dir.h"
#include "testing/trade_builder.h"
#include "testing/trade_rows.h"

namespace tradeagg::lake {
namespace {

using testing::Dec;

// Trade `seq`: values that differ in every column, so a row read from the wrong place shows.
domain::Trade NumberedTrade(int64_t seq) {
  domain::Trade t = testing::MakeTrade("member-" + std::to_string(seq % 7), "T-" + std::to_string(seq));
  t.counterparty = "cp-" + std::to_string(seq % 3);
  t.instrument = "XS" + std::to_string(1'000'000'000 + seq);
  t.side = seq % 2 == 0 ? domain::Side::kSell : domain::Side::kBuy;
  t.quantity = seq * 3;
  t.price = Decimal::FromUnits(int128{seq} * 12'345 + 1);
  t.notional = t.price * t.quantity;
  t.currency = seq % 2 == 0 ? "EUR" : "USD";
  t.trade_time = Timestamp::FromMicros(t.trade_time.micros() + seq);
  t.received_at = Timestamp::FromMicros(t.received_at.micros() + seq * 2);
  t.seq = seq;
  return t;
}

class TradeColumnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // More threads than chunks are big: DuckDB reads chunks concurrently, and order must hold.
    ASSERT_TRUE(conn_.Execute("SET threads = 4").ok());
  }

  engine::QueryResult MustQuery(const std::string& sql) { return duckdb_.MustQuery(sql); }

  // The stream as DuckDB copies it to Parquet, read back: every row, in the file's order.
  engine::QueryResult CopiedRows(TradeColumns& columns) {
    std::filesystem::path path = dir_ / ("copy-" + std::to_string(++copies_) + ".parquet");
    Status copied = conn_.CopyArrowStream(columns.Stream(), path, "FORMAT parquet");
    EXPECT_TRUE(copied.ok()) << copied.ToString();
    return MustQuery("SELECT * FROM read_parquet(" + engine::QuoteLiteral(path.string()) + ")");
  }

  testing::TempDir dir_;
  int copies_ = 0;
  testing::DuckDbSession duckdb_;
  engine::Connection& conn_ = duckdb_.connection();
};

TEST_F(TradeColumnsTest, DuckDbReadsEveryValueExactlyInTheOrderAdded) {
  TradeColumns columns(/*chunk_rows=*/1000);
  std::vector<domain::Trade> trades;
  for (int64_t seq = 1; seq <= 10'500; ++seq) trades.push_back(NumberedTrade(seq));
  // The extremes of each decimal column, and a string that needs quoting and is not ASCII.
  trades[0].price = Dec("9999999999.99999999");
  int128 widest_notional = 1;
  for (int i = 0; i < 38; ++i) widest_notional *= 10;
  trades[0].notional = Decimal::FromUnits(1 - widest_notional);  // 38 nines, negative
  trades[1].trade_id = "id with 'quote' and ünïcode";
  for (const domain::Trade& t : trades) ASSERT_TRUE(columns.Add(t).ok());
  EXPECT_EQ(columns.size(), 10'500);

  engine::QueryResult r = CopiedRows(columns);
  testing::ExpectTradeRows(r, trades);
  for (size_t c = 0; c < kTradeColumns.size(); ++c) EXPECT_EQ(r.column_name(c), kTradeColumns[c].name);
  EXPECT_EQ(r.column_type(6).name, "DECIMAL(18,8)");
  EXPECT_EQ(r.column_type(7).name, "DECIMAL(38,8)");
  EXPECT_EQ(r.column_type(9).id, engine::TypeId::kTimestampTz);
  EXPECT_EQ(r.column_type(11).id, engine::TypeId::kDate);
}

TEST_F(TradeColumnsTest, EveryStreamReadsEverythingFromTheFirstChunk) {
  TradeColumns columns(/*chunk_rows=*/100);
  for (int64_t seq = 1; seq <= 250; ++seq) ASSERT_TRUE(columns.Add(NumberedTrade(seq)).ok());
  for (int copy = 0; copy < 2; ++copy) {
    engine::QueryResult r = CopiedRows(columns);
    ASSERT_EQ(r.row_count(), 250u);
    EXPECT_EQ(*r.GetInt64(12, 0), 1);
    EXPECT_EQ(*r.GetInt64(12, 249), 250);
  }
  EXPECT_EQ(MustQuery("SELECT * FROM duckdb_views() WHERE NOT internal").row_count(), 0u);  // none left behind
}

TEST_F(TradeColumnsTest, AnEmptyStreamIsAnEmptyFile) {
  TradeColumns columns;
  EXPECT_EQ(CopiedRows(columns).row_count(), 0u);
}

TEST_F(TradeColumnsTest, RefusesAValueItsColumnCannotHoldNamingTheField) {
  TradeColumns columns;
  domain::Trade wide_price = NumberedTrade(1);
  wide_price.price = Decimal::FromUnits(int128{1'000'000'000'000'000'000});  // 19 digits
  Status refused = columns.Add(wide_price);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("price"), std::string::npos) << refused.ToString();

  domain::Trade wide_notional = NumberedTrade(2);
  int128 ten_pow_38 = 1;
  for (int i = 0; i < 38; ++i) ten_pow_38 *= 10;
  wide_notional.notional = Decimal::FromUnits(-ten_pow_38);
  refused = columns.Add(wide_notional);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("notional"), std::string::npos) << refused.ToString();

  EXPECT_EQ(columns.size(), 0);  // nothing of a refused trade is kept
  ASSERT_TRUE(columns.Add(NumberedTrade(3)).ok());
  engine::QueryResult r = CopiedRows(columns);
  ASSERT_EQ(r.row_count(), 1u);
  EXPECT_EQ(*r.GetInt64(12, 0), 3);
}

}  // namespace
}  // namespace tradeagg::lake
