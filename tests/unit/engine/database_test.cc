#include "tradeagg/engine/database.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace tradeagg::engine {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string dir =
        (std::filesystem::temp_directory_path() / "tradeagg-engine-db-test-XXXXXX").string();
    EXPECT_NE(mkdtemp(dir.data()), nullptr);
    path_ = dir;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string Setting(Connection& conn, const std::string& name) {
  Result<QueryResult> result = conn.Query("SELECT current_setting('" + name + "')::VARCHAR");
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return "";
  Result<std::string> value = result->GetString(0, 0);
  return value.ok() ? *value : "";
}

TEST(EngineDatabaseTest, InMemoryAppliesOptions) {
  DatabaseOptions options;
  options.threads = 1;
  options.memory_limit = "256MB";
  options.settings.emplace_back("default_order", "DESC");
  Result<Database> db = Database::OpenInMemory(options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Result<Connection> conn = db->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_EQ(Setting(*conn, "threads"), "1");
  EXPECT_EQ(Setting(*conn, "default_order"), "DESC");
  // DuckDB prints the limit in its own units; 256MB is 256,000,000 bytes = 244.1 MiB.
  EXPECT_NE(Setting(*conn, "memory_limit").find("244"), std::string::npos);
}

TEST(EngineDatabaseTest, UnknownOptionIsInvalidArgument) {
  DatabaseOptions options;
  options.settings.emplace_back("no_such_option", "1");
  Result<Database> db = Database::OpenInMemory(options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << db.status().ToString();
  EXPECT_NE(db.status().message().find("no_such_option"), std::string::npos);
}

TEST(EngineDatabaseTest, BadThreadCountIsInvalidArgument) {
  DatabaseOptions options;
  options.threads = 0;
  Result<Database> db = Database::OpenInMemory(options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
}

TEST(EngineDatabaseTest, FileDatabaseKeepsDataAcrossOpens) {
  TempDir dir;
  std::filesystem::path path = dir.path() / "engine.duckdb";
  {
    Result<Database> db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    Result<Connection> conn = db->Connect();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(conn->Execute("CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (42)").ok());
  }
  Result<Database> db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Result<Connection> conn = db->Connect();
  ASSERT_TRUE(conn.ok());
  Result<QueryResult> result = conn->Query("SELECT x FROM t");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result->GetInt64(0, 0), 42);
}

TEST(EngineDatabaseTest, UnopenableFileIsUnavailable) {
  TempDir dir;
  Result<Database> db = Database::Open(dir.path() / "missing-dir" / "x.duckdb");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(db.status().message().find("missing-dir"), std::string::npos);
}

TEST(EngineDatabaseTest, EmptyPathIsRefused) {
  Result<Database> db = Database::Open("");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
}

TEST(EngineDatabaseTest, ConnectionsShareTablesButNotTempTables) {
  Result<Database> db = Database::OpenInMemory();
  ASSERT_TRUE(db.ok());
  Result<Connection> a = db->Connect();
  Result<Connection> b = db->Connect();
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->Execute("CREATE TABLE shared (x INTEGER); CREATE TEMP TABLE mine (x INTEGER)").ok());
  EXPECT_TRUE(b->Execute("SELECT * FROM shared").ok());
  Status status = b->Execute("SELECT * FROM mine");
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
}

TEST(EngineDatabaseTest, ConnectionOutlivingDatabaseStillWorks) {
  // Not how tradeagg uses it, but it must not crash (run under ASan to see).
  Connection conn;
  {
    Result<Database> db = Database::OpenInMemory();
    ASSERT_TRUE(db.ok());
    Result<Connection> c = db->Connect();
    ASSERT_TRUE(c.ok());
    conn = std::move(c).value();
  }
  Result<QueryResult> result = conn.Query("SELECT 7");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result->GetInt64(0, 0), 7);
}

}  // namespace
}  // namespace tradeagg::engine
