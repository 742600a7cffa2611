// tradeagg_lake_scenarios: writes a lake with the building blocks the server does not use yet
// (snapshot tags, overwrite snapshots, tradeagg.runs), so that readers we did not write
// (PyIceberg, DuckDB's iceberg extension) can check it: tests/system/test_lake_blocks.py.
//
//   tradeagg_lake_scenarios <scenario> <data dir>
//
// The data directory gets the server's layout (warehouse/, catalog.db, tradeagg.db), and what
// was written is printed as one JSON object on stdout. Scenarios:
//   tag         tradeagg.trades with three exports; the first snapshot tagged, the second
//               expired (the table keeps snapshots for a second here), orphans swept.
//   runs        tradeagg.runs published twice (the second list changes a status, makes a run
//               stale and adds two runs) and tradeagg.exposures rows of five runs.
//   runs-empty  tradeagg.runs published once, then with an empty list.
// Test support only: not installed, not part of the service.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tradeagg/agg/exposures_table.h"
#include "tradeagg/app/backends.h"
#include "tradeagg/agg/runs_table.h"
#include "tradeagg/core/json_writer.h"
#include "tradeagg/engine/database.h"
#include "tradeagg/lake/iceberg/orphan_files.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"
#include "tradeagg/lake/iceberg/snapshot_tag.h"
#include "tradeagg/lake/iceberg/trades_table.h"
#include "tradeagg/lake/lake.h"


namespace tradeagg {
namespace {

namespace iceberg = lake::iceberg;
using domain::AggregationRun;

const Date kMonday = Date::FromCivil(2026, 11, 23);
const Date kTuesday = Date::FromCivil(2026, 11, 24);
const iceberg::TableIdentifier kTrades{"tradeagg", "trades"};
const iceberg::TableIdentifier kRuns{"tradeagg", "runs"};

struct Paths {
  std::filesystem::path data;
  std::filesystem::path warehouse() const { return data / "warehouse"; }
  std::filesystem::path catalog() const { return data / "catalog.db"; }
};

// The service's own configuration of the data directory, so that the scenarios open exactly
// what the server opens (app/backends.h).
app::Config ConfigFor(const Paths& paths) {
  app::Config config;
  config.data_dir = paths.data;
  return config;
}

using LakeHandles = app::LakeStorage;

Result<LakeHandles> OpenLake(const Paths& paths) { return app::OpenLakeStorage(ConfigFor(paths)); }

domain::Trade MakeTrade(int n, Date date) {
  static const char* kParticipants[] = {"ALPHA", "BETA", "GAMMA"};
  domain::Trade t;
  t.trade_id = "T" + std::to_string(n);
  t.participant = kParticipants[n % 3];
  t.counterparty = kParticipants[(n + 1) % 3];
  t.instrument = "US0378331005";
  t.side = n % 2 ? domain::Side::kBuy : domain::Side::kSell;
  t.quantity = n;
  t.price = Decimal::FromUnits(int128{100'000'000} + n);
  t.notional = t.price * t.quantity;
  t.currency = "USD";
  t.trade_time = Timestamp::FromMicros(int64_t{date.days()} * 86'400'000'000 + 36'000'000'000 + n);
  t.received_at = t.trade_time;
  t.business_date = date;
  return t;
}

Status CommitTrades(store::TradeStore& store, int first, int last) {
  store::AppendRequest request;
  for (int n = first; n <= last; ++n) request.trades.push_back(MakeTrade(n, kMonday));
  store::AppendRequest* requests[] = {&request};
  return store.Append(requests);
}

Result<int64_t> ExportNow(lake::Lake& lake) {
  TRY(lake.exporter().ExportOnce().status());
  ASSIGN_OR_RETURN(iceberg::LoadedTable table, lake.catalog().LoadTable(kTrades));
  if (!table.metadata.current_snapshot_id) return Status::Internal("export made no snapshot");
  return *table.metadata.current_snapshot_id;
}

// The trades table, created here first so that it keeps snapshots for one second only: the
// second export's snapshot has expired by the third.
Status CreateShortLivedTradesTable(const Paths& paths) {
  ASSIGN_OR_RETURN(LakeHandles lake, OpenLake(paths));
  TRY(lake.catalog->CreateNamespace(kTrades.ns));
  iceberg::TableDefinition definition = iceberg::TradesTableDefinition();
  definition.properties[std::string(iceberg::kMaxSnapshotAgeProperty)] = "1000";
  return lake.catalog->CreateTable(kTrades, definition).status();
}

Status TagScenario(const Paths& paths, JsonWriter& out) {
  TRY(CreateShortLivedTradesTable(paths));
  ASSIGN_OR_RETURN(app::Stores stores, app::OpenStores(ConfigFor(paths)));
  store::TradeStore* store = stores.trades.get();
  lake::ExporterConfig config;
  config.staging_dir = paths.data / "lake-staging";
  ASSIGN_OR_RETURN(LakeHandles storage, OpenLake(paths));
  ASSIGN_OR_RETURN(auto lake, lake::Lake::Open(std::move(storage.objects), std::move(storage.catalog), *store, config,
                                               /*owner=*/true));

  const std::string tag = "eod-2026-11-23-v1";
  TRY(CommitTrades(*store, 1, 10));
  ASSIGN_OR_RETURN(int64_t tagged, ExportNow(*lake));
  TRY(iceberg::TagSnapshot(lake->catalog(), lake->objects(), kTrades, tag, tagged, int64_t{7 * 86'400'000LL}));
  TRY(CommitTrades(*store, 11, 20));
  ASSIGN_OR_RETURN(int64_t expired, ExportNow(*lake));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  TRY(CommitTrades(*store, 21, 30));
  ASSIGN_OR_RETURN(int64_t current, ExportNow(*lake));
  ASSIGN_OR_RETURN(iceberg::LoadedTable table, lake->catalog().LoadTable(kTrades));
  ASSIGN_OR_RETURN(size_t swept, iceberg::RemoveOrphanFiles(lake->objects(), table, std::chrono::milliseconds(0)));
  if (table.metadata.FindSnapshot(expired) != nullptr) return Status::Internal("the second snapshot did not expire");

  out.Field("table", kTrades.ToString())
      .Field("tag", tag)
      .Field("tagged_snapshot_id", tagged)
      .Field("tagged_trades", int64_t{10})
      .Field("expired_snapshot_id", expired)
      .Field("current_snapshot_id", current)
      .Field("current_trades", int64_t{30})
      .Field("orphans_swept", static_cast<int64_t>(swept));
  return Status::Ok();
}

AggregationRun Run(int64_t id, Date date, domain::RunKind kind, int32_t version, domain::RunStatus status) {
  AggregationRun run;
  run.run_id = id;
  run.request.business_date = date;
  run.request.kind = kind;
  run.request.requested_by = "scenario";
  run.version = version;
  run.status = status;
  run.requested_at = Timestamp::FromMicros(int64_t{date.days()} * 86'400'000'000 + 64'800'000'000 + id * 1'000'000);
  run.watermark = 100 + id;
  run.trades = 10 * id;
  run.store_trades = 10 * id;
  return run;
}

// Run 1: Monday's eod (succeeded; stale in the second list), run 2: a Tuesday intraday run
// that failed after its rows were appended, run 3: a succeeded Tuesday intraday run, run 4:
// Tuesday's eod (running, then succeeded). Second list only: run 5, Monday's eod version 2
// (queued), and run 6, a later succeeded Tuesday intraday run.
std::vector<AggregationRun> FirstRuns() {
  using domain::RunKind;
  using domain::RunStatus;
  AggregationRun eod = Run(1, kMonday, RunKind::kEod, 1, RunStatus::kSucceeded);
  eod.request_seq = 101;
  eod.snapshot_id = 9001;
  eod.trades_tag = "eod-2026-11-23-v1";
  eod.reconciliation = domain::ReconciliationStatus::kMatched;
  eod.finished_at = Timestamp::FromMicros(eod.requested_at.micros() + 3'000'000);
  AggregationRun failed = Run(2, kTuesday, RunKind::kIntraday, 1, RunStatus::kFailed);
  failed.error = "the store commit failed";
  failed.finished_at = Timestamp::FromMicros(failed.requested_at.micros() + 1'000'000);
  AggregationRun intraday = Run(3, kTuesday, RunKind::kIntraday, 1, RunStatus::kSucceeded);
  intraday.request_seq = 103;
  intraday.reconciliation = domain::ReconciliationStatus::kMatched;
  intraday.finished_at = Timestamp::FromMicros(intraday.requested_at.micros() + 2'000'000);
  AggregationRun tuesday_eod = Run(4, kTuesday, RunKind::kEod, 1, RunStatus::kRunning);
  tuesday_eod.request_seq = 104;
  return {eod, failed, intraday, tuesday_eod};
}

std::vector<AggregationRun> SecondRuns() {
  std::vector<AggregationRun> runs = FirstRuns();
  runs[0].missing_trades = 2;  // late trades: Monday's eod is stale
  runs[3].status = domain::RunStatus::kSucceeded;
  runs[3].finished_at = Timestamp::FromMicros(runs[3].requested_at.micros() + 4'000'000);
  runs.push_back(Run(5, kMonday, domain::RunKind::kEod, 2, domain::RunStatus::kQueued));
  AggregationRun intraday = Run(6, kTuesday, domain::RunKind::kIntraday, 1, domain::RunStatus::kSucceeded);
  intraday.request_seq = 106;
  intraday.reconciliation = domain::ReconciliationStatus::kMatched;
  intraday.finished_at = Timestamp::FromMicros(intraday.requested_at.micros() + 2'000'000);
  runs.push_back(intraday);
  return runs;
}

// Two rows per run (participant level, two participants).
std::vector<domain::ExposureRow> RowsOf(const AggregationRun& run) {
  std::vector<domain::ExposureRow> rows;
  for (const char* participant : {"ALPHA", "BETA"}) {
    domain::ExposureRow row;
    row.level = domain::ExposureLevel::kParticipant;
    row.participant = participant;
    row.currency = "USD";
    row.totals.AddSums(domain::Side::kBuy, 10 * run.run_id, Decimal::FromInteger(run.run_id), 1);
    rows.push_back(std::move(row));
  }
  return rows;
}

void WriteRuns(JsonWriter& out, std::string_view key, const std::vector<AggregationRun>& runs) {
  out.Key(key).BeginArray();
  for (const AggregationRun& run : runs) {
    out.BeginObject()
        .Field("run_id", run.run_id)
        .Field("business_date", run.request.business_date.ToString())
        .Field("kind", std::string_view(domain::RunKindName(run.request.kind)))
        .Field("version", static_cast<int64_t>(run.version))
        .Field("status", std::string_view(domain::RunStatusName(run.status)))
        .Field("missing_trades", run.missing_trades)
        .Field("watermark", run.watermark)
        .Field("trades_tag", run.trades_tag)
        .Field("error", run.error)
        .Field("requested_at_us", run.requested_at.micros())
        .EndObject();
  }
  out.EndArray();
}

struct ResultTables {
  LakeHandles lake;
  engine::Database duckdb;
  std::unique_ptr<engine::Connection> connection;
  std::unique_ptr<agg::RunsTableWriter> runs;
  std::unique_ptr<agg::ExposuresTableWriter> exposures;
};

Result<std::unique_ptr<ResultTables>> OpenResultTables(const Paths& paths) {
  auto tables = std::make_unique<ResultTables>();
  ASSIGN_OR_RETURN(tables->lake, OpenLake(paths));
  ASSIGN_OR_RETURN(tables->duckdb, engine::Database::OpenInMemory());
  ASSIGN_OR_RETURN(engine::Connection connection, tables->duckdb.Connect());
  tables->connection = std::make_unique<engine::Connection>(std::move(connection));
  tables->runs = std::make_unique<agg::RunsTableWriter>(*tables->lake.catalog, *tables->lake.objects,
                                                        *tables->connection, paths.data / "staging");
  tables->exposures = std::make_unique<agg::ExposuresTableWriter>(*tables->lake.catalog, *tables->lake.objects,
                                                                  *tables->connection, paths.data / "staging");
  TRY(tables->runs->Open(true));
  TRY(tables->exposures->Open(true));
  return tables;
}

Status RunsScenario(const Paths& paths, JsonWriter& out) {
  ASSIGN_OR_RETURN(auto tables, OpenResultTables(paths));
  std::vector<AggregationRun> first = FirstRuns();
  for (const AggregationRun& run : first) {
    if (run.run_id == 4) continue;  // its rows come when it succeeds
    TRY(tables->exposures->Append(run, RowsOf(run), run.requested_at).status());
  }
  ASSIGN_OR_RETURN(int64_t first_snapshot, tables->runs->Publish(first, Timestamp::Now()));
  std::vector<AggregationRun> second = SecondRuns();
  for (const AggregationRun& run : {second[3], second[5]}) {  // the runs that succeeded since
    TRY(tables->exposures->Append(run, RowsOf(run), run.requested_at).status());
  }
  ASSIGN_OR_RETURN(int64_t second_snapshot, tables->runs->Publish(second, Timestamp::Now()));

  out.Field("table", kRuns.ToString())
      .Field("first_snapshot_id", first_snapshot)
      .Field("second_snapshot_id", second_snapshot);
  WriteRuns(out, "first_runs", first);
  WriteRuns(out, "second_runs", second);
  return Status::Ok();
}

Status RunsEmptyScenario(const Paths& paths, JsonWriter& out) {
  ASSIGN_OR_RETURN(auto tables, OpenResultTables(paths));
  const std::vector<AggregationRun> first = FirstRuns();
  ASSIGN_OR_RETURN(int64_t first_snapshot, tables->runs->Publish(first, Timestamp::Now()));
  ASSIGN_OR_RETURN(int64_t empty_snapshot, tables->runs->Publish({}, Timestamp::Now()));
  out.Field("table", kRuns.ToString())
      .Field("first_snapshot_id", first_snapshot)
      .Field("empty_snapshot_id", empty_snapshot);
  WriteRuns(out, "first_runs", first);
  return Status::Ok();
}

Status RunScenario(std::string_view scenario, const Paths& paths, JsonWriter& out) {
  std::error_code ec;
  std::filesystem::create_directories(paths.data, ec);
  if (ec) return Status::Unavailable("cannot create " + paths.data.string() + ": " + ec.message());
  if (scenario == "tag") return TagScenario(paths, out);
  if (scenario == "runs") return RunsScenario(paths, out);
  if (scenario == "runs-empty") return RunsEmptyScenario(paths, out);
  return Status::InvalidArgument("unknown scenario '" + std::string(scenario) + "' (tag | runs | runs-empty)");
}

}  // namespace
}  // namespace tradeagg

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s tag|runs|runs-empty <data dir>\n", argv[0]);
    return 2;
  }
  tradeagg::JsonWriter out;
  out.BeginObject().Field("scenario", std::string_view(argv[1]));
  tradeagg::Status status = tradeagg::RunScenario(argv[1], tradeagg::Paths{argv[2]}, out);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], status.ToString().c_str());
    return 1;
  }
  out.EndObject();
  std::printf("%s\n", out.str().c_str());
  return 0;
}
