#include "tradeagg/engine/query_result.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "tradeagg/engine/database.h"

namespace tradeagg::engine {
namespace {

class EngineQueryResultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Database> db = Database::OpenInMemory();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    Result<Connection> conn = db_.Connect();
    ASSERT_TRUE(conn.ok());
    conn_ = std::move(conn).value();
  }

  QueryResult MustQuery(const std::string& sql) {
    Result<QueryResult> result = conn_.Query(sql);
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
    if (!result.ok()) std::abort();
    return std::move(result).value();
  }

  Database db_;
  Connection conn_;
};

TEST_F(EngineQueryResultTest, IntegersOfEveryWidth) {
  QueryResult r = MustQuery(
      "SELECT -5::TINYINT, -300::SMALLINT, -70000::INTEGER, (-9223372036854775808)::BIGINT, "
      "255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER, 9223372036854775807::UBIGINT, "
      "18446744073709551615::UBIGINT, (-170141183460469231731687303715884105728)::HUGEINT");
  EXPECT_EQ(*r.GetInt64(0, 0), -5);
  EXPECT_EQ(*r.GetInt64(1, 0), -300);
  EXPECT_EQ(*r.GetInt64(2, 0), -70000);
  EXPECT_EQ(*r.GetInt64(3, 0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*r.GetInt64(4, 0), 255);
  EXPECT_EQ(*r.GetInt64(5, 0), 65535);
  EXPECT_EQ(*r.GetInt64(6, 0), 4294967295);
  EXPECT_EQ(*r.GetInt64(7, 0), std::numeric_limits<int64_t>::max());
  // Too large for int64: refused, but exact as int128.
  EXPECT_EQ(r.GetInt64(8, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*r.GetInt128(8, 0), int128{std::numeric_limits<uint64_t>::max()});
  int128 min128 = -(int128{1} << 126) * 2;  // -2^127 without overflowing on the way
  EXPECT_EQ(*r.GetInt128(9, 0), min128);
  EXPECT_EQ(r.column_type(9).id, TypeId::kHugeInt);
}

TEST_F(EngineQueryResultTest, DecimalsOfEveryStorageWidthAreExact) {
  QueryResult r = MustQuery(
      "SELECT -12.34::DECIMAL(4,2), 1234567.8::DECIMAL(9,1), "
      "-9999999999.99999999::DECIMAL(18,8), 99999999999999999999999999999.99999999::DECIMAL(38,8), "
      "1.5::DECIMAL(18,8), 0.00000001::DECIMAL(18,8)");
  EXPECT_EQ(r.column_type(0).id, TypeId::kDecimal);
  EXPECT_EQ(r.column_type(0).decimal_width, 4);
  EXPECT_EQ(r.column_type(0).decimal_scale, 2);
  EXPECT_EQ(r.column_type(3).name, "DECIMAL(38,8)");
  EXPECT_EQ(*r.GetDecimal(0, 0), *Decimal::Parse("-12.34"));
  EXPECT_EQ(*r.GetDecimal(1, 0), *Decimal::Parse("1234567.8"));
  EXPECT_EQ(*r.GetDecimal(2, 0), *Decimal::Parse("-9999999999.99999999"));
  EXPECT_EQ(r.GetDecimal(3, 0)->ToString(), "99999999999999999999999999999.99999999");
  EXPECT_EQ(r.GetDecimal(4, 0)->units(), 150000000);
  EXPECT_EQ(r.GetDecimal(5, 0)->units(), 1);
  Result<UnscaledDecimal> raw = r.GetUnscaledDecimal(0, 0);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->unscaled, -1234);
  EXPECT_EQ(raw->width, 4);
  EXPECT_EQ(raw->scale, 2);
}

TEST_F(EngineQueryResultTest, DecimalWithMoreThanEightPlacesOnlyWhenExact) {
  QueryResult r = MustQuery(
      "SELECT 1.5::DECIMAL(20,10), 1.0000000001::DECIMAL(20,10), 2.0::DECIMAL(38,30)");
  EXPECT_EQ(*r.GetDecimal(0, 0), *Decimal::Parse("1.5"));
  Result<Decimal> rounded = r.GetDecimal(1, 0);
  EXPECT_EQ(rounded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rounded.status().message().find("round"), std::string::npos);
  EXPECT_EQ(*r.GetDecimal(2, 0), Decimal::FromInteger(2));
}

TEST_F(EngineQueryResultTest, SumOfDecimalsIsExact) {
  // 0.1 added 1,000 times: exactly 100 in DECIMAL, not 99.9999999999986 as in binary floating
  // point.
  QueryResult r = MustQuery("SELECT sum(0.1::DECIMAL(18,8)) FROM range(1000)");
  EXPECT_EQ(r.column_type(0).decimal_width, 38);
  EXPECT_EQ(*r.GetDecimal(0, 0), Decimal::FromInteger(100));
}

TEST_F(EngineQueryResultTest, StringsShortLongAndBinary) {
  QueryResult r = MustQuery(
      "SELECT 'short', 'a string longer than twelve bytes', '', 'é✓', 'a\\x00b'::BLOB");
  EXPECT_EQ(*r.GetString(0, 0), "short");
  EXPECT_EQ(*r.GetString(1, 0), "a string longer than twelve bytes");
  EXPECT_EQ(*r.GetString(2, 0), "");
  EXPECT_EQ(*r.GetString(3, 0), "é✓");
  EXPECT_EQ(*r.GetString(4, 0), std::string("a\0b", 3));
  EXPECT_EQ(r.column_type(4).id, TypeId::kBlob);
}

TEST_F(EngineQueryResultTest, DatesAndTimestampsToTheMicrosecond) {
  QueryResult r = MustQuery(
      "SELECT DATE '2026-11-24', DATE '1969-12-31', "
      "TIMESTAMPTZ '2026-11-24 09:30:00.123456+00', TIMESTAMP '1969-12-31 23:59:59.999999', "
      "'2026-11-24 09:30:00.123'::TIMESTAMP_MS, '2026-11-24 09:30:00'::TIMESTAMP_S, "
      "'2026-11-24 09:30:00.123456789'::TIMESTAMP_NS");
  EXPECT_EQ(*r.GetDate(0, 0), Date::FromCivil(2026, 11, 24));
  EXPECT_EQ(r.GetDate(1, 0)->days(), -1);
  EXPECT_EQ(r.column_type(2).id, TypeId::kTimestampTz);
  EXPECT_EQ(*r.GetTimestamp(2, 0), *Timestamp::Parse("2026-11-24T09:30:00.123456Z"));
  EXPECT_EQ(r.GetTimestamp(3, 0)->micros(), -1);
  EXPECT_EQ(*r.GetTimestamp(4, 0), *Timestamp::Parse("2026-11-24T09:30:00.123Z"));
  EXPECT_EQ(*r.GetTimestamp(5, 0), *Timestamp::Parse("2026-11-24T09:30:00Z"));
  EXPECT_EQ(r.GetTimestamp(6, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineQueryResultTest, TimestampTzIsIndependentOfSessionTimeZone) {
  ASSERT_TRUE(conn_.Execute("SET TimeZone = 'America/New_York'").ok());
  QueryResult r = MustQuery("SELECT TIMESTAMPTZ '2026-11-24 09:30:00.5+00'");
  EXPECT_EQ(*r.GetTimestamp(0, 0), *Timestamp::Parse("2026-11-24T09:30:00.5Z"));
}

TEST_F(EngineQueryResultTest, NullsAndMisusesAreErrorsNotDefaults) {
  QueryResult r = MustQuery("SELECT NULL::BIGINT AS n, 1.5::DOUBLE AS d, [1, 2] AS l, true AS b");
  EXPECT_TRUE(r.IsNull(0, 0));
  EXPECT_FALSE(r.IsNull(1, 0));
  EXPECT_FALSE(r.IsNull(9, 0));  // out of range reads as not NULL
  Result<int64_t> null_value = r.GetInt64(0, 0);
  EXPECT_EQ(null_value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(null_value.status().message().find("NULL"), std::string::npos);
  EXPECT_NE(null_value.status().message().find("'n'"), std::string::npos);
  // No money through floating point: a DOUBLE is not readable as a decimal or an integer.
  EXPECT_EQ(r.GetDecimal(1, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.GetInt64(1, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.column_type(2).id, TypeId::kOther);
  EXPECT_EQ(r.column_type(2).name, "LIST");
  EXPECT_EQ(r.GetString(2, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.GetInt64(3, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*r.GetBool(3, 0), true);
  EXPECT_EQ(r.GetInt64(4, 0).status().code(), StatusCode::kInvalidArgument);  // no column 4
  EXPECT_EQ(r.GetInt64(0, 1).status().code(), StatusCode::kInvalidArgument);  // no row 1
}

TEST_F(EngineQueryResultTest, ResultOutlivesConnection) {
  Result<Connection> other = db_.Connect();
  ASSERT_TRUE(other.ok());
  Result<QueryResult> result = other->Query("SELECT 'kept ' || range FROM range(3000)");
  ASSERT_TRUE(result.ok());
  other = Connection();  // disconnect
  EXPECT_EQ(*result->GetString(0, 2999), "kept 2999");
}

}  // namespace
}  // namespace tradeagg::engine
