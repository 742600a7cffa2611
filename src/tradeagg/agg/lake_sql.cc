#include "tradeagg/agg/lake_sql.h"

#include <algorithm>
#include <cctype>

#include "tradeagg/agg/trade_group_query.h"
#include "tradeagg/agg/exposures_table.h"
#include "tradeagg/agg/runs_table.h"
#include "tradeagg/engine/query_result.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/trades_table.h"

namespace tradeagg::agg {

namespace {

namespace iceberg = lake::iceberg;

// DuckDB's type for an Iceberg primitive, for the empty view of a table without snapshots.
std::string SqlType(const iceberg::PrimitiveType& type) {
  switch (type.id) {
    case iceberg::TypeId::kBoolean: return "BOOLEAN";
    case iceberg::TypeId::kInt: return "INTEGER";
    case iceberg::TypeId::kLong: return "BIGINT";
    case iceberg::TypeId::kFloat: return "FLOAT";
    case iceberg::TypeId::kDouble: return "DOUBLE";
    case iceberg::TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
    case iceberg::TypeId::kDate: return "DATE";
    case iceberg::TypeId::kTime: return "TIME";
    case iceberg::TypeId::kTimestamp: return "TIMESTAMP";
    case iceberg::TypeId::kTimestampTz: return "TIMESTAMPTZ";
    case iceberg::TypeId::kString: return "VARCHAR";
    case iceberg::TypeId::kUuid: return "UUID";
    case iceberg::TypeId::kFixed:
    case iceberg::TypeId::kBinary: return "BLOB";
  }
  return "VARCHAR";
}

// read_parquet's `schema` option: the table's columns by field id, so that files of an older
// schema read as the current one (by name they would not: a column they lack is an error).
std::string ColumnsByFieldId(const iceberg::Schema& schema) {
  std::string map = "schema = MAP {";
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const iceberg::SchemaField& field = schema.fields[i];
    if (i > 0) map += ", ";
    map += std::to_string(field.id) + ": {name: " + engine::QuoteLiteral(field.name) + ", type: " +
           engine::QuoteLiteral(SqlType(field.type)) + ", default_value: NULL}";
  }
  return map + "}";
}

}  // namespace

Result<std::unique_ptr<LakeSql>> LakeSql::Open(iceberg::Catalog& catalog, lake::ObjectStore& objects,
                                               std::optional<Date> from, std::optional<Date> to, int threads) {
  std::unique_ptr<LakeSql> sql(new LakeSql());
  engine::DatabaseOptions options;
  options.threads = threads;
  ASSIGN_OR_RETURN(sql->db_, engine::Database::OpenInMemory(options));
  ASSIGN_OR_RETURN(sql->connection_, sql->db_.Connect());
  // Times print in UTC, as the API writes them.
  TRY(sql->connection_.Execute("SET TimeZone = 'UTC'"));
  TRY(sql->RegisterView(catalog, objects, iceberg::kTradesTableName, iceberg::trades_field::kBusinessDate, from, to));
  TRY(sql->RegisterView(catalog, objects, kExposuresTableName, iceberg::exposures_field::kBusinessDate, from, to));
  TRY(sql->RegisterView(catalog, objects, kRunsTableName, iceberg::runs_field::kBusinessDate, from, to));
  TRY(sql->Confine());
  return sql;
}

// From here on the session reads the planned files and nothing else of the host: external
// access off with the files' directories allowed, and the configuration locked so that no
// statement can turn it back on.
Status LakeSql::Confine() {
  std::string directories;
  for (const std::string& dir : allowed_directories_) {
    directories += (directories.empty() ? "" : ", ") + engine::QuoteLiteral(dir);
  }
  TRY(connection_.Execute("SET allowed_directories = [" + directories + "]"));
  TRY(connection_.Execute("SET enable_external_access = false"));
  return connection_.Execute("SET lock_configuration = true");
}

Status LakeSql::RegisterView(iceberg::Catalog& catalog, lake::ObjectStore& objects, std::string_view table,
                             int32_t date_field_id, std::optional<Date> from, std::optional<Date> to) {
  auto loaded = catalog.LoadTable({std::string(iceberg::kTradeaggNamespace), std::string(table)});
  if (!loaded.ok() && loaded.status().code() == StatusCode::kNotFound) return Status::Ok();  // nothing to show
  if (!loaded.ok()) return loaded.status();
  std::optional<iceberg::DateFilter> filter;
  if (from || to) filter = iceberg::DateFilter{date_field_id, from, to};
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(objects, loaded->metadata, {}, filter));
  // Local copies: this connection may not reach anything but the planned files' directories.
  ASSIGN_OR_RETURN(std::vector<std::string> paths, iceberg::FileLocationsOf(objects, plan, iceberg::FileReads::kLocalCopies));
  for (const std::string& path : paths) allowed_directories_.insert(std::filesystem::path(path).parent_path().string() + "/");
  const std::string view = engine::QuoteIdentifier(table);
  const iceberg::Schema* schema = loaded->metadata.CurrentSchema();
  if (schema == nullptr) return Status::Internal(std::string(table) + " has no current schema");
  if (!paths.empty()) {
    std::string where;
    const iceberg::SchemaField* date = schema->FindField(date_field_id);
    if (date != nullptr && from) where += " WHERE " + engine::QuoteIdentifier(date->name) + " >= DATE '" + from->ToString() + "'";
    if (date != nullptr && to) {
      where += (where.empty() ? " WHERE " : " AND ") + engine::QuoteIdentifier(date->name) + " <= DATE '" + to->ToString() + "'";
    }
    return connection_.Execute("CREATE VIEW " + view + " AS SELECT * FROM " +
                               ReadParquetOf(paths, ColumnsByFieldId(*schema)) + where);
  }
  std::string columns;
  for (const iceberg::SchemaField& field : schema->fields) {
    if (!columns.empty()) columns += ", ";
    columns += "NULL::" + SqlType(field.type) + " AS " + engine::QuoteIdentifier(field.name);
  }
  return connection_.Execute("CREATE VIEW " + view + " AS SELECT " + columns + " WHERE false");
}

Result<TextTable> LakeSql::Query(const std::string& text_in) {
  std::string sql = text_in;
  while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) sql.pop_back();
  // Prepare takes exactly one statement, and only a SELECT may run.
  ASSIGN_OR_RETURN(engine::PreparedStatement statement, connection_.Prepare(sql));
  if (!statement.is_select()) return Status::InvalidArgument("only a SELECT may run here; the lake is read-only");
  ASSIGN_OR_RETURN(engine::PreparedStatement text,
                   connection_.Prepare("SELECT COLUMNS(*)::VARCHAR FROM (" + sql + "\n)"));
  ASSIGN_OR_RETURN(engine::QueryResult result, text.Query());
  TextTable table;
  for (size_t c = 0; c < result.column_count(); ++c) table.columns.push_back(result.column_name(c));
  for (uint64_t r = 0; r < result.row_count(); ++r) {
    auto& row = table.rows.emplace_back();
    for (size_t c = 0; c < result.column_count(); ++c) {
      if (result.IsNull(c, r)) {
        row.emplace_back();
      } else {
        ASSIGN_OR_RETURN(std::string value, result.GetString(c, r));
        row.emplace_back(std::move(value));
      }
    }
  }
  return table;
}

std::string FormatTextTable(const TextTable& table) {
  std::vector<size_t> widths;
  for (const std::string& column : table.columns) widths.push_back(column.size());
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c] ? row[c]->size() : 4);
  }
  std::string out;
  auto line = [&](auto cell) {
    for (size_t c = 0; c < widths.size(); ++c) {
      std::string text = cell(c);
      out += (c == 0 ? "" : " | ") + text + std::string(widths[c] - text.size(), ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  line([&](size_t c) { return table.columns[c]; });
  for (size_t c = 0; c < widths.size(); ++c) out += (c == 0 ? "" : "-+-") + std::string(widths[c], '-');
  out += '\n';
  for (const auto& row : table.rows) line([&](size_t c) { return row[c] ? *row[c] : std::string("NULL"); });
  out += "(" + std::to_string(table.rows.size()) + (table.rows.size() == 1 ? " row)\n" : " rows)\n");
  return out;
}

}  // namespace tradeagg::agg
