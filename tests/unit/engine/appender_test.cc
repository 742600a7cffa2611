#include "tradeagg/engine/appender.h"

#include <gtest/gtest.h>

#include <string>

#include "tradeagg/engine/database.h"

namespace tradeagg::engine {
namespace {

class EngineAppenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Database> db = Database::OpenInMemory();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    Result<Connection> conn = db_.Connect();
    ASSERT_TRUE(conn.ok());
    conn_ = std::move(conn).value();
    ASSERT_TRUE(conn_.Execute("CREATE TABLE t (id BIGINT NOT NULL, name VARCHAR, "
                              "price DECIMAL(18,8), notional DECIMAL(38,8), d DATE, "
                              "ts TIMESTAMPTZ, ok BOOLEAN, small DECIMAL(9,2), tiny TINYINT)")
                    .ok());
  }

  Appender MustAppender(const std::string& table) {
    Result<Appender> appender = conn_.CreateAppender(table);
    EXPECT_TRUE(appender.ok()) << appender.status().ToString();
    if (!appender.ok()) std::abort();
    return std::move(appender).value();
  }

  void AppendRow(Appender& a, int64_t id, const std::string& name, Decimal price,
                 Decimal notional, Date d, Timestamp ts) {
    a.AppendInt64(id);
    a.AppendString(name);
    a.AppendDecimal(price);
    a.AppendDecimal(notional);
    a.AppendDate(d);
    a.AppendTimestamp(ts);
    a.AppendBool(id % 2 == 0);
    a.AppendDecimal(Decimal::FromInteger(id % 100));
    a.AppendInt64(id % 100);
  }

  Database db_;
  Connection conn_;
};

TEST_F(EngineAppenderTest, AppendsExactValuesAcrossManyChunks) {
  Appender a = MustAppender("t");
  ASSERT_EQ(a.column_count(), 9u);
  EXPECT_EQ(a.column_type(2).name, "DECIMAL(18,8)");
  constexpr int kRows = 5000;  // more than two DuckDB chunks
  Decimal price = *Decimal::Parse("9999999999.99999999");
  Timestamp base = *Timestamp::Parse("2026-11-24T09:30:00.000001Z");
  for (int i = 0; i < kRows; ++i) {
    AppendRow(a, i, "participant-" + std::to_string(i), price - Decimal::FromUnits(i),
              *Decimal::Parse("-123456789012345.12345678") + Decimal::FromUnits(i),
              Date::FromDays(20000 + i % 7), Timestamp::FromMicros(base.micros() + i));
    ASSERT_TRUE(a.EndRow().ok());
  }
  ASSERT_TRUE(a.Close().ok());

  Result<QueryResult> r = conn_.Query("SELECT * FROM t ORDER BY id");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->row_count(), static_cast<uint64_t>(kRows));
  for (int i : {0, 1, 2047, 2048, 4999}) {
    uint64_t row = static_cast<uint64_t>(i);
    EXPECT_EQ(*r->GetInt64(0, row), i);
    EXPECT_EQ(*r->GetString(1, row), "participant-" + std::to_string(i));
    EXPECT_EQ(*r->GetDecimal(2, row), price - Decimal::FromUnits(i));
    EXPECT_EQ(*r->GetDecimal(3, row),
              *Decimal::Parse("-123456789012345.12345678") + Decimal::FromUnits(i));
    EXPECT_EQ(r->GetDate(4, row)->days(), 20000 + i % 7);
    EXPECT_EQ(r->GetTimestamp(5, row)->micros(), base.micros() + i);
    EXPECT_EQ(*r->GetBool(6, row), i % 2 == 0);
    EXPECT_EQ(*r->GetDecimal(7, row), Decimal::FromInteger(i % 100));
    EXPECT_EQ(*r->GetInt64(8, row), i % 100);
  }
}

TEST_F(EngineAppenderTest, NullsDoNotLeakIntoLaterRowsOrChunks) {
  ASSERT_TRUE(conn_.Execute("CREATE TABLE n (x BIGINT, s VARCHAR)").ok());
  Appender a = MustAppender("n");
  for (int i = 0; i < 4100; ++i) {
    if (i % 3 == 0) {
      a.AppendNull();
      a.AppendNull();
    } else {
      a.AppendInt64(i);
      a.AppendString("v");
    }
    ASSERT_TRUE(a.EndRow().ok());
  }
  ASSERT_TRUE(a.Close().ok());
  Result<QueryResult> r =
      conn_.Query("SELECT count(x), count(s), count(*) FILTER (WHERE x IS NULL) FROM n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->GetInt64(0, 0), 4100 - 1367);
  EXPECT_EQ(*r->GetInt64(1, 0), 4100 - 1367);
  EXPECT_EQ(*r->GetInt64(2, 0), 1367);
}

TEST_F(EngineAppenderTest, RefusesInexactOrMistypedValues) {
  struct Case {
    const char* what;
    void (*append)(Appender&);
  };
  const Case cases[] = {
      {"int into decimal", [](Appender& a) { a.AppendInt64(1); a.AppendString("x");
                                             a.AppendInt64(5); }},
      {"price too wide", [](Appender& a) { a.AppendInt64(1); a.AppendString("x");
                                           a.AppendDecimal(*Decimal::Parse("12345678901")); }},
      {"string into bigint", [](Appender& a) { a.AppendString("1"); }},
      {"bad utf-8", [](Appender& a) { a.AppendInt64(1); a.AppendString("\xC3\x28"); }},
      {"date into timestamptz", [](Appender& a) {
         a.AppendInt64(1); a.AppendString("x"); a.AppendDecimal(Decimal());
         a.AppendDecimal(Decimal()); a.AppendDate(Date()); a.AppendDate(Date()); }},
  };
  for (const Case& c : cases) {
    Appender a = MustAppender("t");
    c.append(a);
    Status status = a.EndRow();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.what << ": " << status.ToString();
    EXPECT_EQ(a.Close().code(), StatusCode::kInvalidArgument) << c.what;
  }
  Result<QueryResult> count = conn_.Query("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count->GetInt64(0, 0), 0);
}

TEST_F(EngineAppenderTest, DecimalScaleDownOnlyWhenExactAndIntegerRangeChecked) {
  Appender a = MustAppender("t");
  AppendRow(a, 1, "x", Decimal(), Decimal(), Date(), Timestamp());
  ASSERT_TRUE(a.EndRow().ok());
  // Column 7 is DECIMAL(9,2): 0.125 would need rounding.
  a.AppendInt64(2);
  a.AppendString("y");
  a.AppendDecimal(Decimal());
  a.AppendDecimal(Decimal());
  a.AppendDate(Date());
  a.AppendTimestamp(Timestamp());
  a.AppendBool(true);
  a.AppendDecimal(*Decimal::Parse("0.125"));
  a.AppendInt64(1);
  Status status = a.EndRow();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("round"), std::string::npos) << status.message();

  Appender b = MustAppender("t");
  AppendRow(b, 3, "z", Decimal(), Decimal(), Date(), Timestamp());
  ASSERT_TRUE(b.EndRow().ok());
  b.AppendInt64(4);
  b.AppendString("w");
  b.AppendDecimal(Decimal());
  b.AppendDecimal(Decimal());
  b.AppendDate(Date());
  b.AppendTimestamp(Timestamp());
  b.AppendBool(true);
  b.AppendDecimal(Decimal());
  b.AppendInt64(200);  // TINYINT
  EXPECT_EQ(b.EndRow().code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineAppenderTest, ShortRowAndExtraValueAreErrors) {
  Appender a = MustAppender("t");
  a.AppendInt64(1);
  Status short_row = a.EndRow();
  EXPECT_EQ(short_row.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(short_row.message().find("1 of 9"), std::string::npos) << short_row.message();

  ASSERT_TRUE(conn_.Execute("CREATE TABLE one (x BIGINT)").ok());
  Appender b = MustAppender("one");
  b.AppendInt64(1);
  b.AppendInt64(2);
  EXPECT_EQ(b.EndRow().code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineAppenderTest, ConstraintViolationSurfacesAtClose) {
  Appender a = MustAppender("t");
  a.AppendNull();  // id is NOT NULL
  a.AppendString("x");
  for (int i = 0; i < 7; ++i) a.AppendNull();
  ASSERT_TRUE(a.EndRow().ok());
  Status status = a.Close();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("NOT NULL"), std::string::npos) << status.ToString();
}

TEST_F(EngineAppenderTest, MissingTableIsNotFound) {
  Result<Appender> a = conn_.CreateAppender("no_such_table");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kNotFound) << a.status().ToString();
}

TEST_F(EngineAppenderTest, FindsTemporaryTables) {
  ASSERT_TRUE(conn_.Execute("CREATE TEMP TABLE scratch (x BIGINT)").ok());
  Appender a = MustAppender("scratch");
  a.AppendInt64(9);
  ASSERT_TRUE(a.EndRow().ok());
  ASSERT_TRUE(a.Close().ok());
  Result<QueryResult> r = conn_.Query("SELECT x FROM scratch");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->GetInt64(0, 0), 9);
}

TEST_F(EngineAppenderTest, DestructorFlushesFinishedRows) {
  {
    Appender a = MustAppender("t");
    AppendRow(a, 7, "kept", Decimal(), Decimal(), Date(), Timestamp());
    ASSERT_TRUE(a.EndRow().ok());
  }
  Result<QueryResult> r = conn_.Query("SELECT name FROM t");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->row_count(), 1u);
  EXPECT_EQ(*r->GetString(0, 0), "kept");
}

}  // namespace
}  // namespace tradeagg::engine
