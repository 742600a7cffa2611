// Lake: the embedded lake of one data directory, put together: the warehouse (a local
// ObjectStore), the SQL catalog beside it, an in-process DuckDB for writing Parquet, and the
// Exporter that fills tradeagg.trades from the TradeStore.
//
// The objects are created in dependency order and destroyed in reverse, so the exporter never
// outlives the catalog or the DuckDB connection it borrows.
// Thread safety: as its parts (see exporter.h).
#pragma once

#include <filesystem>
#include <memory>

#include "tradeagg/engine/connection.h"
#include "tradeagg/engine/database.h"
#include "tradeagg/lake/exporter.h"
#include "tradeagg/lake/iceberg/sql_catalog.h"
#include "tradeagg/lake/local/local_object_store.h"

namespace tradeagg::lake {

class Lake {
 public:
  // Opens (creating as needed) the warehouse and catalog, and opens the exporter (creates the
  // table). `owner`: this process runs the background exporter, so it also removes files a
  // crashed export left behind (see Exporter::Open). The exporter is not started.
  static Result<std::unique_ptr<Lake>> Open(const std::filesystem::path& warehouse,
                                            const std::filesystem::path& catalog_db, store::TradeStore& store,
                                            ExporterConfig config, bool owner);
  ~Lake();

  Exporter& exporter() { return *exporter_; }
  iceberg::Catalog& catalog() { return *catalog_; }
  ObjectStore& objects() { return *objects_; }

 private:
  Lake() = default;
  std::unique_ptr<LocalObjectStore> objects_;
  std::unique_ptr<iceberg::SqlCatalog> catalog_;
  engine::Database duckdb_;
  engine::Connection connection_;
  std::unique_ptr<Exporter> exporter_;
};

}  // namespace tradeagg::lake
