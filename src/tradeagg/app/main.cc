// tradeagg: the command line. Sub-commands: serve, users, loadgen.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "tradeagg/app/application.h"
#include "tradeagg/app/config.h"
#include "tradeagg/loadgen/load_generator.h"

namespace {

using tradeagg::Status;
using tradeagg::app::Config;

struct CommonFlags {
  std::string config_file;
  std::string data_dir;
};

void AddCommonFlags(CLI::App& sub, CommonFlags& flags) {
  sub.add_option("--config", flags.config_file, "TOML configuration file");
  sub.add_option("--data-dir", flags.data_dir, "Data directory (default ./data)");
}

// Defaults < file < environment < flags.
tradeagg::Result<Config> BuildConfig(const CommonFlags& flags) {
  Config config;
  if (!flags.config_file.empty()) TRY(tradeagg::app::LoadConfigFile(flags.config_file, config));
  TRY(tradeagg::app::ApplyEnvironment(config));
  if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
  return config;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "tradeagg: %s\n", status.message().c_str());
  return status.code() == tradeagg::StatusCode::kInvalidArgument ? 2 : 1;
}

int Serve(const CommonFlags& flags, const std::string& listen, bool fault_injection) {
  auto config = BuildConfig(flags);
  if (!config.ok()) return Fail(config.status());
  if (!listen.empty()) config->listen = listen;
  config->api.fault_injection = fault_injection;
  if (Status s = tradeagg::app::ResolveListen(*config); !s.ok()) return Fail(s);
  spdlog::set_level(spdlog::level::from_str(config->log_level));

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
  auto last_seq = admin->store->LastSeq();
  if (!last_seq.ok()) return Fail(last_seq.status());
  std::printf("table           tradeagg.trades\nmetadata        %s\nwatermark       %lld\nstore last seq  %lld\n"
              "lag             %lld trades\nsnapshots       %zu\ntotal records   %lld\n",
              table->metadata_location.c_str(), static_cast<long long>(status.watermark),
              static_cast<long long>(*last_seq), static_cast<long long>(*last_seq - status.watermark),
              table->metadata.snapshots.size(), static_cast<long long>(status.total_records));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"tradeagg: durable trade ingestion and net exposures for post-trade venues"};
  cli.require_subcommand(1);

  CommonFlags serve_flags;
  std::string listen;
  bool fault_injection = false;
  auto* serve = cli.add_subcommand("serve", "Run the HTTP service");
  AddCommonFlags(*serve, serve_flags);
  serve->add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  serve->add_flag("--fault-injection", fault_injection, "Enable POST /v1/admin/faults (tests only)");

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

  CLI11_PARSE(cli, argc, argv);

  if (serve->parsed()) return Serve(serve_flags, listen, fault_injection);
  if (users_add->parsed()) return UsersAdd(users_flags, new_user);
  if (users_list->parsed()) return UsersList(users_flags);
  if (users_delete->parsed()) return UsersDelete(users_flags, delete_name);
  if (loadgen->parsed()) return tradeagg::loadgen::RunLoadgen(loadgen_options);
  if (lake->parsed()) return LakeCommand(lake_flags, lake_command);
  return 0;
}
