#include "tradeagg/store/sqlite/sqlite_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>

namespace tradeagg::store {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "tradeagg-sqlite-db-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    path_ = dir_ / "test.db";
    db_ = Open(SqliteDb::Mode::kReadWriteCreate);
    ASSERT_TRUE(db_.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                         " n INTEGER CHECK (n >= 0))")
                    .ok());
  }

  void TearDown() override {
    db_ = SqliteDb();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  SqliteDb Open(SqliteDb::Mode mode, int busy_timeout_ms = 1000) {
    Result<SqliteDb> db = SqliteDb::Open(path_, mode, busy_timeout_ms);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : SqliteDb();
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
  SqliteDb db_;
};

TEST_F(SqliteDbTest, BindStepAndReadColumns) {
  Result<SqliteStatement> insert = db_.Prepare("INSERT INTO t (id, name, n) VALUES (?1, ?2, ?3)");
  ASSERT_TRUE(insert.ok()) << insert.status().ToString();
  const std::string with_nul("a\0b", 3);  // lengths are explicit, so embedded NULs survive
  insert->BindInt64(1, std::numeric_limits<int64_t>::max());
  insert->BindText(2, with_nul);
  insert->BindNull(3);
  ASSERT_TRUE(insert->Run().ok());
  EXPECT_EQ(db_.changes(), 1);
  insert->BindInt64(1, std::numeric_limits<int64_t>::min());
  insert->BindText(2, "");
  insert->BindInt64(3, 7);
  ASSERT_TRUE(insert->Run().ok());

  Result<SqliteStatement> select = db_.Prepare("SELECT id, name, n FROM t ORDER BY id");
  ASSERT_TRUE(select.ok());
  {
    SqliteStatement::ResetGuard reset(*select);
    ASSERT_TRUE(*select->Step());
    EXPECT_EQ(select->ColumnInt64(0), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(select->ColumnText(1), "");
    EXPECT_FALSE(select->ColumnIsNull(1));
    EXPECT_EQ(select->ColumnInt64(2), 7);
    ASSERT_TRUE(*select->Step());
    EXPECT_EQ(select->ColumnInt64(0), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(select->ColumnText(1), with_nul);
    EXPECT_TRUE(select->ColumnIsNull(2));
    EXPECT_FALSE(*select->Step());
  }
  // Reset statements can run again from the start.
  ASSERT_TRUE(*select->Step());
  select->Reset();
}

TEST_F(SqliteDbTest, QueryHelpers) {
  EXPECT_EQ(*db_.QueryInt64("SELECT MAX(id) FROM t"), 0);             // NULL reads as 0
  EXPECT_EQ(*db_.QueryInt64("SELECT id FROM t WHERE id = 5"), 0);     // no row reads as 0
  EXPECT_EQ(*db_.QueryInt64("SELECT 1 << 40"), int64_t{1} << 40);
  EXPECT_EQ(*db_.QueryText("SELECT 'x' || 'y'"), "xy");
  EXPECT_EQ(*db_.QueryText("SELECT NULL"), "");
}

TEST_F(SqliteDbTest, ConstraintErrorsMapToAlreadyExistsOrConflict) {
  ASSERT_TRUE(db_.Exec("INSERT INTO t (id, name, n) VALUES (1, 'a', 1)").ok());
  Status unique = db_.Exec("INSERT INTO t (id, name, n) VALUES (2, 'a', 1)");
  EXPECT_EQ(unique.code(), StatusCode::kAlreadyExists) << unique.ToString();
  Status primary = db_.Exec("INSERT INTO t (id, name, n) VALUES (1, 'b', 1)");
  EXPECT_EQ(primary.code(), StatusCode::kAlreadyExists) << primary.ToString();
  Status check = db_.Exec("INSERT INTO t (id, name, n) VALUES (3, 'c', -1)");
  EXPECT_EQ(check.code(), StatusCode::kConflict) << check.ToString();
  Status not_null = db_.Exec("INSERT INTO t (id, name, n) VALUES (4, NULL, 1)");
  EXPECT_EQ(not_null.code(), StatusCode::kConflict) << not_null.ToString();

  // The same through a prepared statement's Step().
  Result<SqliteStatement> insert = db_.Prepare("INSERT INTO t (name, n) VALUES (?1, 1)");
  ASSERT_TRUE(insert.ok());
  insert->BindText(1, "a");
  EXPECT_EQ(insert->Run().code(), StatusCode::kAlreadyExists);
  insert->BindText(1, "fresh");
  EXPECT_TRUE(insert->Run().ok());  // the statement is usable after a failed run
}

TEST_F(SqliteDbTest, ProgrammingErrorsAreInternal) {
  Status syntax = db_.Exec("SELEC 1");
  EXPECT_EQ(syntax.code(), StatusCode::kInternal);
  EXPECT_NE(syntax.message().find("syntax error"), std::string::npos) << syntax.message();
  EXPECT_NE(syntax.message().find("SELEC 1"), std::string::npos) << syntax.message();  // context

  Result<SqliteStatement> bad = db_.Prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(db_.Prepare("   ").ok());

  // A bind error is reported by the next Step, then forgotten on Reset.
  Result<SqliteStatement> select = db_.Prepare("SELECT ?1");
  ASSERT_TRUE(select.ok());
  select->BindInt64(2, 1);  // no such parameter
  Result<bool> step = select->Step();
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.status().code(), StatusCode::kInternal);
  select->Reset();
  select->BindInt64(1, 42);
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnInt64(0), 42);
  select->Reset();
}

TEST_F(SqliteDbTest, UnavailableWhenTheFileCannotBeOpened) {
  Result<SqliteDb> missing = SqliteDb::Open(dir_ / "absent.db", SqliteDb::Mode::kReadOnly, 10);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kUnavailable) << missing.status().ToString();
  Result<SqliteDb> no_dir = SqliteDb::Open(dir_ / "no" / "such" / "dir.db", SqliteDb::Mode::kReadWriteCreate, 10);
  ASSERT_FALSE(no_dir.ok());
  EXPECT_EQ(no_dir.status().code(), StatusCode::kUnavailable);
}

TEST_F(SqliteDbTest, UnavailableWhenLockedAndTransactionState) {
  ASSERT_TRUE(db_.Exec("PRAGMA journal_mode = WAL").ok());
  SqliteDb other = Open(SqliteDb::Mode::kReadWriteCreate, /*busy_timeout_ms=*/10);
  EXPECT_FALSE(db_.in_transaction());
  ASSERT_TRUE(db_.Exec("BEGIN IMMEDIATE").ok());
  EXPECT_TRUE(db_.in_transaction());

  Status busy = other.Exec("BEGIN IMMEDIATE");
  EXPECT_EQ(busy.code(), StatusCode::kUnavailable) << busy.ToString();
  EXPECT_EQ(other.last_error_code() & 0xff, SQLITE_BUSY);
  EXPECT_FALSE(SqliteDb::IsIoError(other.last_error_code()));
  EXPECT_TRUE(SqliteDb::IsIoError(SQLITE_IOERR_FSYNC));

  // A read-only connection still reads while the write lock is held (WAL).
  SqliteDb reader = Open(SqliteDb::Mode::kReadOnly, 10);
  EXPECT_TRUE(reader.QueryInt64("SELECT COUNT(*) FROM t").ok());
  EXPECT_EQ(reader.Exec("INSERT INTO t (name) VALUES ('x')").code(), StatusCode::kInternal);  // READONLY

  ASSERT_TRUE(db_.Exec("COMMIT").ok());
  EXPECT_FALSE(db_.in_transaction());
  EXPECT_TRUE(other.Exec("BEGIN IMMEDIATE; ROLLBACK;").ok());
}

}  // namespace
}  // namespace tradeagg::store
