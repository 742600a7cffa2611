// SqliteDb and SqliteStatement: a thin RAII layer over the sqlite3 C API.
//
// SqliteDb owns one connection (closed on destruction); SqliteStatement owns one prepared
// statement (finalized on destruction). Both are move-only. Every SQLite result code that is
// not a success is turned into a Status at this edge (SqliteStatus):
//   SQLITE_BUSY, LOCKED, IOERR, FULL, CANTOPEN, NOMEM, PROTOCOL  -> kUnavailable (retry may work)
//   SQLITE_CONSTRAINT_PRIMARYKEY / _UNIQUE                       -> kAlreadyExists
//   any other SQLITE_CONSTRAINT_*                                -> kConflict
//   everything else (MISUSE, CORRUPT, ERROR, ...)                -> kInternal
// Connections are opened with extended result codes on and without SQLite's own per-call mutex
// (SQLITE_OPEN_NOMUTEX): the owner guarantees that one thread at a time uses a connection and
// its statements.
// A statement holds a read snapshot (and, in WAL mode, pins the WAL) until it is reset, so every
// use must end in Reset(); SqliteStatement::ResetGuard does it on scope exit.
// Thread safety: none; see above.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tradeagg::store {

// Translates a non-OK SQLite result code into a Status. `db` (may be null) supplies the
// detailed message; `context` says what we were doing ("insert trade", "open ...").
Status SqliteStatus(int rc, sqlite3* db, std::string_view context);

class SqliteStatement {
 public:
  SqliteStatement() = default;

  // Bind by 1-based parameter index. Text is bound without a copy (SQLITE_STATIC): it must stay
  // valid until the statement is stepped and reset. A bind error is remembered and returned by
  // the next Step(), so call sites need not check every bind.
  void BindInt64(int index, int64_t value);
  void BindText(int index, std::string_view value);
  void BindNull(int index);

  // Runs one step: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps a statement that returns no rows to completion, then resets it.
  Status Run();
  // Resets the statement (ends its read snapshot) and clears its bindings.
  void Reset();

  // Column accessors for the current row (0-based). Text views are valid until the next
  // Step() or Reset().
  int64_t ColumnInt64(int index) const;
  std::string_view ColumnText(int index) const;
  bool ColumnIsNull(int index) const;

  bool valid() const { return stmt_ != nullptr; }
  sqlite3_stmt* handle() const { return stmt_.get(); }

  // Resets `statement` when the scope ends, whatever path leaves it.
  class ResetGuard {
   public:
    explicit ResetGuard(SqliteStatement& statement) : statement_(statement) {}
    ~ResetGuard() { statement_.Reset(); }
    ResetGuard(const ResetGuard&) = delete;
    ResetGuard& operator=(const ResetGuard&) = delete;

   private:
    SqliteStatement& statement_;
  };

 private:
  friend class SqliteDb;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  int bind_rc_ = 0;  // first failed bind since the last Reset(), 0 if none
};

class SqliteDb {
 public:
  enum class Mode : uint8_t { kReadWriteCreate, kReadOnly };

  SqliteDb() = default;  // no connection; assign one from Open()

  // Opens (kReadWriteCreate: creating if absent) the database file at `path` and sets a busy
  // timeout so lock waits block for up to `busy_timeout_ms` before failing with kUnavailable.
  static Result<SqliteDb> Open(const std::filesystem::path& path, Mode mode, int busy_timeout_ms);

  // Runs one or more SQL statements that return no rows we need (DDL, PRAGMA setters).
  Status Exec(const std::string& sql);
  // Compiles `sql` into a statement meant to be kept and reused.
  Result<SqliteStatement> Prepare(std::string_view sql);
  // Runs a query whose first row's first column is an integer (PRAGMA user_version,
  // SELECT MAX(...)); NULL or no row reads as 0.
  Result<int64_t> QueryInt64(std::string_view sql);
  // Runs a query whose first row's first column is text (PRAGMA journal_mode).
  Result<std::string> QueryText(std::string_view sql);

  // Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
  int64_t changes() const;
  // True while an explicit transaction is open (SQLite may end one by itself on some errors).
  bool in_transaction() const;
  // The extended result code of the most recent failed call on this connection, for callers
  // that must tell error kinds apart beyond the Status code (an I/O error during COMMIT).
  int last_error_code() const;
  static bool IsIoError(int rc);
  sqlite3* handle() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  explicit SqliteDb(sqlite3* db) : db_(db) {}

  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace tradeagg::store
