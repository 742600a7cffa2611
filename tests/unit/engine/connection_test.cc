#include "tradeagg/engine/connection.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "tradeagg/engine/arrow_c_interface.h"
#include "tradeagg/engine/database.h"
#include "testing/temp_dir.h"

namespace tradeagg::engine {
namespace {

class EngineConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Database> db = Database::OpenInMemory();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    Result<Connection> conn = db_.Connect();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
  }

  Database db_;
  Connection conn_;
};

TEST_F(EngineConnectionTest, QueryReturnsNamesTypesAndRows) {
  Result<QueryResult> result =
      conn_.Query("SELECT range AS n, 'row ' || range AS label FROM range(5000)");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->column_count(), 2u);
  EXPECT_EQ(result->column_name(0), "n");
  EXPECT_EQ(result->column_name(1), "label");
  EXPECT_EQ(result->column_type(0).id, TypeId::kBigInt);
  EXPECT_EQ(result->column_type(1).id, TypeId::kVarchar);
  EXPECT_EQ(result->FindColumn("label"), 1u);
  EXPECT_EQ(result->FindColumn("missing"), std::nullopt);
  // More rows than one DuckDB chunk (2048): every chunk is reachable.
  ASSERT_EQ(result->row_count(), 5000u);
  for (uint64_t row : {0u, 2047u, 2048u, 4095u, 4096u, 4999u}) {
    EXPECT_EQ(*result->GetInt64(0, row), static_cast<int64_t>(row));
    EXPECT_EQ(*result->GetString(1, row), "row " + std::to_string(row));
  }
}

TEST_F(EngineConnectionTest, EmptyResultHasColumnsAndNoRows) {
  Result<QueryResult> result = conn_.Query("SELECT 1 AS one WHERE false");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->column_count(), 1u);
  EXPECT_EQ(result->row_count(), 0u);
  EXPECT_EQ(result->GetInt64(0, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineConnectionTest, ExecuteRunsSeveralStatementsAndCountsChanges) {
  ASSERT_TRUE(conn_.Execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)").ok());
  Result<QueryResult> result = conn_.Query("INSERT INTO t VALUES (3), (4), (5)");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows_changed(), 3u);
  Result<QueryResult> sum = conn_.Query("SELECT sum(x) FROM t");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(*sum->GetInt64(0, 0), 15);
}

TEST_F(EngineConnectionTest, ErrorsCarryDuckDbMessageAndCode) {
  Status syntax = conn_.Execute("SELEC 1");
  EXPECT_EQ(syntax.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(syntax.message().find("Parser Error"), std::string::npos) << syntax.message();
  EXPECT_NE(syntax.message().find("SELEC 1"), std::string::npos) << syntax.message();

  Status missing = conn_.Execute("SELECT * FROM no_such_table");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound) << missing.ToString();
  EXPECT_NE(missing.message().find("no_such_table"), std::string::npos);

  ASSERT_TRUE(conn_.Execute("CREATE TABLE k (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)").ok());
  Status exists = conn_.Execute("CREATE TABLE k (id INTEGER)");
  EXPECT_EQ(exists.code(), StatusCode::kAlreadyExists) << exists.ToString();

  ASSERT_TRUE(conn_.Execute("INSERT INTO k VALUES (1, 1)").ok());
  Status duplicate = conn_.Execute("INSERT INTO k VALUES (1, 2)");
  EXPECT_EQ(duplicate.code(), StatusCode::kAlreadyExists) << duplicate.ToString();
  Status not_null = conn_.Execute("INSERT INTO k VALUES (2, NULL)");
  EXPECT_EQ(not_null.code(), StatusCode::kInvalidArgument) << not_null.ToString();

  Status conversion = conn_.Execute("SELECT 'abc'::INTEGER");
  EXPECT_EQ(conversion.code(), StatusCode::kInvalidArgument) << conversion.ToString();

  Status io = conn_.Execute("SELECT * FROM read_parquet('/nonexistent/dir/file.parquet')");
  EXPECT_EQ(io.code(), StatusCode::kUnavailable) << io.ToString();
}

TEST_F(EngineConnectionTest, NulInSqlIsRefused) {
  std::string sql("SELECT 1\0; DROP TABLE x", 24);
  EXPECT_EQ(conn_.Execute(sql).code(), StatusCode::kInvalidArgument);
}

// A stream of one int64 column "x" (or of `format`) over `batches`, each yielded once.
struct Int64Stream {
  std::vector<std::vector<int64_t>> batches;
  const char* format = "l";
  size_t next = 0;
  ArrowSchema column{}, root{};
  ArrowSchema* columns[1] = {&column};
  std::vector<std::array<const void*, 2>> buffers;
  std::vector<ArrowArray> arrays, roots;
  std::vector<ArrowArray*> children;
  ArrowArrayStream stream{};

  ArrowArrayStream* Start() {
    auto release_schema = [](ArrowSchema* s) { s->release = nullptr; };
    column = {format, "x", nullptr, 0, 0, nullptr, nullptr, release_schema, nullptr};
    root = {"+s", "", nullptr, 0, 1, columns, nullptr, release_schema, nullptr};
    buffers.resize(batches.size());
    arrays.resize(batches.size());
    roots.resize(batches.size());
    children.resize(batches.size());
    auto release_array = [](ArrowArray* a) { a->release = nullptr; };
    for (size_t i = 0; i < batches.size(); ++i) {
      auto rows = static_cast<int64_t>(batches[i].size());
      buffers[i] = {nullptr, batches[i].data()};
      arrays[i] = {rows, 0, 0, 2, 0, buffers[i].data(), nullptr, nullptr, release_array, nullptr};
      children[i] = &arrays[i];
      roots[i] = {rows, 0, 0, 1, 1, &no_validity, &children[i], nullptr, release_array, nullptr};
    }
    stream.get_schema = [](ArrowArrayStream* s, ArrowSchema* out) {
      *out = static_cast<Int64Stream*>(s->private_data)->root;
      return 0;
    };
    stream.get_next = [](ArrowArrayStream* s, ArrowArray* out) {
      auto* self = static_cast<Int64Stream*>(s->private_data);
      if (self->next == self->roots.size()) {
        *out = ArrowArray{};
      } else {
        *out = self->roots[self->next++];
      }
      return 0;
    };
    stream.get_last_error = [](ArrowArrayStream*) -> const char* { return nullptr; };
    stream.release = [](ArrowArrayStream* s) { s->release = nullptr; };
    stream.private_data = this;
    return &stream;
  }
  const void* no_validity = nullptr;
};

TEST_F(EngineConnectionTest, CopyArrowStreamWritesEveryArrayInOrder) {
  testing::TempDir dir;
  Int64Stream source;
  source.batches = {{1, 2, 3}, {}, {4, 5}};
  std::string path = (dir / "x.parquet").string();
  Status copied = conn_.CopyArrowStream(source.Start(), path, "FORMAT parquet");
  ASSERT_TRUE(copied.ok()) << copied.ToString();
  Result<QueryResult> rows = conn_.Query("SELECT x FROM read_parquet(" + QuoteLiteral(path) + ")");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->row_count(), 5u);
  for (uint64_t row = 0; row < 5; ++row) EXPECT_EQ(*rows->GetInt64(0, row), static_cast<int64_t>(row + 1));
  // The view it read through is gone.
  EXPECT_EQ(conn_.Query("SELECT * FROM duckdb_views() WHERE NOT internal")->row_count(), 0u);
}

TEST_F(EngineConnectionTest, CopyArrowStreamRefusesNoStreamAndAnUnknownType) {
  testing::TempDir dir;
  EXPECT_EQ(conn_.CopyArrowStream(nullptr, dir / "a.parquet", "FORMAT parquet").code(),
            StatusCode::kInvalidArgument);
  Int64Stream source;
  source.batches = {{1}};
  source.format = "not-an-arrow-format";
  Status refused = conn_.CopyArrowStream(source.Start(), dir / "b.parquet", "FORMAT parquet");
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused.ToString();
  EXPECT_FALSE(std::filesystem::exists(dir / "b.parquet"));
}

TEST_F(EngineConnectionTest, PreparedStatementBindsEveryType) {
  Result<PreparedStatement> stmt = conn_.Prepare(
      "SELECT $1::BIGINT, $2::VARCHAR, $3::DECIMAL(18,8), $4::DECIMAL(38,8), $5::DATE, "
      "$6::TIMESTAMPTZ, $7::HUGEINT, $8::BOOLEAN, $9::BIGINT, $10::TIMESTAMP");
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  EXPECT_EQ(stmt->parameter_count(), 10u);
  Decimal price = *Decimal::Parse("1234.56789012");
  Decimal notional = *Decimal::Parse("-98765432109876.12345678");
  Date date = *Date::Parse("2026-11-24");
  Timestamp ts = *Timestamp::Parse("2026-11-24T09:30:00.123456Z");
  int128 huge = int128{1} << 100;
  stmt->BindInt64(1, -5);
  stmt->BindString(2, "héllo");
  stmt->BindDecimal(3, price);
  stmt->BindDecimal(4, notional);
  stmt->BindDate(5, date);
  stmt->BindTimestampTz(6, ts);
  stmt->BindInt128(7, huge);
  stmt->BindBool(8, true);
  stmt->BindNull(9);
  stmt->BindTimestamp(10, ts);
  Result<QueryResult> result = stmt->Query();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result->GetInt64(0, 0), -5);
  EXPECT_EQ(*result->GetString(1, 0), "héllo");
  EXPECT_EQ(*result->GetDecimal(2, 0), price);
  EXPECT_EQ(*result->GetDecimal(3, 0), notional);
  EXPECT_EQ(*result->GetDate(4, 0), date);
  EXPECT_EQ(*result->GetTimestamp(5, 0), ts);
  EXPECT_EQ(*result->GetInt128(6, 0), huge);
  EXPECT_EQ(*result->GetBool(7, 0), true);
  EXPECT_TRUE(result->IsNull(8, 0));
  EXPECT_EQ(*result->GetTimestamp(9, 0), ts);

  // Rebinding one parameter keeps the others.
  stmt->BindInt64(1, 6);
  result = stmt->Query();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result->GetInt64(0, 0), 6);
  EXPECT_EQ(*result->GetString(1, 0), "héllo");
}

TEST_F(EngineConnectionTest, PreparedStatementReportsBindErrorsAtRun) {
  Result<PreparedStatement> stmt = conn_.Prepare("SELECT $1::BIGINT");
  ASSERT_TRUE(stmt.ok());
  stmt->BindInt64(2, 1);  // no parameter 2
  Status status = stmt->Execute();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("$2"), std::string::npos) << status.message();
  stmt->ClearBindings();
  stmt->BindInt64(1, 3);
  Result<QueryResult> result = stmt->Query();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result->GetInt64(0, 0), 3);
}

TEST_F(EngineConnectionTest, PrepareErrorIsInvalidArgumentWithMessage) {
  Result<PreparedStatement> stmt = conn_.Prepare("SELECT * FROM nowhere WHERE x = $1");
  ASSERT_FALSE(stmt.ok());
  EXPECT_EQ(stmt.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(stmt.status().message().find("nowhere"), std::string::npos);
}

TEST_F(EngineConnectionTest, DecimalTooWideForParameterFailsAtRun) {
  Result<PreparedStatement> stmt = conn_.Prepare("SELECT $1::DECIMAL(18,8)");
  ASSERT_TRUE(stmt.ok());
  stmt->BindDecimal(1, *Decimal::Parse("12345678901.5"));  // 11 integer digits > 10
  Status status = stmt->Execute();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
}

TEST_F(EngineConnectionTest, ExecuteInTransactionRollsBack) {
  ASSERT_TRUE(conn_.Execute("CREATE TABLE t (x INTEGER)").ok());
  ASSERT_TRUE(conn_.Execute("BEGIN; INSERT INTO t VALUES (1); ROLLBACK").ok());
  Result<QueryResult> count = conn_.Query("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count->GetInt64(0, 0), 0);
}

TEST(EngineQuoteTest, QuotesLiteralsAndIdentifiers) {
  EXPECT_EQ(QuoteLiteral("/tmp/it's.parquet"), "'/tmp/it''s.parquet'");
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
}

}  // namespace
}  // namespace tradeagg::engine
