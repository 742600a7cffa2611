// Connection: one DuckDB session (its own transaction, temp tables and settings) on a Database.
//
// Query() runs SQL and returns every row; Execute() runs SQL whose rows do not matter (DDL, SET,
// COPY, several statements separated by ';'). Prepare() and CreateAppender() give objects that
// belong to this connection and must be destroyed before it. CopyArrowStream() writes columnar
// data the caller holds (Arrow's C stream interface) to a file without copying it into DuckDB.
//
// DuckDB errors become Status values at this edge, with DuckDB's own message after what we were
// doing ("query `SELECT ...`: Catalog Error: Table with name x does not exist!"):
//   parser, binder, conversion, out-of-range, invalid input, ... -> kInvalidArgument
//   catalog "... does not exist"                                 -> kNotFound
//   catalog "... already exists"                                 -> kAlreadyExists
//   constraint: duplicate key (primary key, unique)              -> kAlreadyExists
//   other constraints (NOT NULL, CHECK, foreign key)             -> kInvalidArgument
//   permission                                                   -> kPermissionDenied
//   I/O, out of memory, network/HTTP, interrupt, transaction
//   conflict, missing extension                                  -> kUnavailable (may work later)
//   fatal, internal and anything else                            -> kInternal
// Thread safety: none. A connection is used by one thread at a time (DuckDB allows one active
// query per connection); open one connection per thread on a shared Database instead.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/engine/appender.h"
#include "tradeagg/engine/prepared_statement.h"
#include "tradeagg/engine/query_result.h"

struct _duckdb_connection;
struct ArrowArrayStream;

namespace tradeagg::engine {

class Connection {
 public:
  Connection() = default;  // not connected; assign one from Database::Connect

  Result<QueryResult> Query(std::string_view sql);
  Status Execute(std::string_view sql);
  Result<PreparedStatement> Prepare(std::string_view sql);
  // An appender on `table` (in `schema` of `catalog`; empty means DuckDB's search path, which
  // finds temporary tables first).
  Result<Appender> CreateAppender(std::string_view table, std::string_view schema = {},
                                  std::string_view catalog = {});

  // COPY of every column of `stream`, in its order, TO the file `path` with `options` (the
  // inside of COPY's parenthesised list, e.g. "FORMAT parquet, COMPRESSION zstd"). DuckDB reads
  // the stream's arrays on all its threads, numbering them, so the file keeps their order while
  // the connection preserves insertion order. The stream is borrowed and read to its end.
  // Every column, and only through this: DuckDB pushes a query's projection into an Arrow scan,
  // expecting the stream to narrow itself, which a plain stream does not do; a query naming
  // fewer columns would read the wrong ones. The scan goes through a view of its own in the
  // database's default schema, dropped afterwards (on a database file, a crash mid-copy would
  // leave it there; tradeagg copies on in-memory databases).
  Status CopyArrowStream(ArrowArrayStream* stream, const std::filesystem::path& path,
                         std::string_view options);

  bool valid() const { return conn_ != nullptr; }

 private:
  friend class Database;
  struct Disconnector {
    void operator()(_duckdb_connection* conn) const;
  };
  explicit Connection(_duckdb_connection* conn) : conn_(conn) {}

  std::unique_ptr<_duckdb_connection, Disconnector> conn_;
};

// 'text' as a SQL string literal (single quotes doubled), for the few places DuckDB takes no
// parameter, such as the target of COPY ... TO.
std::string QuoteLiteral(std::string_view text);
// "name" as a SQL identifier (double quotes doubled).
std::string QuoteIdentifier(std::string_view name);

}  // namespace tradeagg::engine
