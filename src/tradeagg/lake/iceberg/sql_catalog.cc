#include "tradeagg/lake/iceberg/sql_catalog.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/core/time.h"
#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/metadata_files.h"

namespace tradeagg::lake::iceberg {

using store::SqliteDb;
using store::SqliteStatement;

namespace {

// Byte for byte the DDL SQLAlchemy emits for PyIceberg's models (and the columns of Java's
// JdbcCatalog V1 schema), so that a database created by either side looks the same.
constexpr const char* kCreateTables = R"sql(
CREATE TABLE IF NOT EXISTS iceberg_tables (
	catalog_name VARCHAR(255) NOT NULL, 
	table_namespace VARCHAR(255) NOT NULL, 
	table_name VARCHAR(255) NOT NULL, 
	metadata_location VARCHAR(1000), 
	previous_metadata_location VARCHAR(1000), 
	iceberg_type VARCHAR(5), 
	PRIMARY KEY (catalog_name, table_namespace, table_name)
);
CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
	catalog_name VARCHAR(255) NOT NULL, 
	namespace VARCHAR(255) NOT NULL, 
	property_key VARCHAR(255) NOT NULL, 
	property_value VARCHAR(1000) NOT NULL, 
	PRIMARY KEY (catalog_name, namespace, property_key)
);
)sql";

constexpr std::string_view kTableType = "TABLE";
constexpr std::string_view kExistsProperty = "exists";
constexpr std::string_view kLocationProperty = "location";

Status ValidateNamespace(std::string_view ns) {
  if (ns.empty() || ns.front() == '.' || ns.back() == '.' || ns.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("namespace '" + std::string(ns) + "': expected non-empty levels joined by '.'");
  }
  return Status::Ok();
}

Status ValidateIdentifier(const TableIdentifier& table) {
  TRY(ValidateNamespace(table.ns));
  if (table.name.empty()) return Status::InvalidArgument("table identifier '" + table.ToString() + "': no table name");
  return Status::Ok();
}

// The LIKE pattern of sub-namespaces of `ns` ("a" -> "a.%"), escaped with '!' as PyIceberg does.
std::string SubNamespacePattern(std::string_view ns) {
  std::string pattern;
  for (char c : ns) {
    if (c == '!' || c == '_' || c == '%') pattern.push_back('!');
    pattern.push_back(c);
  }
  pattern += ".%";
  return pattern;
}

int64_t NowMs() { return Timestamp::Now().micros() / 1000; }

}  // namespace

SqlCatalog::SqlCatalog(Options options, ObjectStore* store, SqliteDb db, bool has_iceberg_type)
    : options_(std::move(options)), store_(store), has_iceberg_type_(has_iceberg_type), db_(std::move(db)) {}

Result<std::unique_ptr<SqlCatalog>> SqlCatalog::Open(const Options& options, ObjectStore* store) {
  if (store == nullptr) return Status::InvalidArgument("SqlCatalog needs an object store");
  if (options.catalog_name.empty()) return Status::InvalidArgument("SqlCatalog needs a catalog name");
  ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(options.db_path, SqliteDb::Mode::kReadWriteCreate,
                                               options.busy_timeout_ms));
  // A commit is durable when COMMIT returns (FULL is the default of rollback-journal mode;
  // said explicitly because the catalog's promise depends on it).
  TRY(db.Exec("PRAGMA synchronous=FULL"));
  TRY(db.Exec(kCreateTables));
  // An older PyIceberg database has no iceberg_type column: use it as it is (v0 mode).
  const bool has_iceberg_type = db.Prepare("SELECT iceberg_type FROM iceberg_tables LIMIT 0").ok();
  return std::unique_ptr<SqlCatalog>(new SqlCatalog(options, store, std::move(db), has_iceberg_type));
}

std::string SqlCatalog::TableFilter() const {
  // Java and iceberg-rust also keep views in iceberg_tables; they are not tables.
  return has_iceberg_type_ ? " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)" : "";
}

Status SqlCatalog::RollbackLocked() {
  if (!db_.in_transaction()) return Status::Ok();  // SQLite may have rolled back by itself
  return db_.Exec("ROLLBACK");
}

// --- namespaces ---

Result<bool> SqlCatalog::NamespaceExistsLocked(std::string_view ns) {
  const std::string pattern = SubNamespacePattern(ns);
  for (const char* sql :
       {"SELECT 1 FROM iceberg_tables WHERE catalog_name = ?1 AND (table_namespace = ?2 OR "
        "table_namespace LIKE ?3 ESCAPE '!') LIMIT 1",
        "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ?1 AND (namespace = ?2 OR "
        "namespace LIKE ?3 ESCAPE '!') LIMIT 1"}) {
    ASSIGN_OR_RETURN(SqliteStatement stmt, db_.Prepare(sql));
    SqliteStatement::ResetGuard reset(stmt);
    stmt.BindText(1, options_.catalog_name);
    stmt.BindText(2, ns);
    stmt.BindText(3, pattern);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) return true;
  }
  return false;
}

Result<bool> SqlCatalog::NamespaceExists(std::string_view ns) {
  TRY(ValidateNamespace(ns));
  std::lock_guard lock(mu_);
  return NamespaceExistsLocked(ns);
}

Status SqlCatalog::CreateNamespace(std::string_view ns, const Properties& properties) {
  TRY(ValidateNamespace(ns));
  std::lock_guard lock(mu_);
  TRY(db_.Exec("BEGIN IMMEDIATE"));
  auto fail = [this](Status status) {
    Status rollback = RollbackLocked();
    if (!rollback.ok()) spdlog::warn("catalog: rollback failed: {}", rollback.ToString());
    return status;
  };
  Result<bool> exists = NamespaceExistsLocked(ns);
  if (!exists.ok()) return fail(exists.status());
  if (*exists) return fail(Status::AlreadyExists("namespace '" + std::string(ns) + "' already exists"));

  Properties rows = properties;
  if (rows.empty()) rows.emplace(kExistsProperty, "true");
  Result<SqliteStatement> insert = db_.Prepare(
      "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!insert.ok()) return fail(insert.status());
  for (const auto& [key, value] : rows) {
    insert->BindText(1, options_.catalog_name);
    insert->BindText(2, ns);
    insert->BindText(3, key);
    insert->BindText(4, value);
    if (Status s = insert->Run(); !s.ok()) return fail(s);
  }
  if (Status s = db_.Exec("COMMIT"); !s.ok()) return fail(s);
  return Status::Ok();
}

Result<Properties> SqlCatalog::LoadNamespacePropertiesLocked(std::string_view ns) {
  ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(ns));
  if (!exists) return Status::NotFound("namespace '" + std::string(ns) + "' does not exist");
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   db_.Prepare("SELECT property_key, property_value FROM iceberg_namespace_properties "
                               "WHERE catalog_name = ?1 AND namespace = ?2"));
  SqliteStatement::ResetGuard reset(stmt);
  stmt.BindText(1, options_.catalog_name);
  stmt.BindText(2, ns);
  Properties properties;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    properties.emplace(stmt.ColumnText(0), stmt.ColumnText(1));
  }
  return properties;
}

Result<Properties> SqlCatalog::LoadNamespaceProperties(std::string_view ns) {
  TRY(ValidateNamespace(ns));
  std::lock_guard lock(mu_);
  return LoadNamespacePropertiesLocked(ns);
}

Result<std::vector<TableIdentifier>> SqlCatalog::ListTables(std::string_view ns) {
  TRY(ValidateNamespace(ns));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(ns));
  if (!exists) return Status::NotFound("namespace '" + std::string(ns) + "' does not exist");
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   db_.Prepare("SELECT table_name FROM iceberg_tables WHERE catalog_name = ?1 AND "
                               "table_namespace = ?2" + TableFilter() + " ORDER BY table_name"));
  SqliteStatement::ResetGuard reset(stmt);
  stmt.BindText(1, options_.catalog_name);
  stmt.BindText(2, ns);
  std::vector<TableIdentifier> tables;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    tables.push_back(TableIdentifier{std::string(ns), std::string(stmt.ColumnText(0))});
  }
  return tables;
}

// --- tables ---

Result<std::optional<std::string>> SqlCatalog::MetadataLocationLocked(const TableIdentifier& table) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   db_.Prepare("SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ?1 AND "
                               "table_namespace = ?2 AND table_name = ?3" + TableFilter()));
  SqliteStatement::ResetGuard reset(stmt);
  stmt.BindText(1, options_.catalog_name);
  stmt.BindText(2, table.ns);
  stmt.BindText(3, table.name);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnIsNull(0)) return std::optional<std::string>();
  return std::optional<std::string>(std::string(stmt.ColumnText(0)));
}

Result<LoadedTable> SqlCatalog::LoadTable(const TableIdentifier& table) {
  TRY(ValidateIdentifier(table));
  std::optional<std::string> location;
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(location, MetadataLocationLocked(table));
  }
  if (!location) return Status::NotFound("table " + table.ToString() + " does not exist");
  Result<TableMetadata> metadata = ReadMetadataFile(*store_, *location);
  if (!metadata.ok()) {
    // The catalog points at it, so a missing file is a broken table, not a missing one.
    const Status& s = metadata.status();
    StatusCode code = s.code() == StatusCode::kNotFound ? StatusCode::kInternal : s.code();
    return Status(code, "table " + table.ToString() + ": current metadata file: " + s.message());
  }
  return LoadedTable{std::move(*location), std::move(metadata).value()};
}

Result<std::string> SqlCatalog::DefaultTableLocation(const TableIdentifier& table) {
  TRY(ValidateIdentifier(table));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Properties properties, LoadNamespacePropertiesLocked(table.ns));
  auto custom = properties.find(kLocationProperty);
  if (custom != properties.end()) {
    std::string location = custom->second;
    while (location.ends_with('/')) location.pop_back();
    return location + "/" + table.name;
  }
  return store_->Uri(table.ns + ".db/" + table.name);
}

Result<LoadedTable> SqlCatalog::CreateTable(const TableIdentifier& table, const TableDefinition& definition,
                                            std::string location) {
  TRY(ValidateIdentifier(table));
  if (location.empty()) {
    ASSIGN_OR_RETURN(location, DefaultTableLocation(table));  // kNotFound without the namespace
  }
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(bool ns_exists, NamespaceExistsLocked(table.ns));
    if (!ns_exists) return Status::NotFound("namespace '" + table.ns + "' does not exist");
    ASSIGN_OR_RETURN(std::optional<std::string> existing, MetadataLocationLocked(table));
    if (existing) return Status::AlreadyExists("table " + table.ToString() + " already exists");
  }

  ASSIGN_OR_RETURN(TableMetadata metadata, NewTableMetadata(definition, std::move(location), NewUuid(), NowMs()));
  ASSIGN_OR_RETURN(std::string metadata_location, WriteMetadataFile(*store_, metadata, 0));
  auto discard_file = [this, &metadata_location](Status status) {
    // Nothing references the file: remove it (best effort; orphan clean-up would too).
    Result<std::string> key = store_->KeyForUri(metadata_location);
    if (key.ok()) (void)store_->Delete(*key);
    return status;
  };

  {
    std::lock_guard lock(mu_);
    std::string sql = has_iceberg_type_
                          ? "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                            "metadata_location, previous_metadata_location, iceberg_type) "
                            "VALUES (?1, ?2, ?3, ?4, NULL, ?5)"
                          : "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                            "metadata_location, previous_metadata_location) VALUES (?1, ?2, ?3, ?4, NULL)";
    Result<SqliteStatement> insert = db_.Prepare(sql);
    if (!insert.ok()) return discard_file(insert.status());
    insert->BindText(1, options_.catalog_name);
    insert->BindText(2, table.ns);
    insert->BindText(3, table.name);
    insert->BindText(4, metadata_location);
    if (has_iceberg_type_) insert->BindText(5, kTableType);
    Status inserted = insert->Run();
    if (!inserted.ok()) {
      const int rc = db_.last_error_code();
      if (inserted.code() == StatusCode::kAlreadyExists) {
        return discard_file(Status::AlreadyExists("table " + table.ToString() + " already exists"));
      }
      // An I/O error while committing may have left the row in place: keep the file it names.
      if (SqliteDb::IsIoError(rc)) return Status::StateUnknown("create table " + table.ToString() + ": " + inserted.message());
      return discard_file(inserted);
    }
  }
  if (Status hint = WriteVersionHint(*store_, metadata_location); !hint.ok()) {
    spdlog::warn("catalog: table {} created, but its version hint was not written: {}", table.ToString(),
                 hint.ToString());
  }
  return LoadedTable{std::move(metadata_location), std::move(metadata)};
}

CommitAttempt SqlCatalog::CommitTable(const TableIdentifier& table, const LoadedTable& base,
                                      const TableMetadata& updated) {
  CommitAttempt attempt;
  Result<std::string> written = WriteMetadataFile(*store_, updated, NextMetadataVersion(base.metadata_location));
  if (!written.ok()) {
    attempt.result = CommitResult::Failed(written.status());
    return attempt;
  }
  attempt.metadata_location = std::move(written).value();
  attempt.result = SwapMetadataLocation(table, base.metadata_location, attempt.metadata_location);
  if (attempt.result.outcome == CommitOutcome::kFailed) {
    Result<std::string> key = store_->KeyForUri(attempt.metadata_location);
    if (key.ok()) (void)store_->Delete(*key);  // best effort; orphan clean-up catches the rest
  }
  return attempt;
}

CommitResult SqlCatalog::SwapMetadataLocation(const TableIdentifier& table,
                                              std::string_view expected_metadata_location,
                                              std::string_view new_metadata_location) {
  if (Status s = ValidateIdentifier(table); !s.ok()) return CommitResult::Failed(s);
  if (expected_metadata_location.empty() || new_metadata_location.empty() ||
      expected_metadata_location == new_metadata_location) {
    return CommitResult::Failed(Status::InvalidArgument("commit " + table.ToString() +
                                                        ": expected and new metadata locations must differ"));
  }
  std::lock_guard lock(mu_);
  auto failed = [this](Status status) {
    Status rollback = RollbackLocked();
    if (!rollback.ok()) spdlog::warn("catalog: rollback failed: {}", rollback.ToString());
    return CommitResult::Failed(std::move(status));
  };

  // IMMEDIATE takes the write lock first, so the UPDATE below cannot be the one that waits.
  if (Status s = db_.Exec("BEGIN IMMEDIATE"); !s.ok()) return failed(s);
  if (Fault("catalog.commit.before_update")) {
    return failed(Status::Unavailable("injected fault: catalog.commit.before_update"));
  }
  Result<SqliteStatement> update = db_.Prepare(
      "UPDATE iceberg_tables SET metadata_location = ?4, previous_metadata_location = ?5 "
      "WHERE catalog_name = ?1 AND table_namespace = ?2 AND table_name = ?3 AND metadata_location = ?5" +
      TableFilter());
  if (!update.ok()) return failed(update.status());
  update->BindText(1, options_.catalog_name);
  update->BindText(2, table.ns);
  update->BindText(3, table.name);
  update->BindText(4, new_metadata_location);
  update->BindText(5, expected_metadata_location);
  if (Status s = update->Run(); !s.ok()) return failed(s);

  if (db_.changes() == 0) {
    Result<std::optional<std::string>> current = MetadataLocationLocked(table);
    if (!current.ok()) return failed(current.status());
    if (!*current) return failed(Status::NotFound("table " + table.ToString() + " does not exist"));
    return failed(Status::Conflict("table " + table.ToString() + " was changed by another writer: it is at " +
                                   **current + ", expected " + std::string(expected_metadata_location)));
  }

  if (Status s = db_.Exec("COMMIT"); !s.ok()) {
    // BUSY leaves the transaction open and unchanged on disk; anything else (an I/O error
    // while syncing the journal) may or may not have made it durable.
    if ((db_.last_error_code() & 0xff) == SQLITE_BUSY && db_.in_transaction()) return failed(s);
    (void)RollbackLocked();
    return CommitResult::Unknown(Status::StateUnknown("commit " + table.ToString() + ": " + s.message()));
  }
  if (Fault("catalog.commit.lost_reply")) {
    return CommitResult::Unknown(Status::StateUnknown("injected fault: catalog.commit.lost_reply"));
  }
  return CommitResult::Committed();
}

}  // namespace tradeagg::lake::iceberg
