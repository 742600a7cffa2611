#include "tradeagg/agg/lake_table.h"

#include <optional>
#include <system_error>

#include "tradeagg/lake/iceberg/orphan_files.h"
#include "tradeagg/lake/parquet_footer.h"

namespace tradeagg::agg {

namespace {

namespace iceberg = lake::iceberg;

// Everything but CREATE TEMP TABLE names the staging table fully, so that a permanent table of
// the same name can never be hit.
std::string Qualified(std::string_view name) { return "temp.main." + std::string(name); }

std::string FieldIds(std::span<const LakeColumn> columns) {
  std::string out;
  for (const LakeColumn& column : columns) {
    if (!out.empty()) out += ", ";
    out += std::string(column.name) + ": " + std::to_string(column.field_id);
  }
  return out;
}

Status CopyToParquet(engine::Connection& duckdb, std::string_view name, std::span<const LakeColumn> columns,
                     const std::filesystem::path& path) {
  return duckdb.Execute("COPY (SELECT * FROM " + Qualified(name) + ") TO " + engine::QuoteLiteral(path.string()) +
                        " (FORMAT parquet, COMPRESSION zstd, FIELD_IDS {" + FieldIds(columns) + "})");
}

}  // namespace

iceberg::Schema LakeSchema(std::span<const LakeColumn> columns) {
  iceberg::Schema schema;
  schema.schema_id = 0;
  for (const LakeColumn& column : columns) {
    schema.fields.push_back({column.field_id, std::string(column.name), column.type, column.required, ""});
  }
  return schema;
}

Status CreateStagingTable(engine::Connection& duckdb, std::string_view name, std::span<const LakeColumn> columns) {
  std::string create = "CREATE OR REPLACE TEMP TABLE " + std::string(name) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) create += ", ";
    create += std::string(columns[i].name) + " " + std::string(columns[i].sql_type);
    if (columns[i].required) create += " NOT NULL";
  }
  return duckdb.Execute(create + ")");
}

void DropStagingTable(engine::Connection& duckdb, std::string_view name) {
  (void)duckdb.Execute("DROP TABLE IF EXISTS " + Qualified(name));
}

Result<iceberg::DataFile> WriteStagedDataFile(engine::Connection& duckdb, lake::ObjectStore& objects,
                                              std::string_view name, std::span<const LakeColumn> columns,
                                              const std::filesystem::path& staging_dir, const std::string& key,
                                              int64_t rows, iceberg::DataFile file) {
  const std::filesystem::path staged = staging_dir / std::filesystem::path(key).filename();
  auto field_id_of = [columns](std::string_view column_name) -> std::optional<int32_t> {
    for (const LakeColumn& column : columns) {
      if (column.name == column_name) return column.field_id;
    }
    return std::nullopt;
  };
  file.file_path = objects.Uri(key);
  file.record_count = rows;
  Status status = CopyToParquet(duckdb, name, columns, staged);
  DropStagingTable(duckdb, name);
  if (status.ok()) status = lake::ReadParquetFooter(duckdb, staged, field_id_of, columns.size(), &file);
  if (status.ok()) status = objects.PutFile(key, staged);
  std::error_code ignored;
  std::filesystem::remove(staged, ignored);
  if (!status.ok()) return status;
  return file;
}

Status OpenLakeTable(iceberg::Catalog& catalog, lake::ObjectStore& objects, const iceberg::TableIdentifier& table,
                     const iceberg::TableDefinition& definition, const std::filesystem::path& staging_dir,
                     bool remove_orphans) {
  std::error_code ec;
  std::filesystem::create_directories(staging_dir, ec);
  if (ec) return Status::Unavailable("cannot create " + staging_dir.string() + ": " + ec.message());
  ASSIGN_OR_RETURN(bool ns_exists, catalog.NamespaceExists(table.ns));
  if (!ns_exists) {
    Status created = catalog.CreateNamespace(table.ns);
    if (!created.ok() && created.code() != StatusCode::kAlreadyExists) return created;
  }
  auto loaded = catalog.LoadTable(table);
  if (loaded.ok()) {
    if (!remove_orphans) return Status::Ok();
    return iceberg::RemoveOrphanFiles(objects, *loaded, std::chrono::milliseconds(0)).status();
  }
  if (loaded.status().code() != StatusCode::kNotFound) return loaded.status();
  auto created = catalog.CreateTable(table, definition);
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) return created.status();
  return Status::Ok();
}

}  // namespace tradeagg::agg
