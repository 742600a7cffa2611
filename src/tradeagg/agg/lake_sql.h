// LakeSql: read-only SQL over the lake for analysts (`tradeagg sql`).
//
// The tables tradeagg.trades, tradeagg.exposures and tradeagg.runs are planned from their
// current snapshots (optionally for a range of business dates, pruned as aggregation runs are)
// and registered in an in-memory DuckDB as the views `trades`, `exposures` and `runs` (join
// exposures to runs to keep succeeded, non-stale results) over the planned Parquet files,
// columns resolved by field id against the current schema (files written before a schema
// evolution lack the new columns, which read as NULL); a table without snapshots is an empty
// view of its columns. Only a single SELECT is run:
// anything that writes (COPY, INSERT, CREATE, ATTACH, SET, ...) is refused, and once the views
// exist the session may read only the directories of their files (DuckDB's external access
// off, allowed_directories, configuration locked): read_csv('/etc/passwd') is refused. Every value comes
// back as text (decimals exact, times in UTC), ready to print.
// Thread safety: one query at a time.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/engine/connection.h"
#include "tradeagg/engine/database.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/table_scan.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::agg {

struct TextTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt: NULL
};

class LakeSql {
 public:
  static Result<std::unique_ptr<LakeSql>> Open(lake::iceberg::Catalog& catalog, lake::ObjectStore& objects,
                                               std::optional<Date> from, std::optional<Date> to, int threads);
  // kInvalidArgument for anything but one SELECT, and for DuckDB's own parse and bind errors.
  // A trailing ';' is allowed.
  Result<TextTable> Query(const std::string& sql);

 private:
  LakeSql() = default;
  Status RegisterView(lake::iceberg::Catalog& catalog, lake::ObjectStore& objects, std::string_view table,
                      int32_t date_field_id, std::optional<Date> from, std::optional<Date> to);
  Status Confine();

  engine::Database db_;
  engine::Connection connection_;
  std::set<std::string> allowed_directories_;  // of the planned files, for Confine
};

// Fixed-width columns, a header and a rule, as psql and duckdb print them.
std::string FormatTextTable(const TextTable& table);

}  // namespace tradeagg::agg
