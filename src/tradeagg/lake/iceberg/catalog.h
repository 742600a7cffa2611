// Catalog: names Iceberg tables and holds, for each, the location of its current metadata
// file; the atomic swap of that pointer is what commits a change to a table.
//
// CommitTable is a compare-and-swap: it moves the table from `expected_metadata_location` to
// `new_metadata_location` only if the table is still at `expected_metadata_location`. Its
// outcome has three values, not two (see CommitOutcome): after a failure in the middle of
// the write nobody knows whether the swap happened, and a caller that retried blindly could
// commit the same data twice. The caller then re-reads the table (LoadTable) and decides.
// A catalog reads metadata files from, and writes the first one to, the ObjectStore it was
// given; writing later metadata files is the committer's job (table_commit.h).
// Implementations: SqlCatalog (SQLite, PyIceberg/JdbcCatalog schema); later Iceberg REST.
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
  // Compare-and-swap of the metadata pointer; see the file comment.
  virtual CommitResult CommitTable(const TableIdentifier& table, std::string_view expected_metadata_location,
                                   std::string_view new_metadata_location) = 0;
};

}  // namespace tradeagg::lake::iceberg
