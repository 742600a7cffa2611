#include "tradeagg/store/sqlite/sqlite_exposure_store.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/store/sqlite/schema.h"

namespace tradeagg::store {

namespace {

using domain::AggregationRun;
using domain::ExposureLevel;
using domain::ExposureRow;

#define RUN_COLUMNS                                                                                      \
  "run_id, business_date, kind, version, status, requested_by, requested_at, started_at, finished_at, " \
  "as_of_snapshot_id, as_of_time, snapshot_id, snapshot_committed_at, watermark, data_files, "          \
  "data_files_pruned, trades, instrument_rows, counterparty_rows, participant_rows, reporting_rows, "   \
  "reporting_currency, missing_rates, plan_ms, query_ms, rollup_ms, reconcile_ms, store_ms, lake_ms, "  \
  "reconciliation, book_watermark, difference_count, exposures_snapshot_id, lake_error, error, "         \
  "request_seq, store_trades, trades_tag"
#define EXPOSURE_COLUMNS                                                                                   \
  "level, participant, key, currency, buy_quantity, sell_quantity, buy_notional, sell_notional, trade_count, " \
  "missing_rates, buy_trades, sell_trades"

constexpr std::string_view kNextEodVersionSql =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM aggregation_runs WHERE business_date = ?1 AND kind = 'eod'";
constexpr std::string_view kInsertRunSql =
    "INSERT INTO aggregation_runs (business_date, kind, version, status, requested_by, requested_at, "
    "as_of_snapshot_id, as_of_time) VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?7) RETURNING run_id";
// ?1 is the run id; the other parameters follow BindMutableRunFields.
constexpr std::string_view kUpdateRunSql =
    "UPDATE aggregation_runs SET status = ?2, started_at = ?3, finished_at = ?4, snapshot_id = ?5, "
    "snapshot_committed_at = ?6, watermark = ?7, data_files = ?8, data_files_pruned = ?9, trades = ?10, "
    "instrument_rows = ?11, counterparty_rows = ?12, participant_rows = ?13, reporting_rows = ?14, "
    "reporting_currency = ?15, missing_rates = ?16, plan_ms = ?17, query_ms = ?18, rollup_ms = ?19, "
    "reconcile_ms = ?20, store_ms = ?21, lake_ms = ?22, reconciliation = ?23, book_watermark = ?24, "
    "difference_count = ?25, exposures_snapshot_id = ?26, lake_error = ?27, error = ?28, request_seq = ?29, "
    "store_trades = ?30, trades_tag = ?31 WHERE run_id = ?1";
constexpr std::string_view kFindRunSql = "SELECT " RUN_COLUMNS " FROM aggregation_runs WHERE run_id = ?1";
constexpr std::string_view kListRunsSql =
    "SELECT " RUN_COLUMNS " FROM aggregation_runs WHERE (?1 IS NULL OR business_date >= ?1)"
    " AND (?2 IS NULL OR business_date <= ?2) AND (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR status = ?4)"
    " AND (?5 = 0 OR run_id < ?5) ORDER BY run_id DESC LIMIT ?6";
// Without a kind, an eod beats any intraday run of the date.
constexpr std::string_view kLatestRunSql =
    "SELECT " RUN_COLUMNS " FROM aggregation_runs WHERE business_date = ?1 AND status = 'succeeded'"
    " AND (?2 IS NULL OR kind = ?2) ORDER BY kind = 'eod' DESC, run_id DESC LIMIT 1";
constexpr std::string_view kDeleteDifferencesSql = "DELETE FROM run_differences WHERE run_id = ?1";
constexpr std::string_view kInsertDifferenceSql =
    "INSERT INTO run_differences (run_id, n, level, participant, key, currency, field, lake, book)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr std::string_view kDifferencesSql =
    "SELECT level, participant, key, currency, field, lake, book FROM run_differences WHERE run_id = ?1 ORDER BY n";
constexpr std::string_view kDeleteExposuresSql = "DELETE FROM exposures WHERE run_id = ?1";
constexpr std::string_view kInsertExposureSql =
    "INSERT INTO exposures (run_id, " EXPOSURE_COLUMNS ")"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr std::string_view kExposuresSql =
    "SELECT " EXPOSURE_COLUMNS " FROM exposures WHERE run_id = ?1 AND (?2 IS NULL OR level = ?2)"
    " AND (?3 IS NULL OR participant = ?3)";
constexpr std::string_view kHistoryRowsSql =
    "SELECT e.run_id, e.level, e.participant, e.key, e.currency, e.buy_quantity, e.sell_quantity, e.buy_notional,"
    " e.sell_notional, e.trade_count, e.missing_rates, e.buy_trades, e.sell_trades"
    " FROM exposures e JOIN aggregation_runs r ON r.run_id = e.run_id"
    " WHERE r.business_date BETWEEN ?1 AND ?2 AND r.status = 'succeeded'"
    " AND e.level IN ('participant', 'reporting') AND (?3 IS NULL OR e.participant = ?3)";
constexpr std::string_view kFailUnfinishedSql =
    "UPDATE aggregation_runs SET status = 'failed', error = ?1, finished_at = ?2"
    " WHERE status IN ('queued', 'running')";
constexpr std::string_view kDeleteFxSql = "DELETE FROM fx_rates WHERE business_date = ?1";
constexpr std::string_view kInsertFxSql =
    "INSERT INTO fx_rates (business_date, currency, rate, updated_at) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kFxSql = "SELECT currency, rate, updated_at FROM fx_rates WHERE business_date = ?1";
#undef RUN_COLUMNS
#undef EXPOSURE_COLUMNS

std::string JoinCommas(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    size_t comma = text.find(',');
    items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

void BindOptional(SqliteStatement& statement, int index, const std::optional<int64_t>& value) {
  if (value) statement.BindInt64(index, *value);
  else statement.BindNull(index);
}

void BindOptional(SqliteStatement& statement, int index, const std::optional<Timestamp>& value) {
  BindOptional(statement, index, value ? std::optional<int64_t>(value->micros()) : std::nullopt);
}

std::optional<int64_t> OptionalInt64(const SqliteStatement& row, int index) {
  if (row.ColumnIsNull(index)) return std::nullopt;
  return row.ColumnInt64(index);
}

std::optional<Timestamp> OptionalTimestamp(const SqliteStatement& row, int index) {
  std::optional<int64_t> micros = OptionalInt64(row, index);
  if (!micros) return std::nullopt;
  return Timestamp::FromMicros(*micros);
}

Status Corrupt(std::string_view table, int64_t key, std::string_view column) {
  return Status::Internal("corrupt " + std::string(table) + " row " + std::to_string(key) + ": " +
                          std::string(column));
}

// Binds ?2... of kUpdateRunSql; the texts bound must outlive the step (`missing` keeps one).
void BindMutableRunFields(SqliteStatement& s, const AggregationRun& run, const std::string& missing) {
  s.BindInt64(1, run.run_id);
  s.BindText(2, domain::RunStatusName(run.status));
  BindOptional(s, 3, run.started_at);
  BindOptional(s, 4, run.finished_at);
  BindOptional(s, 5, run.snapshot_id);
  BindOptional(s, 6, run.snapshot_committed_at);
  s.BindInt64(7, run.watermark);
  s.BindInt64(8, run.data_files);
  s.BindInt64(9, run.data_files_pruned);
  s.BindInt64(10, run.trades);
  s.BindInt64(11, run.instrument_rows);
  s.BindInt64(12, run.counterparty_rows);
  s.BindInt64(13, run.participant_rows);
  s.BindInt64(14, run.reporting_rows);
  s.BindText(15, run.reporting_currency);
  s.BindText(16, missing);
  s.BindInt64(17, run.timings.plan_ms);
  s.BindInt64(18, run.timings.query_ms);
  s.BindInt64(19, run.timings.rollup_ms);
  s.BindInt64(20, run.timings.reconcile_ms);
  s.BindInt64(21, run.timings.store_ms);
  s.BindInt64(22, run.timings.lake_ms);
  s.BindText(23, domain::ReconciliationStatusName(run.reconciliation));
  s.BindInt64(24, run.book_watermark);
  s.BindInt64(25, run.difference_count);
  BindOptional(s, 26, run.exposures_snapshot_id);
  s.BindText(27, run.lake_error);
  s.BindText(28, run.error);
  BindOptional(s, 29, run.request_seq);
  s.BindInt64(30, run.store_trades);
  s.BindText(31, run.trades_tag);
}

Result<AggregationRun> ReadRunRow(const SqliteStatement& row) {
  AggregationRun run;
  run.run_id = row.ColumnInt64(0);
  const int64_t days = row.ColumnInt64(1);
  if (days < INT32_MIN || days > INT32_MAX) return Corrupt("aggregation_runs", run.run_id, "business_date");
  run.request.business_date = Date::FromDays(static_cast<int32_t>(days));
  auto kind = domain::ParseRunKind(row.ColumnText(2));
  auto status = domain::ParseRunStatus(row.ColumnText(4));
  auto reconciliation = domain::ParseReconciliationStatus(row.ColumnText(29));
  if (!kind || !status || !reconciliation) return Corrupt("aggregation_runs", run.run_id, "kind or status");
  run.request.kind = *kind;
  run.version = static_cast<int32_t>(row.ColumnInt64(3));
  run.status = *status;
  run.request.requested_by.assign(row.ColumnText(5));
  run.requested_at = Timestamp::FromMicros(row.ColumnInt64(6));
  run.started_at = OptionalTimestamp(row, 7);
  run.finished_at = OptionalTimestamp(row, 8);
  run.request.as_of_snapshot_id = OptionalInt64(row, 9);
  run.request.as_of_time = OptionalTimestamp(row, 10);
  run.snapshot_id = OptionalInt64(row, 11);
  run.snapshot_committed_at = OptionalTimestamp(row, 12);
  run.watermark = row.ColumnInt64(13);
  run.data_files = row.ColumnInt64(14);
  run.data_files_pruned = row.ColumnInt64(15);
  run.trades = row.ColumnInt64(16);
  run.instrument_rows = row.ColumnInt64(17);
  run.counterparty_rows = row.ColumnInt64(18);
  run.participant_rows = row.ColumnInt64(19);
  run.reporting_rows = row.ColumnInt64(20);
  run.reporting_currency.assign(row.ColumnText(21));
  run.missing_rates = SplitCommas(row.ColumnText(22));
  run.timings = {row.ColumnInt64(23), row.ColumnInt64(24), row.ColumnInt64(25),
                 row.ColumnInt64(26), row.ColumnInt64(27), row.ColumnInt64(28)};
  run.reconciliation = *reconciliation;
  run.book_watermark = row.ColumnInt64(30);
  run.difference_count = row.ColumnInt64(31);
  run.exposures_snapshot_id = OptionalInt64(row, 32);
  run.lake_error.assign(row.ColumnText(33));
  run.error.assign(row.ColumnText(34));
  run.request_seq = OptionalInt64(row, 35);
  run.store_trades = row.ColumnInt64(36);
  run.trades_tag.assign(row.ColumnText(37));
  return run;
}

Result<int128> ParseInteger(std::string_view text) {
  ASSIGN_OR_RETURN(Decimal value, Decimal::Parse(text));
  if (value.fractional_digits() != 0) return Status::InvalidArgument("not an integer");
  return value.units() / Decimal::kOne;
}

// Reads EXPOSURE_COLUMNS starting at column `first`.
Result<ExposureRow> ReadExposureRow(const SqliteStatement& row, int first, int64_t run_id) {
  ExposureRow e;
  auto level = domain::ParseExposureLevel(row.ColumnText(first));
  if (!level) return Corrupt("exposures", run_id, "level");
  e.level = *level;
  e.participant.assign(row.ColumnText(first + 1));
  e.key.assign(row.ColumnText(first + 2));
  e.currency.assign(row.ColumnText(first + 3));
  auto buy_quantity = ParseInteger(row.ColumnText(first + 4));
  auto sell_quantity = ParseInteger(row.ColumnText(first + 5));
  auto buy_notional = Decimal::Parse(row.ColumnText(first + 6));
  auto sell_notional = Decimal::Parse(row.ColumnText(first + 7));
  if (!buy_quantity.ok() || !sell_quantity.ok() || !buy_notional.ok() || !sell_notional.ok()) {
    return Corrupt("exposures", run_id, "a quantity or notional");
  }
  e.totals.buy_quantity = *buy_quantity;
  e.totals.sell_quantity = *sell_quantity;
  e.totals.buy_notional = *buy_notional;
  e.totals.sell_notional = *sell_notional;
  e.totals.trade_count = row.ColumnInt64(first + 8);
  e.missing_rates = SplitCommas(row.ColumnText(first + 9));
  // 0 and 0 on rows of earlier runs where both sides traded (schema 3 could not split them).
  e.totals.buy_trades = row.ColumnInt64(first + 10);
  e.totals.sell_trades = row.ColumnInt64(first + 11);
  return e;
}

void SortRows(std::vector<ExposureRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const ExposureRow& a, const ExposureRow& b) {
    return std::tie(a.level, a.participant, a.key, a.currency) < std::tie(b.level, b.participant, b.key, b.currency);
  });
}

}  // namespace

Result<std::unique_ptr<SqliteExposureStore>> SqliteExposureStore::Open(const std::filesystem::path& db_path,
                                                                        int busy_timeout_ms) {
  ASSIGN_OR_RETURN(SqliteDb db, OpenDurableConnection(db_path, busy_timeout_ms));
  return std::unique_ptr<SqliteExposureStore>(new SqliteExposureStore(std::move(db)));
}

template <typename Body>
Status SqliteExposureStore::InTransaction(Body&& body) {
  TRY(db_.Exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (status.ok()) status = db_.Exec("COMMIT");
  if (!status.ok() && db_.in_transaction()) (void)db_.Exec("ROLLBACK");
  return status;
}

Result<AggregationRun> SqliteExposureStore::CreateRun(const domain::RunRequest& request, Timestamp requested_at) {
  std::lock_guard lock(mutex_);
  AggregationRun run;
  run.request = request;
  run.requested_at = requested_at;
  Status status = InTransaction([&]() -> Status {
    if (request.kind == domain::RunKind::kEod) {
      ASSIGN_OR_RETURN(SqliteStatement next, db_.Prepare(kNextEodVersionSql));
      next.BindInt64(1, request.business_date.days());
      ASSIGN_OR_RETURN(bool row, next.Step());
      if (!row) return Status::Internal("no next eod version");
      run.version = static_cast<int32_t>(next.ColumnInt64(0));
    }
    ASSIGN_OR_RETURN(SqliteStatement insert, db_.Prepare(kInsertRunSql));
    insert.BindInt64(1, request.business_date.days());
    insert.BindText(2, domain::RunKindName(request.kind));
    insert.BindInt64(3, run.version);
    insert.BindText(4, request.requested_by);
    insert.BindInt64(5, requested_at.micros());
    BindOptional(insert, 6, request.as_of_snapshot_id);
    BindOptional(insert, 7, request.as_of_time);
    ASSIGN_OR_RETURN(bool row, insert.Step());
    if (!row) return Status::Internal("INSERT ... RETURNING gave no run id");
    run.run_id = insert.ColumnInt64(0);
    insert.Reset();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return run;
}

Status SqliteExposureStore::UpdateRunLocked(const AggregationRun& run) {
  const std::string missing = JoinCommas(run.missing_rates);
  ASSIGN_OR_RETURN(SqliteStatement update, db_.Prepare(kUpdateRunSql));
  BindMutableRunFields(update, run, missing);
  TRY(update.Run());
  if (db_.changes() != 1) return Status::NotFound("run " + std::to_string(run.run_id) + " not found");
  ASSIGN_OR_RETURN(SqliteStatement remove, db_.Prepare(kDeleteDifferencesSql));
  remove.BindInt64(1, run.run_id);
  TRY(remove.Run());
  ASSIGN_OR_RETURN(SqliteStatement insert, db_.Prepare(kInsertDifferenceSql));
  for (size_t i = 0; i < run.differences.size(); ++i) {
    const domain::ReconciliationDifference& d = run.differences[i];
    insert.BindInt64(1, run.run_id);
    insert.BindInt64(2, static_cast<int64_t>(i));
    insert.BindText(3, domain::ExposureLevelName(d.level));
    insert.BindText(4, d.participant);
    insert.BindText(5, d.key);
    insert.BindText(6, d.currency);
    insert.BindText(7, d.field);
    insert.BindText(8, d.lake);
    insert.BindText(9, d.book);
    TRY(insert.Run());
  }
  return Status::Ok();
}

Status SqliteExposureStore::UpdateRun(const AggregationRun& run) {
  std::lock_guard lock(mutex_);
  return InTransaction([&] { return UpdateRunLocked(run); });
}

Status SqliteExposureStore::SaveResult(const AggregationRun& run, std::span<const ExposureRow> rows) {
  // Test hook: the store fails after the run's rows reached tradeagg.exposures.
  if (Fault("results.save.before_commit")) return Status::Unavailable("injected fault: results.save.before_commit");
  std::lock_guard lock(mutex_);
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqliteStatement remove, db_.Prepare(kDeleteExposuresSql));
    remove.BindInt64(1, run.run_id);
    TRY(remove.Run());
    ASSIGN_OR_RETURN(SqliteStatement insert, db_.Prepare(kInsertExposureSql));
    for (const ExposureRow& row : rows) {
      const std::string buy_quantity = Int128ToString(row.totals.buy_quantity);
      const std::string sell_quantity = Int128ToString(row.totals.sell_quantity);
      const std::string buy_notional = row.totals.buy_notional.ToString();
      const std::string sell_notional = row.totals.sell_notional.ToString();
      const std::string missing = JoinCommas(row.missing_rates);
      insert.BindInt64(1, run.run_id);
      insert.BindText(2, domain::ExposureLevelName(row.level));
      insert.BindText(3, row.participant);
      insert.BindText(4, row.key);
      insert.BindText(5, row.currency);
      insert.BindText(6, buy_quantity);
      insert.BindText(7, sell_quantity);
      insert.BindText(8, buy_notional);
      insert.BindText(9, sell_notional);
      insert.BindInt64(10, row.totals.trade_count);
      insert.BindText(11, missing);
      insert.BindInt64(12, row.totals.buy_trades);
      insert.BindInt64(13, row.totals.sell_trades);
      TRY(insert.Run());
    }
    return UpdateRunLocked(run);
  });
}

Result<std::optional<AggregationRun>> SqliteExposureStore::FindRunLocked(int64_t run_id, bool with_differences) {
  ASSIGN_OR_RETURN(SqliteStatement find, db_.Prepare(kFindRunSql));
  find.BindInt64(1, run_id);
  ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return std::optional<AggregationRun>();
  ASSIGN_OR_RETURN(AggregationRun run, ReadRunRow(find));
  find.Reset();
  if (with_differences) {
    ASSIGN_OR_RETURN(SqliteStatement differences, db_.Prepare(kDifferencesSql));
    differences.BindInt64(1, run_id);
    while (true) {
      ASSIGN_OR_RETURN(bool more, differences.Step());
      if (!more) break;
      domain::ReconciliationDifference d;
      auto level = domain::ParseExposureLevel(differences.ColumnText(0));
      if (!level) return Corrupt("run_differences", run_id, "level");
      d.level = *level;
      d.participant.assign(differences.ColumnText(1));
      d.key.assign(differences.ColumnText(2));
      d.currency.assign(differences.ColumnText(3));
      d.field.assign(differences.ColumnText(4));
      d.lake.assign(differences.ColumnText(5));
      d.book.assign(differences.ColumnText(6));
      run.differences.push_back(std::move(d));
    }
  }
  return std::optional<AggregationRun>(std::move(run));
}

Result<std::optional<AggregationRun>> SqliteExposureStore::FindRun(int64_t run_id) {
  std::lock_guard lock(mutex_);
  return FindRunLocked(run_id, /*with_differences=*/true);
}

Result<std::vector<AggregationRun>> SqliteExposureStore::ListRuns(const RunQuery& query) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement list, db_.Prepare(kListRunsSql));
  BindOptional(list, 1, query.from ? std::optional<int64_t>(query.from->days()) : std::nullopt);
  BindOptional(list, 2, query.to ? std::optional<int64_t>(query.to->days()) : std::nullopt);
  if (query.kind) list.BindText(3, domain::RunKindName(*query.kind)); else list.BindNull(3);
  if (query.status) list.BindText(4, domain::RunStatusName(*query.status)); else list.BindNull(4);
  list.BindInt64(5, query.before_run_id);
  list.BindInt64(6, query.limit == 0 ? -1 : static_cast<int64_t>(query.limit));
  std::vector<AggregationRun> runs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) return runs;
    ASSIGN_OR_RETURN(AggregationRun run, ReadRunRow(list));
    runs.push_back(std::move(run));
  }
}

Result<std::optional<AggregationRun>> SqliteExposureStore::LatestSucceededRun(Date business_date,
                                                                              std::optional<domain::RunKind> kind) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement latest, db_.Prepare(kLatestRunSql));
  latest.BindInt64(1, business_date.days());
  if (kind) latest.BindText(2, domain::RunKindName(*kind)); else latest.BindNull(2);
  ASSIGN_OR_RETURN(bool row, latest.Step());
  if (!row) return std::optional<AggregationRun>();
  ASSIGN_OR_RETURN(AggregationRun run, ReadRunRow(latest));
  latest.Reset();
  return FindRunLocked(run.run_id, /*with_differences=*/true);
}

Result<std::vector<ExposureRow>> SqliteExposureStore::LoadExposures(const ExposureQuery& query) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement select, db_.Prepare(kExposuresSql));
  select.BindInt64(1, query.run_id);
  if (query.level) select.BindText(2, domain::ExposureLevelName(*query.level)); else select.BindNull(2);
  if (query.participant) select.BindText(3, *query.participant); else select.BindNull(3);
  std::vector<ExposureRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(ExposureRow e, ReadExposureRow(select, 0, query.run_id));
    rows.push_back(std::move(e));
  }
  SortRows(rows);
  return rows;
}

Result<std::vector<HistoryPoint>> SqliteExposureStore::LoadHistory(const HistoryQuery& query) {
  std::lock_guard lock(mutex_);
  std::map<int64_t, HistoryPoint> points;  // by run id: oldest first
  ASSIGN_OR_RETURN(SqliteStatement runs, db_.Prepare(kListRunsSql));
  runs.BindInt64(1, query.from.days());
  runs.BindInt64(2, query.to.days());
  runs.BindNull(3);
  runs.BindText(4, "succeeded");
  runs.BindInt64(5, 0);
  runs.BindInt64(6, -1);
  while (true) {
    ASSIGN_OR_RETURN(bool row, runs.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(AggregationRun run, ReadRunRow(runs));
    const int64_t id = run.run_id;
    points[id].run = std::move(run);
  }
  ASSIGN_OR_RETURN(SqliteStatement rows, db_.Prepare(kHistoryRowsSql));
  rows.BindInt64(1, query.from.days());
  rows.BindInt64(2, query.to.days());
  if (query.participant) rows.BindText(3, *query.participant); else rows.BindNull(3);
  while (true) {
    ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    const int64_t run_id = rows.ColumnInt64(0);
    ASSIGN_OR_RETURN(ExposureRow e, ReadExposureRow(rows, 1, run_id));
    auto point = points.find(run_id);
    if (point != points.end()) point->second.rows.push_back(std::move(e));
  }
  std::vector<HistoryPoint> history;
  for (auto& [id, point] : points) {
    SortRows(point.rows);
    history.push_back(std::move(point));
  }
  return history;
}

Result<int64_t> SqliteExposureStore::FailUnfinishedRuns(std::string_view reason, Timestamp now) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement update, db_.Prepare(kFailUnfinishedSql));
  update.BindText(1, reason);
  update.BindInt64(2, now.micros());
  TRY(update.Run());
  return db_.changes();
}

Status SqliteExposureStore::PutFxRates(Date business_date, const domain::FxRates& rates, Timestamp now) {
  std::lock_guard lock(mutex_);
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqliteStatement remove, db_.Prepare(kDeleteFxSql));
    remove.BindInt64(1, business_date.days());
    TRY(remove.Run());
    ASSIGN_OR_RETURN(SqliteStatement insert, db_.Prepare(kInsertFxSql));
    for (const auto& [currency, rate] : rates.to_reporting) {
      const std::string text = rate.ToString();
      insert.BindInt64(1, business_date.days());
      insert.BindText(2, currency);
      insert.BindText(3, text);
      insert.BindInt64(4, now.micros());
      TRY(insert.Run());
    }
    return Status::Ok();
  });
}

Result<domain::FxRates> SqliteExposureStore::GetFxRates(Date business_date) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement select, db_.Prepare(kFxSql));
  select.BindInt64(1, business_date.days());
  domain::FxRates rates;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return rates;
    auto rate = Decimal::Parse(select.ColumnText(1));
    if (!rate.ok()) return Corrupt("fx_rates", business_date.days(), "rate");
    rates.to_reporting[std::string(select.ColumnText(0))] = *rate;
    Timestamp updated = Timestamp::FromMicros(select.ColumnInt64(2));
    if (!rates.updated_at || *rates.updated_at < updated) rates.updated_at = updated;
  }
}

}  // namespace tradeagg::store
