#include "tradeagg/app/backends.h"

#include <filesystem>
#include <system_error>

#include "tradeagg/lake/iceberg/sql_catalog.h"
#include "tradeagg/lake/local/local_object_store.h"
#include "tradeagg/store/sqlite/sqlite_exposure_store.h"
#include "tradeagg/store/sqlite/sqlite_trade_store.h"
#include "tradeagg/store/sqlite/sqlite_user_store.h"

namespace tradeagg::app {

namespace {

// The data directory is the service's alone (0700), so nothing in it is reachable by other
// users, also files an earlier build or another tool left readable; the files tradeagg keeps
// at its top are 0600 as well (new ones are, by the umask main() sets).
Status SecureDataDir(const Config& config) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) return Status::Unavailable("cannot create data directory " + config.data_dir.string() + ": " + ec.message());
  fs::permissions(config.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return Status::Unavailable("cannot make " + config.data_dir.string() + " private (0700): " + ec.message());
  const fs::path store = config.store_path();
  const fs::path catalog = config.catalog_path();
  for (const fs::path& file : {store, fs::path(store.string() + "-wal"), fs::path(store.string() + "-shm"), catalog,
                               fs::path(catalog.string() + "-wal"), fs::path(catalog.string() + "-shm"),
                               config.token_key_path(), config.instance_id_path()}) {
    if (!fs::exists(file, ec)) continue;
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    if (ec) return Status::Unavailable("cannot make " + file.string() + " private (0600): " + ec.message());
  }
  return Status::Ok();
}

Result<Stores> OpenSqliteStores(const Config& config) {
  Stores stores;
  ASSIGN_OR_RETURN(stores.trades, store::SqliteTradeStore::Open(config.store_path()));
  ASSIGN_OR_RETURN(stores.users, store::SqliteUserStore::Open(config.store_path()));
  ASSIGN_OR_RETURN(stores.results, store::SqliteExposureStore::Open(config.store_path()));
  return stores;
}

}  // namespace

Result<Stores> OpenStores(const Config& config) {
  TRY(ValidateStoreConfig(config.store));
  TRY(SecureDataDir(config));
  if (config.store.is_sqlite()) return OpenSqliteStores(config);
  return Status::InvalidArgument("store.uri: the MongoDB backend is not built into this binary");
}

Result<LakeStorage> OpenLakeStorage(const Config& config) {
  LakeStorage storage;
  ASSIGN_OR_RETURN(storage.objects, lake::LocalObjectStore::Open(config.warehouse_path()));
  lake::iceberg::SqlCatalog::Options options;
  options.db_path = config.catalog_path();
  ASSIGN_OR_RETURN(storage.catalog, lake::iceberg::SqlCatalog::Open(options, storage.objects.get()));
  return storage;
}

}  // namespace tradeagg::app
