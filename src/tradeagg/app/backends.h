// Backends: the one place that chooses an implementation for each storage role from the
// configuration. Everything else is handed the roles (store::TradeStore, store::UserStore,
// store::ExposureStore, lake::ObjectStore, lake::iceberg::Catalog) and never names a backend.
//
// store.uri "sqlite": the data directory's SQLite file (store/sqlite), the default.
// store.uri mongodb://...: a MongoDB database (store/mongo), shared by every instance.
// The lake: a warehouse (a local directory, or an S3 bucket with lake.warehouse = s3://...) and
// a catalog (a SQLite file, or an Iceberg REST catalog server with lake.catalog = rest), in the
// data directory unless lake.warehouse and lake.catalog_uri say where (instances on one shared
// store share them).
// Thread safety: functions; what they open is documented by each backend.
#pragma once

#include <chrono>
#include <memory>

#include "tradeagg/app/config.h"
#include "tradeagg/core/status.h"
#include "tradeagg/engine/s3_reads.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/object_store.h"
#include "tradeagg/store/exposure_store.h"
#include "tradeagg/store/trade_store.h"
#include "tradeagg/store/user_store.h"
#include "tradeagg/store/work_lease.h"

namespace tradeagg::app {

// The system of record's three roles. Destroyed in reverse order of declaration; a backend
// that shares one connection among them keeps it alive until the last is gone.
struct Stores {
  std::shared_ptr<void> connection;  // what the roles share (MongoDB's client pool), or null
  std::unique_ptr<store::TradeStore> trades;
  std::unique_ptr<store::UserStore> users;
  std::unique_ptr<store::ExposureStore> results;
  // Other instances may write the same store (MongoDB): this one's positions and user cache
  // must follow what they write, and its background lake work must hold the lease.
  bool shared = false;
  // On a shared store, who does the background lake work (store/work_lease.h): the export
  // (and its sweeps) and the scheduled aggregation runs. Null: this instance alone.
  std::unique_ptr<store::WorkLease> export_lease;
  std::unique_ptr<store::WorkLease> schedule_lease;
  // How long the pipeline gathers a group (ingest::PipelineConfig::group_wait) unless
  // ingest.group_wait_us says: 0 where a commit is one fsync (SQLite), a few milliseconds where
  // every commit costs round trips whatever its size (MongoDB).
  std::chrono::microseconds group_wait{0};
};

// Opens (creating as needed) the configured store. Also makes the data directory private,
// which every backend uses (staging files, the lake's catalog).
Result<Stores> OpenStores(const Config& config);

// The lake's storage: the catalog borrows the object store, so destroy it first.
struct LakeStorage {
  std::unique_ptr<lake::ObjectStore> objects;
  std::unique_ptr<lake::iceberg::Catalog> catalog;
};

Result<LakeStorage> OpenLakeStorage(const Config& config);

// How the aggregation's DuckDB reads an S3 warehouse in place (lake.s3.duckdb_reads =
// "in_place"); nullopt for a local warehouse or local copies.
std::optional<engine::S3Reads> DuckDbS3Reads(const Config& config);

}  // namespace tradeagg::app
