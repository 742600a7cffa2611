#include "tradeagg/store/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <climits>

namespace tradeagg::store {

namespace {

StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {  // the primary code is the low byte; extended codes add detail above it
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return StatusCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE
                 ? StatusCode::kAlreadyExists
                 : StatusCode::kConflict;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Status SqliteStatus(int rc, sqlite3* db, std::string_view context) {
  std::string message(context);
  message += ": ";
  // sqlite3_errmsg describes the most recent failure on the connection, which is the one we are
  // reporting as long as callers translate right after the failing call (they do).
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  message += " (";
  message += sqlite3_errstr(rc);
  message += ", code ";
  message += std::to_string(rc);
  message += ')';
  return Status(CodeFor(rc), std::move(message));
}

// --- SqliteStatement ---

void SqliteStatement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

void SqliteStatement::BindInt64(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindText(int index, std::string_view value) {
  // sqlite3_bind_text takes an int length; anything larger is rejected as too big.
  int rc = value.size() > static_cast<size_t>(INT_MAX)
               ? SQLITE_TOOBIG
               : sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_STATIC);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_.get(), index);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<bool> SqliteStatement::Step() {
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  if (bind_rc_ != SQLITE_OK) return SqliteStatus(bind_rc_, db, "bind parameters");
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, db, sqlite3_sql(stmt_.get()));
}

Status SqliteStatement::Run() {
  ResetGuard reset(*this);
  ASSIGN_OR_RETURN(bool row, Step());
  (void)row;  // statements run this way return no rows we need
  return Status::Ok();
}

void SqliteStatement::Reset() {
  // sqlite3_reset repeats the last step's error code; that error was already reported by Step().
  sqlite3_reset(stmt_.get());
  // Text was bound without a copy; drop the pointers so none outlives the caller's buffers.
  sqlite3_clear_bindings(stmt_.get());
  bind_rc_ = SQLITE_OK;
}

int64_t SqliteStatement::ColumnInt64(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

std::string_view SqliteStatement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), index);
  if (text == nullptr) return {};
  // sqlite3_column_bytes must follow sqlite3_column_text (it reports the converted length).
  int size = sqlite3_column_bytes(stmt_.get(), index);
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(size)};
}

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

// --- SqliteDb ---

void SqliteDb::Closer::operator()(sqlite3* db) const {
  // close_v2 defers the close until statements still alive are finalized, so destruction order
  // between a connection and its statements never leaks or crashes.
  sqlite3_close_v2(db);
}

Result<SqliteDb> SqliteDb::Open(const std::filesystem::path& path, Mode mode, int busy_timeout_ms) {
  // EXRESCODE: extended result codes, so constraint and I/O errors can be told apart.
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);  // owns the handle even when the open failed (SQLite allocates one anyway)
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, "open " + path.string());
  rc = sqlite3_busy_timeout(raw, busy_timeout_ms);
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, "set busy timeout");
  return db;
}

Status SqliteDb::Exec(const std::string& sql) {
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_.get(), sql);
  return Status::Ok();
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    return SqliteStatus(SQLITE_TOOBIG, nullptr, "prepare");
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteStatus(rc, db_.get(), "prepare " + std::string(sql));
  }
  if (stmt == nullptr) return Status::Internal("prepare: no SQL statement in '" + std::string(sql) + "'");
  return SqliteStatement(stmt);
}

Result<int64_t> SqliteDb::QueryInt64(std::string_view sql) {
  ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  SqliteStatement::ResetGuard reset(stmt);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt64(0) : int64_t{0};
}

Result<std::string> SqliteDb::QueryText(std::string_view sql) {
  ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  SqliteStatement::ResetGuard reset(stmt);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? std::string(stmt.ColumnText(0)) : std::string();
}

int64_t SqliteDb::changes() const { return sqlite3_changes64(db_.get()); }

bool SqliteDb::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

int SqliteDb::last_error_code() const { return sqlite3_extended_errcode(db_.get()); }

bool SqliteDb::IsIoError(int rc) { return (rc & 0xff) == SQLITE_IOERR; }

}  // namespace tradeagg::store
