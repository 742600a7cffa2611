// SqlCatalog: an Iceberg catalog in a SQLite database, in exactly the schema of PyIceberg's
// SqlCatalog and Java's JdbcCatalog (schema "v1"), so that both open the same file:
//
//   iceberg_tables (catalog_name, table_namespace, table_name, metadata_location,
//                   previous_metadata_location, iceberg_type)   -- PK the first three
//   iceberg_namespace_properties (catalog_name, namespace, property_key, property_value)
//
// One database can hold several catalogs; every row carries catalog_name ("tradeagg").
// Tables are created if absent. A database of the older "v0" schema (no iceberg_type) is
// used as it is, as PyIceberg does without schema_version=v1. Rows with iceberg_type "VIEW"
// are not tables and are ignored. A namespace exists while it has a property row or a table.
//
// CommitTable writes the new metadata file (the next version after the base; see
// metadata_files.h) and swaps the table's pointer to it with SwapMetadataLocation. When the
// swap certainly failed, the new file is referenced by nothing and is deleted; when its
// outcome is unknown the file is kept, since the table may point at it.
// SwapMetadataLocation runs BEGIN IMMEDIATE; UPDATE ... WHERE metadata_location = <expected>;
// COMMIT. 0 rows updated -> kFailed/kConflict (or kNotFound). Failures before COMMIT, and a COMMIT
// that reports SQLITE_BUSY with the transaction still open, roll back -> kFailed. Any other
// COMMIT failure (an I/O error while the journal is synced) -> kStateUnknown.
// Fault points for tests: "catalog.commit.before_update" (fails the commit before the write,
// kFailed/kUnavailable) and "catalog.commit.lost_reply" (commits, then reports
// kStateUnknown, as if the reply had been lost).
//
// Default table location: the namespace property "location" + "/<table>" if set, else
// "<warehouse>/<namespace>.db/<table>" with <warehouse> the ObjectStore root (the layout the
// project agreed on; PyIceberg's SqlCatalog and Java's JdbcCatalog would default to
// "<warehouse>/<namespace>/<table>" — readers do not care, they follow metadata locations).
// Thread safety: all methods may be called concurrently (one connection, behind a mutex);
// several processes may share the database (SQLite locking, busy timeout).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/object_store.h"
#include "tradeagg/store/sqlite/sqlite_db.h"

namespace tradeagg::lake::iceberg {

class SqlCatalog final : public Catalog {
 public:
  struct Options {
    std::filesystem::path db_path;  // e.g. <data-dir>/catalog.db; created if absent
    std::string catalog_name = "tradeagg";
    int busy_timeout_ms = 5000;
  };

  // `store` is the warehouse the tables' files are in; it must outlive the catalog.
  static Result<std::unique_ptr<SqlCatalog>> Open(const Options& options, ObjectStore* store);

  Status CreateNamespace(std::string_view ns, const Properties& properties = {}) override;
  Result<bool> NamespaceExists(std::string_view ns) override;
  Result<Properties> LoadNamespaceProperties(std::string_view ns) override;
  Result<std::vector<TableIdentifier>> ListTables(std::string_view ns) override;
  Result<LoadedTable> LoadTable(const TableIdentifier& table) override;
  Result<LoadedTable> CreateTable(const TableIdentifier& table, const TableDefinition& definition,
                                  std::string location = "") override;
  CommitAttempt CommitTable(const TableIdentifier& table, const LoadedTable& base,
                            const TableMetadata& updated) override;
  // Compare-and-swap of the metadata pointer; see the file comment.
  CommitResult SwapMetadataLocation(const TableIdentifier& table, std::string_view expected_metadata_location,
                                    std::string_view new_metadata_location);

  Result<std::string> DefaultTableLocation(const TableIdentifier& table);
  // False for a database of PyIceberg's older schema without iceberg_type.
  bool has_iceberg_type_column() const { return has_iceberg_type_; }

 private:
  SqlCatalog(Options options, ObjectStore* store, store::SqliteDb db, bool has_iceberg_type);

  Result<bool> NamespaceExistsLocked(std::string_view ns);
  Result<Properties> LoadNamespacePropertiesLocked(std::string_view ns);
  // The table's metadata_location; nullopt when there is no such table.
  Result<std::optional<std::string>> MetadataLocationLocked(const TableIdentifier& table);
  std::string TableFilter() const;  // " AND (iceberg_type ...)" or "" on v0 databases
  Status RollbackLocked();

  const Options options_;
  ObjectStore* const store_;
  const bool has_iceberg_type_;
  std::mutex mu_;
  store::SqliteDb db_;  // guarded by mu_
};

}  // namespace tradeagg::lake::iceberg
