#include "tradeagg/store/sqlite/schema.h"

#include <iterator>
#include <string>

namespace tradeagg::store {

namespace {

// Migration i brings the schema from version i to i + 1. Append only; never edit a shipped one.
constexpr const char* kMigrations[] = {
    // 1: trades and users.
    R"sql(
CREATE TABLE trades (
  seq           INTEGER PRIMARY KEY,  -- assigned by the store; the rowid
  participant   TEXT NOT NULL,
  trade_id      TEXT NOT NULL,
  counterparty  TEXT NOT NULL,
  instrument    TEXT NOT NULL,
  side          INTEGER NOT NULL,     -- 0 = BUY, 1 = SELL
  quantity      INTEGER NOT NULL,
  price         TEXT NOT NULL,        -- exact decimal text
  notional      TEXT NOT NULL,        -- exact decimal text
  currency      TEXT NOT NULL,
  trade_time    INTEGER NOT NULL,     -- UTC microseconds since the epoch
  received_at   INTEGER NOT NULL,     -- UTC microseconds since the epoch
  business_date INTEGER NOT NULL,     -- days since 1970-01-01
  UNIQUE (participant, trade_id)      -- the idempotency key; the only secondary index
) STRICT;
CREATE TABLE users (
  username      TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL,        -- member / risk / admin
  participant   TEXT NOT NULL,        -- '' unless the role is member
  created_at    INTEGER NOT NULL      -- UTC microseconds since the epoch
) STRICT;
)sql",
    // 2: aggregation runs, their exposures and differences, FX rates (store/exposure_store.h).
    R"sql(
CREATE TABLE aggregation_runs (
  run_id                INTEGER PRIMARY KEY,
  business_date         INTEGER NOT NULL,   -- days since 1970-01-01
  kind                  TEXT NOT NULL,      -- intraday / eod
  version               INTEGER NOT NULL,   -- eod: 1, 2, ... per date; intraday: 1
  status                TEXT NOT NULL,      -- queued / running / succeeded / failed
  requested_by          TEXT NOT NULL,
  requested_at          INTEGER NOT NULL,   -- UTC microseconds, as every time below
  started_at            INTEGER,
  finished_at           INTEGER,
  as_of_snapshot_id     INTEGER,
  as_of_time            INTEGER,
  snapshot_id           INTEGER,
  snapshot_committed_at INTEGER,
  watermark             INTEGER NOT NULL DEFAULT 0,
  data_files            INTEGER NOT NULL DEFAULT 0,
  data_files_pruned     INTEGER NOT NULL DEFAULT 0,
  trades                INTEGER NOT NULL DEFAULT 0,
  instrument_rows       INTEGER NOT NULL DEFAULT 0,
  counterparty_rows     INTEGER NOT NULL DEFAULT 0,
  participant_rows      INTEGER NOT NULL DEFAULT 0,
  reporting_rows        INTEGER NOT NULL DEFAULT 0,
  reporting_currency    TEXT NOT NULL DEFAULT '',
  missing_rates         TEXT NOT NULL DEFAULT '',  -- comma-separated currencies
  plan_ms               INTEGER NOT NULL DEFAULT 0,
  query_ms              INTEGER NOT NULL DEFAULT 0,
  rollup_ms             INTEGER NOT NULL DEFAULT 0,
  reconcile_ms          INTEGER NOT NULL DEFAULT 0,
  store_ms              INTEGER NOT NULL DEFAULT 0,
  lake_ms               INTEGER NOT NULL DEFAULT 0,
  reconciliation        TEXT NOT NULL DEFAULT 'pending',
  book_watermark        INTEGER NOT NULL DEFAULT 0,
  difference_count      INTEGER NOT NULL DEFAULT 0,
  exposures_snapshot_id INTEGER,
  lake_error            TEXT NOT NULL DEFAULT '',
  error                 TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX aggregation_runs_by_date ON aggregation_runs (business_date, kind, status);
CREATE UNIQUE INDEX aggregation_runs_eod_version ON aggregation_runs (business_date, version) WHERE kind = 'eod';
CREATE TABLE run_differences (
  run_id      INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  level       TEXT NOT NULL,
  participant TEXT NOT NULL,
  key         TEXT NOT NULL,
  currency    TEXT NOT NULL,
  field       TEXT NOT NULL,
  lake        TEXT NOT NULL,
  book        TEXT NOT NULL,
  PRIMARY KEY (run_id, n)
) STRICT, WITHOUT ROWID;
CREATE TABLE exposures (
  run_id        INTEGER NOT NULL,
  level         TEXT NOT NULL,      -- instrument / counterparty / participant / reporting
  participant   TEXT NOT NULL,
  key           TEXT NOT NULL,      -- instrument or counterparty; '' at the other levels
  currency      TEXT NOT NULL,
  buy_quantity  TEXT NOT NULL,      -- exact integers and decimals as text; net, gross, VWAP
  sell_quantity TEXT NOT NULL,      -- and direction are derived from these when read
  buy_notional  TEXT NOT NULL,
  sell_notional TEXT NOT NULL,
  trade_count   INTEGER NOT NULL,
  missing_rates TEXT NOT NULL,      -- reporting rows: comma-separated currencies without a rate
  PRIMARY KEY (run_id, level, participant, key, currency)
) STRICT, WITHOUT ROWID;
CREATE TABLE fx_rates (
  business_date INTEGER NOT NULL,
  currency      TEXT NOT NULL,
  rate          TEXT NOT NULL,      -- units of the reporting currency per unit, exact decimal text
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (business_date, currency)
) STRICT, WITHOUT ROWID;
)sql",
    // 3: what a run answers for, late trades, per-side trade counts.
    R"sql(
-- Each business date's trades in the store (late trades, completeness), kept by every append in
-- the same transaction, one row per date the commit touched: a per-trade index on
-- business_date measured 20 % of the append rate; this costs one upsert per commit and date.
CREATE TABLE trade_dates (
  business_date INTEGER PRIMARY KEY,  -- days since 1970-01-01
  trades        INTEGER NOT NULL,     -- the date's trades in the store
  last_seq      INTEGER NOT NULL      -- the highest seq among them
) STRICT;
INSERT INTO trade_dates (business_date, trades, last_seq)
  SELECT business_date, COUNT(*), MAX(seq) FROM trades GROUP BY business_date;
-- User names are unique whatever their case ("Admin" is "admin"); they are ASCII.
CREATE UNIQUE INDEX users_by_folded_name ON users (lower(username));
ALTER TABLE aggregation_runs ADD COLUMN request_seq INTEGER;   -- the store's last seq when requested; null: time travel
ALTER TABLE aggregation_runs ADD COLUMN store_trades INTEGER NOT NULL DEFAULT 0;  -- the date's trades in the store up to the seq reconciled at
ALTER TABLE aggregation_runs ADD COLUMN trades_tag TEXT NOT NULL DEFAULT '';      -- the tradeagg.trades tag of an eod run's snapshot
ALTER TABLE exposures ADD COLUMN buy_trades INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exposures ADD COLUMN sell_trades INTEGER NOT NULL DEFAULT 0;
-- Rows of earlier runs: a side without quantity had no trades, so the other side had them all.
-- (Where both sides traded, the split was not recorded and stays 0 and 0; trade_count holds.)
UPDATE exposures SET buy_trades = trade_count WHERE sell_quantity = '0';
UPDATE exposures SET sell_trades = trade_count WHERE buy_quantity = '0';
)sql",
    // 4: secrets every instance on the store shares (the token signing key).
    R"sql(
CREATE TABLE secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
)sql",
};
constexpr int64_t kSchemaVersion = std::size(kMigrations);

Status MigrateInTransaction(SqliteDb& db) {
  ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  if (version > kSchemaVersion) {
    return Status::Internal("database schema version " + std::to_string(version) +
                            " is newer than this build understands (" +
                            std::to_string(kSchemaVersion) + "); upgrade tradeagg");
  }
  if (version == kSchemaVersion) return Status::Ok();
  for (int64_t v = version; v < kSchemaVersion; ++v) TRY(db.Exec(kMigrations[v]));
  return db.Exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
}

}  // namespace

int64_t CurrentSchemaVersion() { return kSchemaVersion; }

Status EnableWal(SqliteDb& db) {
  // The journal mode is stored in the file; setting it answers with the mode now in force.
  ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA journal_mode = WAL"));
  if (mode != "wal") {
    return Status::Unavailable("cannot switch the database to WAL (journal_mode is '" + mode +
                               "'); WAL needs a local file system with shared memory");
  }
  return Status::Ok();
}

Status MigrateSchema(SqliteDb& db) {
  TRY(db.Exec("BEGIN IMMEDIATE"));
  Status status = MigrateInTransaction(db);
  if (!status.ok()) {
    if (db.in_transaction()) (void)db.Exec("ROLLBACK");
    return status;
  }
  return db.Exec("COMMIT");
}

Result<SqliteDb> OpenDurableConnection(const std::filesystem::path& db_path, int busy_timeout_ms) {
  ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(db_path, SqliteDb::Mode::kReadWriteCreate, busy_timeout_ms));
  TRY(EnableWal(db));
  TRY(db.Exec("PRAGMA synchronous = FULL;"));
  TRY(MigrateSchema(db));
  return db;
}

}  // namespace tradeagg::store
