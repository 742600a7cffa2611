// DuckDbSession: an in-memory DuckDB database with one connection on it, for the tests of code
// that takes an engine::Connection. MustQuery fails the test (and stops it) on a query error, so
// a test reads its results without checking each one.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "tradeagg/engine/database.h"

namespace tradeagg::testing {

class DuckDbSession {
 public:
  DuckDbSession() {
    Result<engine::Database> db = engine::Database::OpenInMemory();
    if (!db.ok()) Fail("open an in-memory DuckDB", db.status());
    db_ = std::move(db).value();
    Result<engine::Connection> connection = db_.Connect();
    if (!connection.ok()) Fail("connect to it", connection.status());
    connection_ = std::move(connection).value();
  }

  engine::Connection& connection() { return connection_; }

  engine::QueryResult MustQuery(const std::string& sql) {
    Result<engine::QueryResult> result = connection_.Query(sql);
    if (!result.ok()) Fail(sql, result.status());
    return std::move(result).value();
  }

 private:
  [[noreturn]] static void Fail(const std::string& what, const Status& status) {
    ADD_FAILURE() << what << ": " << status.ToString();
    std::abort();
  }

  engine::Database db_;
  engine::Connection connection_;
};

}  // namespace tradeagg::testing
