// Config: every setting of the service, with its default, from (in increasing precedence) the
// built-in defaults, a TOML file (--config), TRADEAGG_* environment variables and command-line
// flags. docs/configuration.md lists them all.
// Thread safety: value type, read-only once the service starts.
#pragma once

#include <cstdint>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "tradeagg/agg/aggregator.h"
#include "tradeagg/agg/scheduler.h"
#include "tradeagg/api/api_context.h"
#include "tradeagg/auth/login_throttle.h"
#include "tradeagg/auth/password_hashing_gate.h"
#include "tradeagg/core/status.h"
#include "tradeagg/domain/business_calendar.h"
#include "tradeagg/domain/trade_validator.h"
#include "tradeagg/http/server.h"
#include "tradeagg/ingest/pipeline.h"
#include "tradeagg/lake/exporter.h"

namespace tradeagg::app {

// Where the system of record lives (app/store_factory.h opens it).
struct StoreConfig {
  std::string uri = "sqlite";  // "sqlite": the data directory's SQLite file; or a mongodb:// URI
  // MongoDB: "majority" or a number of members >= 1; always journaled (j: true).
  std::string write_concern = "majority";
  // MongoDB: this instance's name as a writer of the shared database; empty: derived once and
  // kept in the data directory (instance.id).
  std::string instance_id;
  // MongoDB: how often an instance reads what the others on the database wrote (their trades
  // into its positions, users created or deleted elsewhere): the bound on their delay.
  std::chrono::milliseconds poll_interval{250};

  bool is_sqlite() const { return uri == "sqlite"; }
};

// Checks store.uri and store.write_concern, naming the setting in the error.
Status ValidateStoreConfig(const StoreConfig& store);

// lake.s3.*: how to reach the S3 server of an s3:// warehouse. The credentials come from here
// or from the AWS_* variables, and are never logged.
struct S3Config {
  std::string endpoint;              // lake.s3.endpoint, e.g. http://127.0.0.1:8333; empty: AWS
  std::string region;                // lake.s3.region, else AWS_REGION, else us-east-1
  std::optional<bool> path_style;    // lake.s3.path_style; unset: path style with an endpoint, virtual-hosted on AWS
  std::string access_key_id;         // lake.s3.access_key_id / AWS_ACCESS_KEY_ID
  std::string secret_access_key;     // lake.s3.secret_access_key / AWS_SECRET_ACCESS_KEY
  std::string session_token;         // lake.s3.session_token / AWS_SESSION_TOKEN
  // lake.s3.duckdb_reads / TRADEAGG_S3_DUCKDB_READS: how the aggregation's DuckDB reads the
  // lake's Parquet files: "in_place" (ranged GETs through the httpfs extension) or
  // "local_copies" (downloaded once into <data_dir>/lake-copies, then read from disk).
  std::string duckdb_reads = "in_place";
  bool uses_path_style() const { return path_style.value_or(!endpoint.empty()); }
  std::string region_or_default() const { return region.empty() ? "us-east-1" : region; }
};

// lake.catalog*: where the lake's tables are registered. "sql" (the default): a SQLite file
// in PyIceberg's SqlCatalog schema, in the data directory unless catalog_uri names one, even
// with an S3 warehouse. "rest": an Iceberg REST catalog server shared with other engines.
struct CatalogConfig {
  std::string kind = "sql";  // lake.catalog / TRADEAGG_LAKE_CATALOG: sql | rest
  // lake.catalog_uri / TRADEAGG_LAKE_CATALOG_URI: sql: the SQLite file (a path or sqlite:///
  // URI); rest: the server's base URL (http(s)://host[:port][/path], without /v1).
  std::string uri;
  std::string credential;  // lake.catalog_credential: "client_id:client_secret" (OAuth2), rest only
  std::string token;       // lake.catalog_token: a bearer token, rest only
  std::string warehouse;   // lake.catalog_warehouse: the warehouse the REST server is asked for
  bool is_rest() const { return kind == "rest"; }
};

// Checks the lake.catalog* settings together (each may come from the file or the environment).
Status ValidateCatalogConfig(const CatalogConfig& catalog);

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path data_dir = "data";
  std::string log_level = "info";
  std::string log_format = "text";  // log_format / TRADEAGG_LOG_FORMAT / --log-format: text | json (JSON lines)
  bool log_requests = false;        // log_requests / TRADEAGG_LOG_REQUESTS: an access line per request
  // web_dir / TRADEAGG_WEB_DIR: the dashboard, docs and OpenAPI document; empty: next to the
  // binary (DefaultWebDir).
  std::filesystem::path web_dir;
  // shutdown_grace_seconds: how long a stop waits for the requests being answered.
  int64_t shutdown_grace_seconds = 20;
  // lake.export_stall_seconds: /readyz fails when trades wait for the lake longer than this.
  int64_t export_stall_seconds = 300;
  StoreConfig store;
  size_t blocking_threads = 2;
  http::ServerConfig http;              // host/port come from `listen`
  domain::CalendarConfig calendar;
  domain::ValidatorConfig validation;
  api::ApiOptions api;
  ingest::PipelineConfig ingest;
  // ingest.group_wait_us: unset, the store backend's default (app/backends.h).
  std::optional<std::chrono::microseconds> group_wait;
  int64_t token_ttl_seconds = 8 * 3600;
  auth::LoginThrottleConfig login_throttle;
  auth::PasswordHashingConfig password_hashing;
  bool lake_enabled = true;
  // The lake's place, when not the data directory's: instances on one shared store must share
  // one lake (the same warehouse and catalog), or each keeps its own.
  std::string lake_warehouse;  // lake.warehouse: a local directory (path or file:// URI) or s3://bucket/prefix
  S3Config s3;                 // lake.s3.*, for an s3:// warehouse
  CatalogConfig catalog;       // lake.catalog*
  lake::ExporterConfig lake;
  bool scheduler_enabled = true;        // intraday and eod runs without being asked
  agg::SchedulerConfig schedule;
  agg::AggregatorConfig aggregation;
  std::string admin_password;           // TRADEAGG_ADMIN_PASSWORD only, never from a file

  std::filesystem::path store_path() const { return data_dir / "tradeagg.db"; }
  // Where builds before the key moved into the store kept it; read once, as the proposal.
  std::filesystem::path token_key_path() const { return data_dir / "token.key"; }
  bool warehouse_on_s3() const { return lake_warehouse.starts_with("s3://"); }
  // The local warehouse directory (when !warehouse_on_s3()).
  std::filesystem::path warehouse_path() const {
    return lake_warehouse.empty() ? data_dir / "warehouse" : std::filesystem::path(lake_warehouse);
  }
  // The SQL catalog's SQLite file (when !catalog.is_rest()).
  std::filesystem::path catalog_path() const;
  std::filesystem::path instance_id_path() const { return data_dir / "instance.id"; }
};

// What a reader outside tradeagg needs to find the lake's files, as Iceberg FileIO properties:
// for an S3 warehouse `s3.endpoint` (when set), `s3.region` and `client.region`, and
// `s3.path-style-access`; nothing for a local one. GET /iceberg/v1/config serves them. Never
// the credentials: readers bring their own.
std::map<std::string, std::string, std::less<>> LakeReaderProperties(const Config& config);

// The installed assets: <prefix>/share/tradeagg/web beside <prefix>/bin/tradeagg, or the source
// tree's web/ beside a build directory (build/tradeagg).
std::filesystem::path DefaultWebDir();

Status LoadConfigFile(const std::filesystem::path& path, Config& config);
Status ApplyEnvironment(Config& config);
// Splits `listen` into http.host and http.port.
Status ResolveListen(Config& config);

// "17:30" -> 1050 minutes.
Result<int> ParseCutoff(std::string_view text);

}  // namespace tradeagg::app
