#include "tradeagg/lake/trades_parquet_writer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "testing/duckdb_session.h"
#include "testing/trade_rows.h"

namespace tradeagg::lake {
namespace {

namespace field = iceberg::trades_field;
using domain::Side;
using domain::Trade;

std::string Bytes(std::initializer_list<unsigned char> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

Decimal D(const char* text) { return *Decimal::Parse(text); }

// A deterministic trade for store sequence `seq` on `date`; values vary across the columns'
// ranges (8-place prices, 15-digit notionals, microsecond times).
Trade MakeTrade(int64_t seq, Date date) {
  Trade t;
  t.trade_id = "T-" + std::to_string((seq * 7919) % 100003);
  t.participant = "member-" + std::to_string(seq % 17);
  t.counterparty = "member-" + std::to_string(17 + seq % 5);
  t.instrument = seq % 2 == 0 ? "US0378331005" : "DE0007164600";
  t.side = seq % 3 == 0 ? Side::kSell : Side::kBuy;
  t.quantity = 1 + (seq * 104729) % 1'000'000;
  t.price = Decimal::FromUnits(int128{1} + (int128{seq} * 982451653) % 999'999'999'999'999'999);
  t.notional = t.price * t.quantity;
  t.currency = seq % 4 == 0 ? "USD" : "EUR";
  Timestamp midnight = Timestamp::FromMicros(int64_t{date.days()} * 86'400'000'000);
  t.trade_time = Timestamp::FromMicros(midnight.micros() + 1 + (seq * 7'777'777) % 86'399'999'999);
  t.received_at = Timestamp::FromMicros(t.trade_time.micros() + 123 + seq % 1000);
  t.business_date = date;
  t.seq = seq;
  return t;
}

class TradesParquetWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir =
        (std::filesystem::temp_directory_path() / "tradeagg-parquet-writer-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  engine::QueryResult MustQuery(const std::string& sql) { return duckdb_.MustQuery(sql); }

  std::string Quoted(const std::filesystem::path& path) {
    return engine::QuoteLiteral(path.string());
  }

  std::filesystem::path dir_;
  testing::DuckDbSession duckdb_;
  engine::Connection& conn_ = duckdb_.connection();
  const Date date_ = Date::FromCivil(2026, 11, 24);
};

TEST_F(TradesParquetWriterTest, EveryValueReadsBackExactlyInSeqOrder) {
  std::vector<Trade> trades;
  for (int64_t seq = 1; seq <= 5000; ++seq) trades.push_back(MakeTrade(seq, date_));
  // Edge values: the widest price and notional the validator allows, the smallest amounts.
  trades[0].price = D("9999999999.99999999");
  trades[0].notional = D("999999999999999.99999999");
  trades[1].price = D("0.00000001");
  trades[1].notional = D("0.00000001");
  trades[1].quantity = 1;
  trades[2].trade_id = "id with 'quote' and ünïcode";

  std::filesystem::path path = dir_ / "trades.parquet";
  TradesParquetWriter writer(conn_);
  // The writer keeps the order it is given and refuses any other than seq order.
  std::vector<Trade> reversed(trades.rbegin(), trades.rend());
  Result<iceberg::DataFile> refused = writer.Write(reversed, path, "file:///lake/trades.parquet");
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(path));
  Result<iceberg::DataFile> file = writer.Write(trades, path, "file:///lake/trades.parquet");
  ASSERT_TRUE(file.ok()) << file.status().ToString();

  engine::QueryResult r = MustQuery("SELECT * FROM read_parquet(" + Quoted(path) + ")");
  testing::ExpectTradeRows(r, trades);
  // The Parquet column types are the Iceberg types' Parquet forms.
  EXPECT_EQ(r.column_type(6).name, "DECIMAL(18,8)");
  EXPECT_EQ(r.column_type(7).name, "DECIMAL(38,8)");
  EXPECT_EQ(r.column_type(9).id, engine::TypeId::kTimestampTz);
  EXPECT_EQ(r.column_type(11).id, engine::TypeId::kDate);
}

TEST_F(TradesParquetWriterTest, FileCarriesIcebergFieldIdsAndPhysicalTypes) {
  std::vector<Trade> trades = {MakeTrade(1, date_), MakeTrade(2, date_)};
  std::filesystem::path path = dir_ / "ids.parquet";
  TradesParquetWriter writer(conn_);
  ASSERT_TRUE(writer.Write(trades, path, "file:///x").ok());
  Status verified = VerifyTradesFieldIds(conn_, path);
  EXPECT_TRUE(verified.ok()) << verified.ToString();

  engine::QueryResult s = MustQuery(
      "SELECT name, field_id, type, type_length, logical_type, converted_type "
      "FROM parquet_schema(" + Quoted(path) + ") WHERE field_id IS NOT NULL ORDER BY field_id");
  ASSERT_EQ(s.row_count(), 13u);
  const char* names[] = {"trade_id", "participant", "counterparty", "instrument", "side",
                         "quantity", "price", "notional", "currency", "trade_time",
                         "received_at", "business_date", "seq"};
  for (uint64_t row = 0; row < 13; ++row) {
    EXPECT_EQ(*s.GetString(0, row), names[row]);
    EXPECT_EQ(*s.GetInt64(1, row), static_cast<int64_t>(row + 1));
  }
  EXPECT_EQ(*s.GetString(2, field::kPrice - 1), "INT64");
  EXPECT_EQ(*s.GetString(2, field::kNotional - 1), "FIXED_LEN_BYTE_ARRAY");
  EXPECT_EQ(*s.GetString(3, field::kNotional - 1), "16");
  EXPECT_EQ(*s.GetString(2, field::kTradeTime - 1), "INT64");
  std::string ts_logical = *s.GetString(4, field::kTradeTime - 1);
  EXPECT_NE(ts_logical.find("isAdjustedToUTC=1"), std::string::npos) << ts_logical;
  EXPECT_NE(ts_logical.find("MICROS=MicroSeconds()"), std::string::npos) << ts_logical;
  EXPECT_EQ(*s.GetString(2, field::kBusinessDate - 1), "INT32");
  EXPECT_EQ(*s.GetString(5, field::kBusinessDate - 1), "DATE");
  EXPECT_EQ(*s.GetString(5, field::kTradeId - 1), "UTF8");

  engine::QueryResult codecs = MustQuery(
      "SELECT DISTINCT compression FROM parquet_metadata(" + Quoted(path) + ")");
  ASSERT_EQ(codecs.row_count(), 1u);
  EXPECT_EQ(*codecs.GetString(0, 0), "ZSTD");
}

TEST_F(TradesParquetWriterTest, VerifyRejectsFilesWithoutOrWithWrongFieldIds) {
  std::filesystem::path plain = dir_ / "plain.parquet";
  ASSERT_TRUE(conn_.Execute("COPY (SELECT 'a' AS trade_id) TO " + Quoted(plain) +
                            " (FORMAT parquet)").ok());
  Status missing = VerifyTradesFieldIds(conn_, plain);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.message().find("no field id"), std::string::npos) << missing.message();

  std::filesystem::path wrong = dir_ / "wrong.parquet";
  ASSERT_TRUE(conn_.Execute("COPY (SELECT 'a' AS trade_id) TO " + Quoted(wrong) +
                            " (FORMAT parquet, FIELD_IDS {trade_id: 5})").ok());
  Status mismatch = VerifyTradesFieldIds(conn_, wrong);
  EXPECT_EQ(mismatch.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mismatch.message().find("expected 1"), std::string::npos) << mismatch.message();

  std::filesystem::path partial = dir_ / "partial.parquet";
  ASSERT_TRUE(conn_.Execute("COPY (SELECT 'a' AS trade_id) TO " + Quoted(partial) +
                            " (FORMAT parquet, FIELD_IDS {trade_id: 1})").ok());
  Status incomplete = VerifyTradesFieldIds(conn_, partial);
  EXPECT_EQ(incomplete.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(incomplete.message().find("participant"), std::string::npos) << incomplete.message();
}

TEST_F(TradesParquetWriterTest, DataFileStatisticsMatchTheFile) {
  std::vector<Trade> trades;
  for (int64_t seq = 100; seq < 10100; ++seq) trades.push_back(MakeTrade(seq, date_));
  std::filesystem::path path = dir_ / "stats.parquet";
  TradesParquetWriterOptions options;
  options.row_group_size = 2048;  // several row groups, so several split offsets
  TradesParquetWriter writer(conn_, options);
  Result<iceberg::DataFile> file = writer.Write(trades, path, "file:///lake/stats.parquet");
  ASSERT_TRUE(file.ok()) << file.status().ToString();

  EXPECT_EQ(file->content, iceberg::DataFileContent::kData);
  EXPECT_EQ(file->file_path, "file:///lake/stats.parquet");
  EXPECT_EQ(file->file_format, "PARQUET");
  EXPECT_EQ(file->partition_dates, std::vector<int32_t>{date_.days()});
  EXPECT_EQ(file->record_count, 10000);
  EXPECT_EQ(file->file_size_in_bytes, static_cast<int64_t>(std::filesystem::file_size(path)));
  EXPECT_EQ(file->sort_order_id, 0);

  engine::QueryResult sizes = MustQuery(
      "SELECT path_in_schema, sum(total_compressed_size)::BIGINT FROM parquet_metadata(" +
      Quoted(path) + ") GROUP BY path_in_schema");
  ASSERT_EQ(file->column_sizes.size(), 13u);
  for (uint64_t row = 0; row < sizes.row_count(); ++row) {
    std::string name = *sizes.GetString(0, row);
    const char* names[] = {"trade_id", "participant", "counterparty", "instrument", "side",
                           "quantity", "price", "notional", "currency", "trade_time",
                           "received_at", "business_date", "seq"};
    int32_t id = static_cast<int32_t>(std::find(std::begin(names), std::end(names), name) -
                                      std::begin(names)) + 1;
    ASSERT_LE(id, 13) << name;
    EXPECT_EQ(file->column_sizes.at(id), *sizes.GetInt64(1, row)) << name;
  }
  for (int32_t id = 1; id <= 13; ++id) {
    EXPECT_GT(file->column_sizes.at(id), 0) << id;
    EXPECT_EQ(file->value_counts.at(id), 10000) << id;
    EXPECT_EQ(file->null_value_counts.at(id), 0) << id;
    EXPECT_TRUE(file->lower_bounds.contains(id)) << id;
    EXPECT_TRUE(file->upper_bounds.contains(id)) << id;
  }

  engine::QueryResult groups = MustQuery(
      "SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" + Quoted(path) + ")");
  int64_t group_count = *groups.GetInt64(0, 0);
  EXPECT_GT(group_count, 1);
  ASSERT_EQ(static_cast<int64_t>(file->split_offsets.size()), group_count);
  EXPECT_EQ(file->split_offsets.front(), 4);  // just after the "PAR1" magic
  EXPECT_TRUE(std::is_sorted(file->split_offsets.begin(), file->split_offsets.end()));
  EXPECT_LT(file->split_offsets.back(), file->file_size_in_bytes);
}

TEST_F(TradesParquetWriterTest, BoundsAreSingleValueBinaryOfTheExtremes) {
  std::vector<Trade> trades = {MakeTrade(7, date_), MakeTrade(8, date_), MakeTrade(9, date_)};
  trades[0].trade_id = "B-2";
  trades[1].trade_id = "A-1";
  trades[2].trade_id = "C-3";
  trades[0].price = D("1.5");
  trades[1].price = D("1.25");
  trades[2].price = D("-0.00000001");  // not a valid trade, but bounds must handle the sign
  trades[0].notional = D("150");
  trades[1].notional = D("300");
  trades[2].notional = D("1000000");
  trades[0].quantity = 100;
  trades[1].quantity = 150;
  trades[2].quantity = 1;
  trades[0].side = Side::kBuy;
  trades[1].side = Side::kSell;
  trades[2].side = Side::kBuy;
  trades[0].trade_time = *Timestamp::Parse("2026-11-24T09:30:00.000001Z");
  trades[1].trade_time = *Timestamp::Parse("2026-11-24T08:00:00Z");
  trades[2].trade_time = *Timestamp::Parse("2026-11-24T17:59:59.999999Z");
  std::filesystem::path path = dir_ / "bounds.parquet";
  TradesParquetWriter writer(conn_);
  Result<iceberg::DataFile> file = writer.Write(trades, path, "file:///b");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const auto& lo = file->lower_bounds;
  const auto& hi = file->upper_bounds;

  EXPECT_EQ(lo.at(field::kTradeId), "A-1");
  EXPECT_EQ(hi.at(field::kTradeId), "C-3");
  EXPECT_EQ(lo.at(field::kSide), "BUY");
  EXPECT_EQ(hi.at(field::kSide), "SELL");
  // price: 1.5 at scale 8 is unscaled 150000000 = 0x08F0D180; -0.00000001 is unscaled -1 = 0xFF.
  EXPECT_EQ(hi.at(field::kPrice), Bytes({0x08, 0xF0, 0xD1, 0x80}));
  EXPECT_EQ(lo.at(field::kPrice), Bytes({0xFF}));
  // notional 150 -> 15000000000 = 0x037E11D600; 1000000 -> 10^14 = 0x5AF3107A4000.
  EXPECT_EQ(lo.at(field::kNotional), Bytes({0x03, 0x7E, 0x11, 0xD6, 0x00}));
  EXPECT_EQ(hi.at(field::kNotional), Bytes({0x5A, 0xF3, 0x10, 0x7A, 0x40, 0x00}));
  EXPECT_EQ(lo.at(field::kQuantity), Bytes({1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(hi.at(field::kQuantity), Bytes({150, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(lo.at(field::kSeq), Bytes({7, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(hi.at(field::kSeq), Bytes({9, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(lo.at(field::kTradeTime), single_value::TimestampMicros(trades[1].trade_time));
  EXPECT_EQ(hi.at(field::kTradeTime), single_value::TimestampMicros(trades[2].trade_time));
  // 2026-11-24 is day 20781 = 0x512D.
  ASSERT_EQ(date_.days(), 20781);
  EXPECT_EQ(lo.at(field::kBusinessDate), Bytes({0x2D, 0x51, 0x00, 0x00}));
  EXPECT_EQ(hi.at(field::kBusinessDate), Bytes({0x2D, 0x51, 0x00, 0x00}));
}

TEST(SingleValueTest, DecimalIsMinimalBigEndianTwosComplement) {
  using single_value::DecimalUnscaled;
  EXPECT_EQ(DecimalUnscaled(0), Bytes({0x00}));
  EXPECT_EQ(DecimalUnscaled(1), Bytes({0x01}));
  EXPECT_EQ(DecimalUnscaled(-1), Bytes({0xFF}));
  EXPECT_EQ(DecimalUnscaled(127), Bytes({0x7F}));
  EXPECT_EQ(DecimalUnscaled(128), Bytes({0x00, 0x80}));
  EXPECT_EQ(DecimalUnscaled(-128), Bytes({0x80}));
  EXPECT_EQ(DecimalUnscaled(-129), Bytes({0xFF, 0x7F}));
  EXPECT_EQ(DecimalUnscaled(255), Bytes({0x00, 0xFF}));
  EXPECT_EQ(DecimalUnscaled(256), Bytes({0x01, 0x00}));
  EXPECT_EQ(DecimalUnscaled(150000000), Bytes({0x08, 0xF0, 0xD1, 0x80}));
  EXPECT_EQ(DecimalUnscaled(-150000000), Bytes({0xF7, 0x0F, 0x2E, 0x80}));
  int128 max128 = static_cast<int128>((~uint128{0}) >> 1);
  EXPECT_EQ(DecimalUnscaled(max128),
            Bytes({0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                   0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(DecimalUnscaled(-max128 - 1),
            Bytes({0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(SingleValueTest, FixedWidthValuesAreLittleEndian) {
  EXPECT_EQ(single_value::Long(1), Bytes({1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(single_value::Long(-2), Bytes({0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(single_value::Long(0x0102030405060708),
            Bytes({0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}));
  EXPECT_EQ(single_value::DateDays(Date::FromDays(-1)), Bytes({0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(single_value::TimestampMicros(Timestamp::FromMicros(1'000'000)),
            Bytes({0x40, 0x42, 0x0F, 0, 0, 0, 0, 0}));
  EXPECT_EQ(single_value::String("é"), "\xC3\xA9");
}

TEST_F(TradesParquetWriterTest, RefusesEmptyAndMixedDateBatches) {
  TradesParquetWriter writer(conn_);
  std::filesystem::path path = dir_ / "refused.parquet";
  Result<iceberg::DataFile> empty = writer.Write({}, path, "file:///x");
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  std::vector<Trade> mixed = {MakeTrade(1, date_), MakeTrade(2, date_ + 1)};
  Result<iceberg::DataFile> result = writer.Write(mixed, path, "file:///x");
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("2026-11-25"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(TradesParquetWriterTest, FailedWriteLeavesNoFileAndNoView) {
  TradesParquetWriter writer(conn_);
  std::vector<Trade> trades = {MakeTrade(1, date_)};
  Result<iceberg::DataFile> result =
      writer.Write(trades, dir_ / "no-such-dir" / "t.parquet", "file:///x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable) << result.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "no-such-dir" / "t.parquet"));
  EXPECT_EQ(MustQuery("SELECT * FROM duckdb_views() WHERE NOT internal").row_count(), 0u);

  // A connection that does not keep insertion order cannot produce a seq-ordered file.
  ASSERT_TRUE(conn_.Execute("SET preserve_insertion_order = false").ok());
  Result<iceberg::DataFile> unordered = writer.Write(trades, dir_ / "u.parquet", "file:///x");
  EXPECT_EQ(unordered.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "u.parquet"));
}

TEST_F(TradesParquetWriterTest, OneWriterWritesManyFilesOnOneConnection) {
  TradesParquetWriter writer(conn_);
  for (int i = 0; i < 3; ++i) {
    std::vector<Trade> trades;
    for (int64_t seq = i * 10 + 1; seq <= i * 10 + 10; ++seq) {
      trades.push_back(MakeTrade(seq, date_ + i));
    }
    std::filesystem::path path = dir_ / ("batch-" + std::to_string(i) + ".parquet");
    Result<iceberg::DataFile> file = writer.Write(trades, path, "file:///x");
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_EQ(file->partition_dates, std::vector<int32_t>{(date_ + i).days()});
    engine::QueryResult r =
        MustQuery("SELECT min(seq), max(seq), count(*) FROM read_parquet(" + Quoted(path) + ")");
    EXPECT_EQ(*r.GetInt64(0, 0), i * 10 + 1);
    EXPECT_EQ(*r.GetInt64(1, 0), i * 10 + 10);
    EXPECT_EQ(*r.GetInt64(2, 0), 10);
  }
}

// Trades of two dates interleaved, many row groups each, on more threads than the machine has
// cores: each date's file holds exactly its trades, in seq order.
TEST_F(TradesParquetWriterTest, ManyRowGroupsOfInterleavedDatesKeepSeqOrderOnEveryThread) {
  ASSERT_TRUE(conn_.Execute("SET threads = 4").ok());
  TradesParquetWriterOptions options;
  options.row_group_size = 1000;
  TradesParquetWriter writer(conn_, options);
  for (int64_t seq = 1; seq <= 30'000; ++seq) {
    ASSERT_TRUE(writer.Add(MakeTrade(seq, seq % 3 == 0 ? date_ + 1 : date_)).ok());
  }
  ASSERT_EQ(writer.staged_dates().size(), 2u);
  for (const auto& [date, count] : writer.staged_dates()) {
    std::filesystem::path path = dir_ / (date.ToString() + ".parquet");
    Result<iceberg::DataFile> file = writer.WriteDate(date, path, "file:///x");
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_EQ(file->record_count, count);
    engine::QueryResult r = MustQuery("SELECT seq, business_date FROM read_parquet(" + Quoted(path) + ")");
    ASSERT_EQ(static_cast<int64_t>(r.row_count()), count);
    int64_t previous = 0;
    for (uint64_t row = 0; row < r.row_count(); ++row) {
      int64_t seq = *r.GetInt64(0, row);
      ASSERT_GT(seq, previous) << "row " << row << " of " << date.ToString();
      ASSERT_EQ(seq % 3 == 0, date == date_ + 1) << "seq " << seq;
      ASSERT_EQ(*r.GetDate(1, row), date);
      previous = seq;
    }
  }
}

// A feed over `trades` in batches of `batch`, failing with `error` (if set) at trade `fail_at`.
TradesParquetWriter::TradeFeed FeedOf(const std::vector<Trade>& trades, size_t batch, size_t* position,
                                      Status error = Status::Ok(), size_t fail_at = 0) {
  return [&trades, batch, position, error, fail_at]() -> Result<std::span<const Trade>> {
    if (!error.ok() && *position >= fail_at) return error;
    size_t n = std::min(batch, trades.size() - *position);
    std::span<const Trade> next(trades.data() + *position, n);
    *position += n;
    return next;
  };
}

// Trades of two dates interleaved, fed in batches while the first date's file is written on
// more threads than the machine has cores: that file holds exactly its trades in seq order,
// the other date is staged and written after, and both have every trade.
TEST_F(TradesParquetWriterTest, WritesOneDateWhileTheRestIsAdded) {
  ASSERT_TRUE(conn_.Execute("SET threads = 4").ok());
  TradesParquetWriterOptions options;
  options.row_group_size = 1000;
  TradesParquetWriter writer(conn_, options);
  std::vector<Trade> trades;
  for (int64_t seq = 1; seq <= 20'000; ++seq) trades.push_back(MakeTrade(seq, seq % 4 == 0 ? date_ + 1 : date_));
  ASSERT_TRUE(writer.Add(trades[0]).ok());
  size_t position = 1;
  Result<iceberg::DataFile> first =
      writer.WriteDateWhileAdding(date_, dir_ / "first.parquet", "file:///first", FeedOf(trades, 777, &position));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(position, trades.size());
  EXPECT_EQ(first->record_count, 15'000);
  EXPECT_EQ(writer.staged_trades(), 20'000);
  Result<iceberg::DataFile> second = writer.WriteDate(date_ + 1, dir_ / "second.parquet", "file:///second");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->record_count, 5'000);

  std::vector<Trade> first_date, second_date;
  for (const Trade& t : trades) (t.business_date == date_ ? first_date : second_date).push_back(t);
  testing::ExpectTradeRows(MustQuery("SELECT * FROM read_parquet(" + Quoted(dir_ / "first.parquet") + ")"), first_date);
  testing::ExpectTradeRows(MustQuery("SELECT * FROM read_parquet(" + Quoted(dir_ / "second.parquet") + ")"),
                           second_date);
  // The bounds cover what came through the feed, not only what was staged at the call.
  EXPECT_EQ(first->upper_bounds.at(field::kSeq), single_value::Long(19'999));
}

TEST_F(TradesParquetWriterTest, AFeedThatFailsWhileWritingFailsTheWriteWithItsStatus) {
  std::vector<Trade> trades;
  for (int64_t seq = 1; seq <= 5'000; ++seq) trades.push_back(MakeTrade(seq, date_));
  TradesParquetWriterOptions options;
  options.row_group_size = 1000;
  TradesParquetWriter writer(conn_, options);
  ASSERT_TRUE(writer.Add(trades[0]).ok());
  size_t position = 1;
  Result<iceberg::DataFile> file =
      writer.WriteDateWhileAdding(date_, dir_ / "f.parquet", "file:///f",
                                  FeedOf(trades, 500, &position, Status::Unavailable("store went away"), 3'000));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kUnavailable) << file.status().ToString();
  EXPECT_NE(file.status().message().find("store went away"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "f.parquet"));
  EXPECT_EQ(writer.Add(MakeTrade(9'999, date_)).code(), StatusCode::kUnavailable);  // failed until Reset

  // A trade the writer refuses, arriving through the feed, fails it the same way.
  writer.Reset();
  trades[2'500].price = Decimal::FromUnits(int128{1'000'000'000'000'000'000});  // 19 digits
  ASSERT_TRUE(writer.Add(trades[0]).ok());
  position = 1;
  file = writer.WriteDateWhileAdding(date_, dir_ / "g.parquet", "file:///g", FeedOf(trades, 500, &position));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument) << file.status().ToString();
  EXPECT_NE(file.status().message().find("price"), std::string::npos) << file.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "g.parquet"));
}

TEST_F(TradesParquetWriterTest, HundredThousandTrades) {
  std::vector<Trade> trades;
  trades.reserve(100'000);
  for (int64_t seq = 1; seq <= 100'000; ++seq) trades.push_back(MakeTrade(seq, date_));
  TradesParquetWriter writer(conn_);
  std::filesystem::path path = dir_ / "big.parquet";
  auto start = std::chrono::steady_clock::now();
  Result<iceberg::DataFile> file = writer.Write(trades, path, "file:///big");
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->record_count, 100'000);
  std::printf("[ timing   ] 100000 trades -> %lld bytes of Parquet in %lld ms\n",
              static_cast<long long>(file->file_size_in_bytes),
              static_cast<long long>(elapsed.count()));
  engine::QueryResult r = MustQuery("SELECT count(*), sum(notional) FROM read_parquet(" +
                                    Quoted(path) + ")");
  Decimal expected;
  for (const Trade& t : trades) expected += t.notional;
  EXPECT_EQ(*r.GetInt64(0, 0), 100'000);
  EXPECT_EQ(*r.GetDecimal(1, 0), expected);
}

}  // namespace
}  // namespace tradeagg::lake
