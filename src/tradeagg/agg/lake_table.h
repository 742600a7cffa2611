// What the writers of tradeagg's own result tables (tradeagg.exposures, tradeagg.runs) share:
// a table's columns declared once, in one array, from which follow its Iceberg schema, the
// DuckDB staging table its rows are appended to, and the Parquet field ids; writing the staged
// rows as one data file; and opening the table.
//
// A writer stages one data file's rows in a DuckDB temp table (CreateStagingTable, then an
// Appender in column order), and WriteStagedDataFile copies them to a local Parquet file
// (zstd, FIELD_IDS from the columns), reads the metrics the manifest needs from its footer
// (ReadParquetFooter), moves it to its key in the warehouse, and drops the staging table;
// DropStagingTable is for a writer that gives up before that.
// Thread safety: none beyond the connection's; one staging table per connection at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/engine/connection.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/data_file.h"
#include "tradeagg/lake/iceberg/schema.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::agg {

// One column of a result table, in schema order.
struct LakeColumn {
  std::string_view name;
  int32_t field_id;             // iceberg_constants.h
  std::string_view sql_type;    // the DuckDB type the rows are staged and written as
  lake::iceberg::PrimitiveType type;
  bool required;
};

// Schema id 0 with the columns as its fields, in order.
lake::iceberg::Schema LakeSchema(std::span<const LakeColumn> columns);

// CREATE OR REPLACE TEMP TABLE `name` with the columns (NOT NULL where required).
Status CreateStagingTable(engine::Connection& duckdb, std::string_view name, std::span<const LakeColumn> columns);
void DropStagingTable(engine::Connection& duckdb, std::string_view name);

// Writes the staging table `name` (holding `rows` rows) as the Parquet data file `key` of the
// warehouse, by way of `staging_dir`, and drops the staging table. `file` comes with the
// partition tuple; the path, counts, sizes and split offsets are filled in here.
Result<lake::iceberg::DataFile> WriteStagedDataFile(engine::Connection& duckdb, lake::ObjectStore& objects,
                                                    std::string_view name, std::span<const LakeColumn> columns,
                                                    const std::filesystem::path& staging_dir, const std::string& key,
                                                    int64_t rows, lake::iceberg::DataFile file);

// Creates `staging_dir`, the table's namespace and the table (from `definition`) when absent.
// With remove_orphans (the server at its start: the table's one background writer) also
// deletes files a failed write left behind (RemoveOrphanFiles, no minimum age).
Status OpenLakeTable(lake::iceberg::Catalog& catalog, lake::ObjectStore& objects,
                     const lake::iceberg::TableIdentifier& table, const lake::iceberg::TableDefinition& definition,
                     const std::filesystem::path& staging_dir, bool remove_orphans);

}  // namespace tradeagg::agg
