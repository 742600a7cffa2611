// The schema of tradeagg's SQLite database, shared by the stores that live in it
// (SqliteTradeStore: trades; SqliteUserStore: users; SqliteExposureStore: aggregation runs,
// exposures and FX rates), and the migrations that bring a file up to date.
//
// The version is PRAGMA user_version. MigrateSchema applies every pending migration in one
// write transaction (a crash leaves the old version intact; two processes opening a new file
// at once cannot both create the schema) and refuses a file written by a newer build.
// Thread safety: the connection's.
#pragma once

#include <cstdint>
#include <filesystem>

#include "tradeagg/core/status.h"
#include "tradeagg/store/sqlite/sqlite_db.h"

namespace tradeagg::store {

// The schema version this build writes.
int64_t CurrentSchemaVersion();

// Switches the file to WAL (stored in the file); kUnavailable where WAL cannot work.
Status EnableWal(SqliteDb& db);

Status MigrateSchema(SqliteDb& db);

// A read-write connection for a store that writes now and then (users, results): the file
// created if needed, in WAL, synchronous=FULL (a commit survives a crash), schema up to date.
Result<SqliteDb> OpenDurableConnection(const std::filesystem::path& db_path, int busy_timeout_ms);

}  // namespace tradeagg::store
