// Lake: the lake put together: its object store and catalog (chosen by the composition root,
// app/backends.h), an in-process DuckDB for writing Parquet, and the Exporter that fills
// tradeagg.trades from the TradeStore.
//
// The objects are created in dependency order and destroyed in reverse, so the exporter never
// outlives the catalog or the DuckDB connection it borrows.
// Thread safety: as its parts (see exporter.h).
#pragma once

#include <memory>

#include "tradeagg/engine/connection.h"
#include "tradeagg/engine/database.h"
#include "tradeagg/lake/exporter.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake {

class Lake {
 public:
  // Takes the storage (the catalog borrows `objects`) and opens the exporter (creates the
  // table). `owner`: this process runs the background exporter, so it also removes files a
  // crashed export left behind (see Exporter::Open). The exporter is not started.
  static Result<std::unique_ptr<Lake>> Open(std::unique_ptr<ObjectStore> objects,
                                            std::unique_ptr<iceberg::Catalog> catalog, store::TradeStore& store,
                                            ExporterConfig config, bool owner);
  ~Lake();

  Exporter& exporter() { return *exporter_; }
  iceberg::Catalog& catalog() { return *catalog_; }
  ObjectStore& objects() { return *objects_; }

 private:
  Lake() = default;
  std::unique_ptr<ObjectStore> objects_;
  std::unique_ptr<iceberg::Catalog> catalog_;  // borrows objects_: declared after it, destroyed first
  engine::Database duckdb_;
  engine::Connection connection_;
  std::unique_ptr<Exporter> exporter_;
};

}  // namespace tradeagg::lake
