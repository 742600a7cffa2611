#include "tradeagg/app/backends.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <system_error>

#include <unistd.h>

#include "tradeagg/lake/iceberg/rest/rest_catalog.h"
#include "tradeagg/lake/iceberg/sql_catalog.h"
#include "tradeagg/lake/local/local_object_store.h"
#include "tradeagg/lake/s3/s3_object_store.h"
#include "tradeagg/store/mongo/mongo_client.h"
#include "tradeagg/store/mongo/mongo_exposure_store.h"
#include "tradeagg/store/mongo/mongo_trade_store.h"
#include "tradeagg/store/mongo/mongo_user_store.h"
#include "tradeagg/store/mongo/mongo_work_lease.h"
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

// store.instance_id, or one derived once (host name and a random suffix) and kept in the data
// directory, so that a restarted server is the same writer and reaps what its crash left.
Result<std::string> InstanceId(const Config& config) {
  if (!config.store.instance_id.empty()) return config.store.instance_id;
  const std::filesystem::path path = config.instance_id_path();
  {
    std::ifstream in(path);
    std::string id;
    if (in && std::getline(in, id) && !id.empty()) return id;
  }
  char host[64] = {};
  gethostname(host, sizeof(host) - 1);
  std::string id;
  for (const char* c = host; *c != '\0' && id.size() < 40; ++c) {
    const bool ok = std::isalnum(static_cast<unsigned char>(*c)) || *c == '-' || *c == '_' || *c == '.';
    id.push_back(ok ? *c : '-');
  }
  if (id.empty()) id = "tradeagg";
  std::random_device random;
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "-%08x", static_cast<unsigned>(random()));
  id += suffix;
  // Written aside and renamed into place: a crash never leaves a torn id behind.
  const std::filesystem::path temporary = path.string() + ".tmp";
  std::ofstream out(temporary, std::ios::trunc);
  out << id << "\n";
  out.close();
  std::error_code renamed;
  if (out) std::filesystem::rename(temporary, path, renamed);
  if (!out || renamed) return Status::Unavailable("cannot write " + path.string() + " (store.instance_id)");
  return id;
}

// What goes wrong opening the stores once the server answers (an index that cannot be built,
// a command the credentials may not run) is about the database store.uri names: say so.
template <typename T>
Result<T> AboutStoreUri(Result<T> opened) {
  if (opened.ok()) return opened;
  return Status(opened.status().code(), "store.uri: " + opened.status().message());
}

Result<Stores> OpenMongoStores(const Config& config) {
  store::MongoClientOptions client_options;
  client_options.uri = config.store.uri;
  client_options.write_concern = config.store.write_concern;
  ASSIGN_OR_RETURN(std::unique_ptr<store::MongoClient> client, store::MongoClient::Open(client_options));
  store::MongoTradeStoreOptions trade_options;
  ASSIGN_OR_RETURN(trade_options.instance_id, InstanceId(config));
  Stores stores;
  stores.shared = true;
  stores.group_wait = std::chrono::microseconds(2000);
  std::shared_ptr<store::MongoClient> shared(std::move(client));
  stores.connection = shared;
  ASSIGN_OR_RETURN(stores.trades, AboutStoreUri(store::MongoTradeStore::Open(*shared, trade_options)));
  ASSIGN_OR_RETURN(stores.users, AboutStoreUri(store::MongoUserStore::Open(*shared)));
  store::MongoExposureStoreOptions result_options;
  result_options.instance_id = trade_options.instance_id;
  ASSIGN_OR_RETURN(stores.results, AboutStoreUri(store::MongoExposureStore::Open(*shared, result_options)));
  stores.export_lease = std::make_unique<store::MongoWorkLease>(
      *shared, store::MongoWorkLeaseOptions{"lake-export", trade_options.instance_id});
  stores.schedule_lease = std::make_unique<store::MongoWorkLease>(
      *shared, store::MongoWorkLeaseOptions{"aggregation-schedule", trade_options.instance_id});
  return stores;
}

}  // namespace

Result<Stores> OpenStores(const Config& config) {
  TRY(ValidateStoreConfig(config.store));
  TRY(SecureDataDir(config));
  if (config.store.is_sqlite()) return OpenSqliteStores(config);
  return OpenMongoStores(config);
}

namespace {

// The warehouse's object store: the local directory, or the S3 bucket (checked to exist).
Result<std::unique_ptr<lake::ObjectStore>> OpenWarehouse(const Config& config) {
  if (!config.warehouse_on_s3()) {
    ASSIGN_OR_RETURN(std::unique_ptr<lake::LocalObjectStore> local, lake::LocalObjectStore::Open(config.warehouse_path()));
    return std::unique_ptr<lake::ObjectStore>(std::move(local));
  }
  lake::s3::S3ClientOptions options;
  options.endpoint = config.s3.endpoint;
  options.region = config.s3.region_or_default();
  options.path_style = config.s3.uses_path_style();
  options.credentials = {config.s3.access_key_id, config.s3.secret_access_key, config.s3.session_token};
  ASSIGN_OR_RETURN(std::unique_ptr<lake::s3::S3Client> client, lake::s3::S3Client::Create(std::move(options)));
  ASSIGN_OR_RETURN(lake::s3::S3Location location, lake::s3::S3Location::Parse(config.lake_warehouse));
  lake::s3::S3ObjectStoreOptions store_options;
  store_options.copies_dir = config.data_dir / "lake-copies";  // what DuckDB reads (lake/local_copy_cache.h)
  ASSIGN_OR_RETURN(std::unique_ptr<lake::s3::S3ObjectStore> s3,
                   lake::s3::S3ObjectStore::Open(std::move(client), std::move(location), std::move(store_options)));
  return std::unique_ptr<lake::ObjectStore>(std::move(s3));
}

// The REST catalog named by lake.catalog_uri, connected (GET /v1/config) before tradeagg starts.
Result<std::unique_ptr<lake::iceberg::Catalog>> OpenRestCatalog(const CatalogConfig& config) {
  lake::iceberg::rest::RestCatalogOptions options;
  options.session.uri = config.uri;
  options.session.credential = config.credential;
  options.session.token = config.token;
  options.warehouse = config.warehouse;
  Result<std::unique_ptr<lake::iceberg::rest::RestCatalog>> catalog =
      lake::iceberg::rest::RestCatalog::Open(std::move(options));
  if (!catalog.ok()) {
    return Status(catalog.status().code(), "lake.catalog_uri: " + catalog.status().message());
  }
  return std::unique_ptr<lake::iceberg::Catalog>(std::move(catalog).value());
}

}  // namespace

std::optional<engine::S3Reads> DuckDbS3Reads(const Config& config) {
  if (!config.warehouse_on_s3() || config.s3.duckdb_reads != "in_place") return std::nullopt;
  engine::S3Reads reads;
  reads.httpfs_extension = engine::DefaultExtensionDirectory() / "httpfs.duckdb_extension";
  reads.endpoint = config.s3.endpoint;
  reads.region = config.s3.region_or_default();
  reads.path_style = config.s3.uses_path_style();
  reads.access_key_id = config.s3.access_key_id;
  reads.secret_access_key = config.s3.secret_access_key;
  reads.session_token = config.s3.session_token;
  return reads;
}

Result<LakeStorage> OpenLakeStorage(const Config& config) {
  LakeStorage storage;
  ASSIGN_OR_RETURN(storage.objects, OpenWarehouse(config));
  if (config.catalog.is_rest()) {
    ASSIGN_OR_RETURN(storage.catalog, OpenRestCatalog(config.catalog));
    return storage;
  }
  lake::iceberg::SqlCatalog::Options options;
  options.db_path = config.catalog_path();
  ASSIGN_OR_RETURN(storage.catalog, lake::iceberg::SqlCatalog::Open(options, storage.objects.get()));
  return storage;
}

}  // namespace tradeagg::app
