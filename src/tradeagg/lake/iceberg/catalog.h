// Catalog: names Iceberg tables and holds, for each, the location of its current metadata
// file; the atomic swap of that pointer is what commits a change to a table.
//
// CommitTable moves a table from the metadata it was read at (`base`) to `updated`, only if
// nobody else committed in between. Its outcome has three values, not two (see
// CommitOutcome): after a failure in the middle of the write nobody knows whether the change
// happened, and a caller that retried blindly could commit the same data twice. The caller
// then re-reads the table (LoadTable) and decides. The files `updated` refers to (manifest
// lists, manifests, data) are written before the commit; the new metadata file itself is the
// catalog's to write: a pointer-swap catalog writes it and swaps its pointer, a REST catalog
// sends the change and its server writes it.
// Implementations: SqlCatalog (SQLite, PyIceberg/JdbcCatalog schema, compare-and-swap of the
// metadata location), RestCatalog (the Iceberg REST protocol: requirements and updates).
// Thread safety: implementations must allow concurrent calls from any threads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/table_metadata.h"

namespace tradeagg::lake::iceberg {

// A namespace (levels joined by '.', e.g. "tradeagg") and a table name.
struct TableIdentifier {
  std::string ns;
  std::string name;

  std::string ToString() const { return ns + "." + name; }
  // "ns.table" (the last '.' separates the name); kInvalidArgument without a namespace.
  static Result<TableIdentifier> Parse(std::string_view text);
  bool operator==(const TableIdentifier&) const = default;
};

struct LoadedTable {
  std::string metadata_location;  // absolute location of the current metadata file
  TableMetadata metadata;
};

enum class CommitOutcome {
  kCommitted,     // the table now points at the new metadata
  kFailed,        // the table was not changed: a conflict (kConflict: another writer committed
                  // first), a missing table (kNotFound), or an error before the write
                  // (kUnavailable, ...). Safe to retry after reloading the table.
  kStateUnknown,  // an error after the write was sent: it may or may not have happened.
                  // Re-read the table before doing anything else; never retry blindly.
};

const char* CommitOutcomeName(CommitOutcome outcome);

struct CommitResult {
  CommitOutcome outcome = CommitOutcome::kFailed;
  Status status;  // OK when committed; otherwise what went wrong

  static CommitResult Committed() { return {CommitOutcome::kCommitted, Status::Ok()}; }
  static CommitResult Failed(Status status) { return {CommitOutcome::kFailed, std::move(status)}; }
  static CommitResult Unknown(Status status) { return {CommitOutcome::kStateUnknown, std::move(status)}; }

  bool committed() const { return outcome == CommitOutcome::kCommitted; }
  bool conflict() const { return outcome == CommitOutcome::kFailed && status.code() == StatusCode::kConflict; }
  std::string ToString() const;
};

// One commit attempt: its result, and the new metadata file's location when one was written
// (when committed, and when the outcome is unknown and the table may point at it).
struct CommitAttempt {
  CommitResult result;
  std::string metadata_location;
};

using Properties = std::map<std::string, std::string, std::less<>>;

class Catalog {
 public:
  virtual ~Catalog() = default;

  // kAlreadyExists when the namespace exists. Empty properties record {"exists": "true"}
  // (a namespace exists as long as it has a property row or a table).
  virtual Status CreateNamespace(std::string_view ns, const Properties& properties = {}) = 0;
  virtual Result<bool> NamespaceExists(std::string_view ns) = 0;
  virtual Result<Properties> LoadNamespaceProperties(std::string_view ns) = 0;  // kNotFound
  // Tables of a namespace, sorted by name; kNotFound when the namespace does not exist.
  virtual Result<std::vector<TableIdentifier>> ListTables(std::string_view ns) = 0;

  // The table's current metadata location and parsed metadata; kNotFound for no such table.
  virtual Result<LoadedTable> LoadTable(const TableIdentifier& table) = 0;
  // Creates an empty table (metadata version 0) at `location`, or at the catalog's default
  // location for the identifier when `location` is empty. kNotFound when the namespace does
  // not exist, kAlreadyExists when the table does.
  virtual Result<LoadedTable> CreateTable(const TableIdentifier& table, const TableDefinition& definition,
                                          std::string location = "") = 0;
  // Commits `updated` as the table's next metadata if the table is still at `base`; see the
  // file comment. `updated` is valid (TableMetadata::Validate) and derived from base.metadata.
  virtual CommitAttempt CommitTable(const TableIdentifier& table, const LoadedTable& base,
                                    const TableMetadata& updated) = 0;
};

}  // namespace tradeagg::lake::iceberg
