// tradeagg: the command line. Sub-commands: serve, routes, users, loadgen, lake, aggregate, sql, fx.
#include <malloc.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "tradeagg/agg/lake_sql.h"
#include "tradeagg/app/application.h"
#include "tradeagg/app/backends.h"
#include "tradeagg/app/config.h"
#include "tradeagg/loadgen/load_generator.h"
#include "tradeagg/logging/json_lines_formatter.h"
#include "tradeagg/logging/text_fields_formatter.h"
#include "tradeagg/store/mongo/mongoc_counter_files.h"

namespace {

using tradeagg::Status;
using tradeagg::app::Config;

struct CommonFlags {
  std::string config_file;
  std::string data_dir;
  std::string store_uri;
};

void AddCommonFlags(CLI::App& sub, CommonFlags& flags) {
  sub.add_option("--config", flags.config_file, "TOML configuration file");
  sub.add_option("--data-dir", flags.data_dir, "Data directory (default ./data)");
  sub.add_option("--store-uri", flags.store_uri, "System of record: 'sqlite' (default) or a mongodb:// URI");
}

// Defaults < file < environment < flags.
tradeagg::Result<Config> BuildConfig(const CommonFlags& flags) {
  Config config;
  if (!flags.config_file.empty()) TRY(tradeagg::app::LoadConfigFile(flags.config_file, config));
  TRY(tradeagg::app::ApplyEnvironment(config));
  if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
  if (!flags.store_uri.empty()) config.store.uri = flags.store_uri;
  TRY(tradeagg::app::ValidateStoreConfig(config.store));
  TRY(tradeagg::app::ValidateCatalogConfig(config.catalog));
  return config;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "tradeagg: %s\n", status.message().c_str());
  return status.code() == tradeagg::StatusCode::kInvalidArgument ? 2 : 1;
}

Status ConfigureLogging(const Config& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (config.log_format == "json") {
    spdlog::set_formatter(std::make_unique<tradeagg::logging::JsonLinesFormatter>());
  } else if (config.log_format == "text") {
    spdlog::set_formatter(std::make_unique<tradeagg::logging::TextFieldsFormatter>());
  } else {
    return Status::InvalidArgument("log_format: '" + config.log_format + "' is neither text nor json");
  }
  return Status::Ok();
}

struct ServeFlags {
  std::string listen;
  std::string log_format;
  bool fault_injection = false;
};

int Serve(const CommonFlags& flags, const ServeFlags& serve) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  if (!serve.listen.empty()) config->listen = serve.listen;
  if (!serve.log_format.empty()) config->log_format = serve.log_format;
  config->api.fault_injection = serve.fault_injection;
  if (Status s = tradeagg::app::ResolveListen(*config); !s.ok()) return Fail(s);
  if (Status s = ConfigureLogging(*config); !s.ok()) return Fail(s);

  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto app = tradeagg::app::Application::Create(*config);
  if (!app.ok()) return Fail(app.status());
  auto port = (*app)->Start();
  if (!port.ok()) return Fail(port.status());
  std::printf("tradeagg listening on %s:%u (data in %s)\n", config->http.host.c_str(), *port,
              config->data_dir.string().c_str());
  std::fflush(stdout);

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("received signal {}, stopping", signal);
  (*app)->Stop();
  return 0;
}

// The routes a server answers, one "METHOD PATTERN" per line: what the OpenAPI document is
// checked against. Listed from the router of a real Application, built on the embedded default
// in a scratch directory: opening a server's own store and lake would sweep and fail what a
// running server has in flight. Only the flags change the routes (faults; no lake, no /iceberg).
int Routes(bool fault_injection, bool without_lake) {
  std::error_code ec;
  char scratch_template[] = "/tmp/tradeagg-routes-XXXXXX";
  if (::mkdtemp(scratch_template) == nullptr) return Fail(Status::Internal("cannot make a scratch directory"));
  const std::filesystem::path scratch(scratch_template);
  Config config;
  config.data_dir = scratch;
  config.api.fault_injection = fault_injection;
  config.lake_enabled = !without_lake;
  config.scheduler_enabled = false;
  int exit_code = 0;
  {
    auto app = tradeagg::app::Application::Create(config);
    if (!app.ok()) {
      exit_code = Fail(app.status());
    } else {
      for (const auto& [method, pattern] : (*app)->Routes()) std::printf("%s %s\n", method.c_str(), pattern.c_str());
    }
  }
  std::filesystem::remove_all(scratch, ec);
  return exit_code;
}

int UsersAdd(const CommonFlags& flags, const tradeagg::auth::NewUser& user) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  auto admin = tradeagg::app::OpenUserAdmin(*config);
  if (!admin.ok()) return Fail(admin.status());
  auto errors = tradeagg::auth::UserService::Validate(user);
  for (const auto& e : errors) std::fprintf(stderr, "tradeagg: %s %s\n", e.field.c_str(), e.message.c_str());
  if (!errors.empty()) return 2;
  auto created = admin->users->CreateUser(user);
  if (!created.ok()) return Fail(created.status());
  std::printf("created %s user %s\n", tradeagg::auth::RoleName(created->role), created->username.c_str());
  return 0;
}

int UsersList(const CommonFlags& flags) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  auto admin = tradeagg::app::OpenUserAdmin(*config);
  if (!admin.ok()) return Fail(admin.status());
  std::printf("%-24s %-8s %-16s %s\n", "USERNAME", "ROLE", "PARTICIPANT", "CREATED");
  for (const auto& user : admin->users->ListUsers()) {
    std::printf("%-24s %-8s %-16s %s\n", user.username.c_str(), tradeagg::auth::RoleName(user.role),
                user.participant.c_str(), user.created_at.ToString().c_str());
  }
  return 0;
}

int UsersDelete(const CommonFlags& flags, const std::string& username) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  auto admin = tradeagg::app::OpenUserAdmin(*config);
  if (!admin.ok()) return Fail(admin.status());
  if (Status s = admin->users->DeleteUser(username); !s.ok()) return Fail(s);
  std::printf("deleted user %s\n", username.c_str());
  return 0;
}

int LakeCommand(const CommonFlags& flags, const std::string& command) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  auto admin = tradeagg::app::OpenLakeAdmin(*config);
  if (!admin.ok()) return Fail(admin.status());
  auto& exporter = admin->lake->exporter();
  if (command == "export") {
    auto cycle = exporter.ExportOnce();
    if (!cycle.ok()) return Fail(cycle.status());
    std::printf("exported %lld trades in %lld data files; watermark %lld; read %lld ms, write %lld ms, commit %lld ms\n",
                static_cast<long long>(cycle->trades), static_cast<long long>(cycle->data_files),
                static_cast<long long>(cycle->watermark), static_cast<long long>(cycle->read_ms),
                static_cast<long long>(cycle->write_ms), static_cast<long long>(cycle->commit_ms));
    return 0;
  }
  auto table = admin->lake->catalog().LoadTable({"tradeagg", "trades"});
  if (!table.ok()) return Fail(table.status());
  if (command == "snapshots") {
    std::printf("%-20s %-4s %-25s %12s %12s %10s\n", "SNAPSHOT", "SEQ", "COMMITTED", "ADDED", "TOTAL", "WATERMARK");
    for (const auto& s : table->metadata.snapshots) {
      std::printf("%-20lld %-4lld %-25s %12lld %12lld %10lld\n", static_cast<long long>(s.snapshot_id),
                  static_cast<long long>(s.sequence_number),
                  tradeagg::Timestamp::FromMicros(s.timestamp_ms * 1000).ToString().c_str(),
                  static_cast<long long>(s.SummaryInt("added-records").value_or(0)),
                  static_cast<long long>(s.SummaryInt("total-records").value_or(0)),
                  static_cast<long long>(s.SummaryInt("tradeagg.watermark").value_or(0)));
    }
    return 0;
  }
  auto status = exporter.status();
  auto last_seq = admin->stores.trades->LastSeq();
  if (!last_seq.ok()) return Fail(last_seq.status());
  auto lag = admin->stores.trades->CountTrades(status.watermark, *last_seq);
  if (!lag.ok()) return Fail(lag.status());
  std::printf("table           tradeagg.trades\nmetadata        %s\nwatermark       %lld\nstore last seq  %lld\n"
              "lag             %lld trades\nsnapshots       %zu\ntotal records   %lld\n",
              table->metadata_location.c_str(), static_cast<long long>(status.watermark),
              static_cast<long long>(*last_seq), static_cast<long long>(*lag),
              table->metadata.snapshots.size(), static_cast<long long>(status.total_records));
  return 0;
}

// A YYYY-MM-DD flag's value; nullopt when it was not given.
tradeagg::Result<std::optional<tradeagg::Date>> DateFlag(std::string_view name, const std::string& text) {
  if (text.empty()) return std::optional<tradeagg::Date>();
  auto parsed = tradeagg::Date::Parse(text);
  if (!parsed.ok()) return Status::InvalidArgument(std::string(name) + ": " + parsed.status().message());
  return std::optional<tradeagg::Date>(*parsed);
}

tradeagg::Result<tradeagg::Date> RequiredDateFlag(std::string_view name, const std::string& text) {
  ASSIGN_OR_RETURN(std::optional<tradeagg::Date> date, DateFlag(name, text));
  if (!date) return Status::InvalidArgument(std::string(name) + " is required");
  return *date;
}

struct AggregateFlags {
  std::string date;
  std::string kind = "eod";
  int64_t as_of_snapshot = 0;
  std::string as_of;
};

int Aggregate(const CommonFlags& flags, const AggregateFlags& args) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  tradeagg::domain::RunRequest request;
  auto date = RequiredDateFlag("--date", args.date);
  if (!date.ok()) return Fail(date.status());
  request.business_date = *date;
  request.kind = tradeagg::domain::ParseRunKind(args.kind).value_or(tradeagg::domain::RunKind::kEod);
  request.requested_by = "cli";
  if (args.as_of_snapshot > 0) request.as_of_snapshot_id = args.as_of_snapshot;
  if (!args.as_of.empty()) {
    auto as_of = tradeagg::Timestamp::Parse(args.as_of);
    if (!as_of.ok()) return Fail(Status::InvalidArgument("--as-of: " + as_of.status().message()));
    request.as_of_time = *as_of;
  }
  auto admin = tradeagg::app::OpenLakeAdmin(*config, /*aggregation=*/true);
  if (!admin.ok()) return Fail(admin.status());
  auto run = admin->aggregator->RunNow(request);
  if (!run.ok()) return Fail(run.status());
  const auto& r = *run;
  const auto& t = r.timings;
  std::printf("run %lld: %s %s v%d %s\n", static_cast<long long>(r.run_id), tradeagg::domain::RunKindName(r.request.kind),
              r.request.business_date.ToString().c_str(), r.version, tradeagg::domain::RunStatusName(r.status));
  if (r.status != tradeagg::domain::RunStatus::kSucceeded) {
    std::fprintf(stderr, "tradeagg: %s\n", r.error.c_str());
    return 1;
  }
  std::printf("snapshot %lld, watermark %lld: %lld trades in %lld files (%lld pruned)\n",
              static_cast<long long>(r.snapshot_id.value_or(0)), static_cast<long long>(r.watermark),
              static_cast<long long>(r.trades), static_cast<long long>(r.data_files),
              static_cast<long long>(r.data_files_pruned));
  if (r.request_seq) {
    std::printf("answers for every trade acknowledged before the run (store seq %lld): %lld of the date in the store\n",
                static_cast<long long>(*r.request_seq), static_cast<long long>(r.store_trades));
  } else {
    std::printf("answers for snapshot %lld (time travel): %lld trades of the date in the store at its watermark\n",
                static_cast<long long>(r.snapshot_id.value_or(0)), static_cast<long long>(r.store_trades));
  }
  std::printf("rows: %lld instrument, %lld counterparty, %lld participant, %lld reporting (%s)\n",
              static_cast<long long>(r.instrument_rows), static_cast<long long>(r.counterparty_rows),
              static_cast<long long>(r.participant_rows), static_cast<long long>(r.reporting_rows),
              r.reporting_currency.c_str());
  std::printf("reconciliation: %s, %lld differences\n", tradeagg::domain::ReconciliationStatusName(r.reconciliation),
              static_cast<long long>(r.difference_count));
  std::printf("ms: plan %lld, query %lld, rollup %lld, reconcile %lld, store %lld, lake %lld\n",
              static_cast<long long>(t.plan_ms), static_cast<long long>(t.query_ms), static_cast<long long>(t.rollup_ms),
              static_cast<long long>(t.reconcile_ms), static_cast<long long>(t.store_ms),
              static_cast<long long>(t.lake_ms));
  if (!r.lake_error.empty()) std::fprintf(stderr, "tradeagg: results not in tradeagg.exposures: %s\n", r.lake_error.c_str());
  return r.difference_count == 0 ? 0 : 3;
}

int Sql(const CommonFlags& flags, const std::string& query, const std::string& from, const std::string& to) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  auto from_date = DateFlag("--from", from);
  if (!from_date.ok()) return Fail(from_date.status());
  auto to_date = DateFlag("--to", to);
  if (!to_date.ok()) return Fail(to_date.status());
  auto admin = tradeagg::app::OpenLakeAdmin(*config);
  if (!admin.ok()) return Fail(admin.status());
  auto sql = tradeagg::agg::LakeSql::Open(admin->lake->catalog(), admin->lake->objects(), *from_date, *to_date,
                                          config->aggregation.duckdb_threads);
  if (!sql.ok()) return Fail(sql.status());
  auto table = (*sql)->Query(query);
  if (!table.ok()) return Fail(table.status());
  std::fputs(tradeagg::agg::FormatTextTable(*table).c_str(), stdout);
  return 0;
}

int FxCommand(const CommonFlags& flags, const std::string& command, const std::string& date_text,
              const std::vector<std::string>& assignments) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  auto parsed = RequiredDateFlag("--date", date_text);
  if (!parsed.ok()) return Fail(parsed.status());
  const tradeagg::Date date = *parsed;
  auto stores = tradeagg::app::OpenStores(*config);
  if (!stores.ok()) return Fail(stores.status());
  tradeagg::store::ExposureStore* results = stores->results.get();
  const std::string& reporting = config->aggregation.reporting_currency;
  if (command == "set") {
    tradeagg::domain::FxRates rates;
    for (const std::string& assignment : assignments) {
      size_t eq = assignment.find('=');
      auto rate = eq == std::string::npos ? tradeagg::Result<tradeagg::Decimal>(Status::InvalidArgument("no '='"))
                                          : tradeagg::Decimal::Parse(std::string_view(assignment).substr(eq + 1));
      if (!rate.ok()) return Fail(Status::InvalidArgument("'" + assignment + "': write CCY=RATE, e.g. EUR=1.0843"));
      rates.to_reporting[assignment.substr(0, eq)] = *rate;
    }
    auto errors = tradeagg::domain::ValidateFxRates(rates, reporting, config->validation.currencies);
    for (const auto& e : errors) std::fprintf(stderr, "tradeagg: %s %s\n", e.field.c_str(), e.message.c_str());
    if (!errors.empty()) return 2;
    if (Status s = results->PutFxRates(date, rates, tradeagg::Timestamp::Now()); !s.ok()) return Fail(s);
  }
  auto rates = results->GetFxRates(date);
  if (!rates.ok()) return Fail(rates.status());
  std::printf("%s rates into %s:\n", date.ToString().c_str(), reporting.c_str());
  for (const auto& [currency, rate] : rates->to_reporting) std::printf("  %s %s\n", currency.c_str(), rate.ToString().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The store holds password hashes and every trade: whatever the caller's umask, what tradeagg
  // creates (databases and their -wal/-shm, the token key, lake files, staging) is the
  // service's own (0600 files, 0700 directories).
  ::umask(0077);
  // Request bodies and large responses come and go in megabytes. glibc's default raises its
  // mmap threshold after each such free, so later big buffers come from the heap and stay
  // mapped after a burst; a fixed threshold keeps them in mmap, given back when freed.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // What killed processes left of libmongoc's counters would make the next process of their
  // pid print a plain-text warning at load (store/mongo/mongoc_counter_files.h).
  tradeagg::store::RemoveStaleMongocCounterFiles();
  CLI::App cli{"tradeagg: durable trade ingestion and net exposures for post-trade venues"};
  cli.require_subcommand(1);

  CommonFlags serve_flags;
  ServeFlags serve_args;
  auto* serve = cli.add_subcommand("serve", "Run the HTTP service");
  AddCommonFlags(*serve, serve_flags);
  serve->add_option("--listen", serve_args.listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  serve->add_option("--log-format", serve_args.log_format, "text (default) or json (JSON lines)");
  serve->add_flag("--fault-injection", serve_args.fault_injection, "Enable POST /v1/admin/faults (tests only)");

  bool routes_fault_injection = false;
  bool routes_without_lake = false;
  auto* routes = cli.add_subcommand("routes", "List the routes the server answers (METHOD PATTERN)");
  routes->add_flag("--fault-injection", routes_fault_injection, "As a server started with --fault-injection");
  routes->add_flag("--without-lake", routes_without_lake, "As a server with lake.enabled = false");

  CommonFlags users_flags;
  auto* users = cli.add_subcommand("users", "Manage users (works on the data directory directly)");
  users->require_subcommand(1);
  tradeagg::auth::NewUser new_user;
  auto* users_add = users->add_subcommand("add", "Create a user");
  AddCommonFlags(*users_add, users_flags);
  users_add->add_option("--username", new_user.username)->required();
  users_add->add_option("--password", new_user.password)->required();
  users_add->add_option("--role", new_user.role, "member, risk or admin")->required();
  users_add->add_option("--participant", new_user.participant, "The member's participant id");
  auto* users_list = users->add_subcommand("list", "List users");
  AddCommonFlags(*users_list, users_flags);
  std::string delete_name;
  auto* users_delete = users->add_subcommand("delete", "Delete a user; its tokens stop working");
  AddCommonFlags(*users_delete, users_flags);
  users_delete->add_option("username", delete_name)->required();

  tradeagg::loadgen::LoadgenOptions loadgen_options;
  auto* loadgen = cli.add_subcommand("loadgen", "Submit realistic trades to a running service and report");
  tradeagg::loadgen::AddLoadgenOptions(*loadgen, loadgen_options);

  CommonFlags lake_flags;
  std::string lake_command;
  auto* lake = cli.add_subcommand("lake", "The Iceberg lake: status, export now, list snapshots");
  AddCommonFlags(*lake, lake_flags);
  lake->add_option("command", lake_command, "status | export | snapshots")
      ->required()
      ->check(CLI::IsMember({"status", "export", "snapshots"}));

  CommonFlags aggregate_flags;
  AggregateFlags aggregate_args;
  auto* aggregate = cli.add_subcommand("aggregate", "Run an aggregation of a business date from the lake, here and now");
  AddCommonFlags(*aggregate, aggregate_flags);
  aggregate->add_option("--date", aggregate_args.date, "Business date YYYY-MM-DD")->required();
  aggregate->add_option("--kind", aggregate_args.kind, "intraday or eod (default eod)")
      ->check(CLI::IsMember({"intraday", "eod"}));
  auto* as_of_snapshot = aggregate->add_option("--as-of-snapshot", aggregate_args.as_of_snapshot,
                                               "Read tradeagg.trades as of this snapshot id");
  aggregate->add_option("--as-of", aggregate_args.as_of, "Read tradeagg.trades as of this instant (RFC 3339)")
      ->excludes(as_of_snapshot);

  CommonFlags sql_flags;
  std::string sql_query, sql_from, sql_to;
  auto* sql = cli.add_subcommand("sql", "Read-only SQL over the lake: views trades and exposures");
  AddCommonFlags(*sql, sql_flags);
  sql->add_option("query", sql_query, "One SELECT statement")->required();
  sql->add_option("--from", sql_from, "Only business dates from this one (YYYY-MM-DD; prunes files)");
  sql->add_option("--to", sql_to, "Only business dates up to this one");

  CommonFlags fx_flags;
  std::string fx_command, fx_date;
  std::vector<std::string> fx_rates;
  auto* fx = cli.add_subcommand("fx", "FX rates of a business date into the reporting currency");
  AddCommonFlags(*fx, fx_flags);
  fx->add_option("command", fx_command, "set | show")->required()->check(CLI::IsMember({"set", "show"}));
  fx->add_option("--date", fx_date, "Business date YYYY-MM-DD")->required();
  fx->add_option("rates", fx_rates, "CCY=RATE ... (set: replaces the date's rates)");

  CLI11_PARSE(cli, argc, argv);
  // The other commands print their results on stdout; their log lines go to stderr.
  if (!serve->parsed()) spdlog::set_default_logger(spdlog::stderr_color_mt("tradeagg"));

  if (serve->parsed()) return Serve(serve_flags, serve_args);
  if (routes->parsed()) return Routes(routes_fault_injection, routes_without_lake);
  if (users_add->parsed()) return UsersAdd(users_flags, new_user);
  if (users_list->parsed()) return UsersList(users_flags);
  if (users_delete->parsed()) return UsersDelete(users_flags, delete_name);
  if (loadgen->parsed()) return tradeagg::loadgen::RunLoadgen(loadgen_options);
  if (lake->parsed()) return LakeCommand(lake_flags, lake_command);
  if (aggregate->parsed()) return Aggregate(aggregate_flags, aggregate_args);
  if (sql->parsed()) return Sql(sql_flags, sql_query, sql_from, sql_to);
  if (fx->parsed()) return FxCommand(fx_flags, fx_command, fx_date, fx_rates);
  return 0;
}
