#include "tradeagg/lake/lake.h"

namespace tradeagg::lake {

Result<std::unique_ptr<Lake>> Lake::Open(std::unique_ptr<ObjectStore> objects,
                                         std::unique_ptr<iceberg::Catalog> catalog, store::TradeStore& store,
                                         ExporterConfig config, bool owner) {
  std::unique_ptr<Lake> lake(new Lake());
  lake->objects_ = std::move(objects);
  lake->catalog_ = std::move(catalog);
  engine::DatabaseOptions duckdb_options;
  duckdb_options.threads = config.duckdb_threads;
  ASSIGN_OR_RETURN(lake->duckdb_, engine::Database::OpenInMemory(duckdb_options));
  ASSIGN_OR_RETURN(lake->connection_, lake->duckdb_.Connect());
  lake->exporter_ = std::make_unique<Exporter>(store, *lake->catalog_, *lake->objects_, lake->connection_,
                                               std::move(config));
  TRY(lake->exporter_->Open(/*remove_orphans=*/owner));
  return lake;
}

Lake::~Lake() {
  if (exporter_) exporter_->Stop();
}

}  // namespace tradeagg::lake
