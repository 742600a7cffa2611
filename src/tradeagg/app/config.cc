#include "tradeagg/app/config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include <toml++/toml.h>

#include "tradeagg/lake/s3/s3_object_store.h"

namespace tradeagg::app {

namespace {

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

Result<int64_t> ParseInteger(std::string_view name, std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return Status::InvalidArgument(std::string(name) + " must be a non-negative integer, got '" + std::string(text) + "'");
  }
  return value;
}

Result<bool> ParseBool(std::string_view name, std::string_view text) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off") return false;
  return Status::InvalidArgument(std::string(name) + " must be true or false, got '" + std::string(text) + "'");
}

Status SetHolidays(const std::vector<std::string>& items, Config& config) {
  config.calendar.holidays.clear();
  for (const auto& item : items) {
    auto date = Date::Parse(item);
    if (!date.ok()) return Status::InvalidArgument("holiday '" + item + "' " + date.status().message());
    config.calendar.holidays.insert(*date);
  }
  return Status::Ok();
}

Status SetCurrencies(const std::vector<std::string>& items, Config& config) {
  if (items.empty()) return Status::InvalidArgument("currencies must list at least one ISO 4217 code");
  config.validation.currencies.clear();
  for (const auto& item : items) {
    bool ok = item.size() == 3 && std::all_of(item.begin(), item.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!ok) return Status::InvalidArgument("currency '" + item + "' is not a three-letter ISO 4217 code");
    config.validation.currencies.insert(item);
  }
  return Status::Ok();
}

Status SetReportingCurrency(std::string_view code, Config& config) {
  bool ok = code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!ok) return Status::InvalidArgument("reporting currency '" + std::string(code) + "' is not a three-letter ISO 4217 code");
  config.aggregation.reporting_currency = std::string(code);
  return Status::Ok();
}

Status SetAggregationThreads(int64_t threads, Config& config) {
  if (threads < 1 || threads > 256) return Status::InvalidArgument("aggregation threads must be from 1 to 256");
  config.aggregation.duckdb_threads = static_cast<int>(threads);
  return Status::Ok();
}

Status SetMaxPastDays(int64_t days, Config& config) {
  if (days < 0 || days > 36'600) return Status::InvalidArgument("trades.max_past_days must be from 0 (no bound) to 36600");
  config.validation.max_past_days = days;
  return Status::Ok();
}

Status SetLakeWait(int64_t ms, Config& config) {
  if (ms < 0) return Status::InvalidArgument("aggregation lake wait must not be negative");
  config.aggregation.lake_wait = std::chrono::milliseconds(ms);
  return Status::Ok();
}

Status SetStorePollInterval(int64_t ms, Config& config) {
  if (ms < 10 || ms > 60'000) {
    return Status::InvalidArgument("store.poll_interval_ms must be between 10 and 60000, got " + std::to_string(ms));
  }
  config.store.poll_interval = std::chrono::milliseconds(ms);
  return Status::Ok();
}

Status SetGroupWait(int64_t us, Config& config) {
  if (us < 0 || us > 100'000) {
    return Status::InvalidArgument("ingest.group_wait_us must be between 0 and 100000, got " + std::to_string(us));
  }
  config.group_wait = std::chrono::microseconds(us);
  return Status::Ok();
}

// lake.warehouse: a local directory (a path or a file:// URI) or an S3 location.
Status SetLakeWarehouse(std::string_view value, Config& config) {
  if (value.starts_with("s3://")) {
    Result<lake::s3::S3Location> location = lake::s3::S3Location::Parse(value);
    if (!location.ok()) return Status::InvalidArgument("lake.warehouse: " + location.status().message());
    config.lake_warehouse = location.value().ToString();
    return Status::Ok();
  }
  std::string_view path = value;
  if (path.starts_with("file://")) path.remove_prefix(7);
  if (path.find("://") != std::string_view::npos || path.empty()) {
    return Status::InvalidArgument("lake.warehouse must be a local directory (a path or file:// URI) or s3://bucket/prefix, got '" +
                                   std::string(value) + "'");
  }
  config.lake_warehouse = std::string(path);
  return Status::Ok();
}

constexpr std::string_view kSqliteUriScheme = "sqlite:///";

Status SetDuckDbReads(std::string_view value, Config& config) {
  if (value != "in_place" && value != "local_copies") {
    return Status::InvalidArgument("lake.s3.duckdb_reads must be in_place or local_copies, got '" + std::string(value) + "'");
  }
  config.s3.duckdb_reads = std::string(value);
  return Status::Ok();
}

Status SetEodTagMaxAge(int64_t days, Config& config) {
  if (days < 0) return Status::InvalidArgument("aggregation eod tag max age must not be negative (0: forever)");
  if (days == 0) config.aggregation.eod_tag_max_age.reset();
  else config.aggregation.eod_tag_max_age = std::chrono::milliseconds(days * 86'400'000);
  return Status::Ok();
}

Status SetLoginWindow(int64_t seconds, Config& config) {
  if (seconds < 1 || seconds > 86'400) return Status::InvalidArgument("auth.failed_login_window_seconds must be from 1 to 86400");
  config.login_throttle.window = std::chrono::seconds(seconds);
  return Status::Ok();
}

Status SetMaxFailedLogins(std::string_view name, int64_t n, int64_t& out) {
  if (n < 0) return Status::InvalidArgument(std::string(name) + " must not be negative (0: no limit)");
  out = n;
  return Status::Ok();
}

Status SetMaxTrackedLoginKeys(int64_t n, Config& config) {
  if (n < 1 || n > 10'000'000) return Status::InvalidArgument("auth.max_tracked_login_keys must be from 1 to 10000000");
  config.login_throttle.max_tracked_keys = static_cast<size_t>(n);
  return Status::Ok();
}

Status SetMaxConcurrentHashes(int64_t n, Config& config) {
  if (n < 1 || n > 256) return Status::InvalidArgument("auth.max_concurrent_hashes must be from 1 to 256");
  config.password_hashing.max_concurrent = static_cast<size_t>(n);
  return Status::Ok();
}

Status SetMaxWaitingHashes(int64_t n, Config& config) {
  if (n < 0 || n > 100'000) return Status::InvalidArgument("auth.max_waiting_hashes must be from 0 to 100000");
  config.password_hashing.max_waiting = static_cast<size_t>(n);
  return Status::Ok();
}

template <typename T>
std::vector<std::string> StringArray(const T* array) {
  std::vector<std::string> out;
  if (array == nullptr) return out;
  for (const auto& node : *array) {
    if (auto s = node.template value<std::string>()) out.push_back(*s);
  }
  return out;
}

// The HTTP edge's limits, by TOML key under [http] and environment variable; each must be
// positive (a zero limit would refuse everything or time out at once).
struct HttpSizeLimit {
  const char* key;
  const char* env;
  size_t http::ServerConfig::*field;
};
struct HttpTimeout {
  const char* key;
  const char* env;
  int http::ServerConfig::*field;
};
constexpr HttpSizeLimit kHttpSizeLimits[] = {
    {"max_body_bytes", "TRADEAGG_MAX_BODY_BYTES", &http::ServerConfig::max_body_bytes},
    {"max_header_bytes", "TRADEAGG_MAX_HEADER_BYTES", &http::ServerConfig::max_header_bytes},
    {"max_connections", "TRADEAGG_MAX_CONNECTIONS", &http::ServerConfig::max_connections},
    {"max_buffered_body_bytes", "TRADEAGG_MAX_BUFFERED_BODY_BYTES", &http::ServerConfig::max_buffered_body_bytes},
};
constexpr HttpTimeout kHttpTimeouts[] = {
    {"idle_timeout_seconds", "TRADEAGG_IDLE_TIMEOUT_SECONDS", &http::ServerConfig::idle_timeout_seconds},
    {"body_timeout_seconds", "TRADEAGG_BODY_TIMEOUT_SECONDS", &http::ServerConfig::body_timeout_seconds},
};

// The name to report, and the value if one is configured, for each limit: `lookup(key, env)`
// answers from the TOML file or the environment.
template <typename Lookup>
Status SetHttpLimits(Lookup lookup, Config& config) {
  auto checked = [](const std::string& name, int64_t value, int64_t max) -> Status {
    if (value > 0 && value <= max) return Status::Ok();
    return Status::InvalidArgument(name + " must be between 1 and " + std::to_string(max) + ", got " +
                                   std::to_string(value));
  };
  for (const auto& limit : kHttpSizeLimits) {
    ASSIGN_OR_RETURN(auto found, lookup(limit.key, limit.env));
    if (!found) continue;
    TRY(checked(found->first, found->second, int64_t{1} << 40));
    config.http.*limit.field = static_cast<size_t>(found->second);
  }
  for (const auto& timeout : kHttpTimeouts) {
    ASSIGN_OR_RETURN(auto found, lookup(timeout.key, timeout.env));
    if (!found) continue;
    TRY(checked(found->first, found->second, 86400));
    config.http.*timeout.field = static_cast<int>(found->second);
  }
  return Status::Ok();
}

using FoundLimit = std::optional<std::pair<std::string, int64_t>>;

Status LoadHttpLimits(const toml::table& table, Config& config) {
  return SetHttpLimits(
      [&](const char* key, const char*) -> Result<FoundLimit> {
        auto v = table["http"][key].value<int64_t>();
        if (!v) return FoundLimit();
        return FoundLimit(std::make_pair(std::string("http.") + key, *v));
      },
      config);
}

Status ApplyHttpEnvironment(Config& config) {
  return SetHttpLimits(
      [](const char*, const char* env) -> Result<FoundLimit> {
        const char* value = std::getenv(env);
        if (value == nullptr || *value == '\0') return FoundLimit();
        ASSIGN_OR_RETURN(int64_t n, ParseInteger(env, value));
        return FoundLimit(std::make_pair(std::string(env), n));
      },
      config);
}

}  // namespace

Result<int> ParseCutoff(std::string_view text) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' || std::from_chars(text.data(), text.data() + 2, h).ec != std::errc() ||
      std::from_chars(text.data() + 3, text.data() + 5, m).ec != std::errc() || h > 23 || m > 59) {
    return Status::InvalidArgument("cutoff must be HH:MM, got '" + std::string(text) + "'");
  }
  return h * 60 + m;
}

Status ValidateStoreConfig(const StoreConfig& store) {
  const bool mongo = store.uri.starts_with("mongodb://") || store.uri.starts_with("mongodb+srv://");
  if (!store.is_sqlite() && !mongo) {
    // Not echoed whole: a mistyped scheme may still carry a password.
    const size_t scheme = store.uri.find("://");
    return Status::InvalidArgument("store.uri must be 'sqlite' or a mongodb:// connection string, got " +
                                   (scheme == std::string::npos ? std::string("a value without a scheme")
                                                                : "scheme '" + store.uri.substr(0, scheme) + "'"));
  }
  if (store.write_concern != "majority") {
    int64_t members = 0;
    auto [end, ec] = std::from_chars(store.write_concern.data(), store.write_concern.data() + store.write_concern.size(),
                                     members);
    // w: 0 acknowledges nothing (and FerretDB drops the connection on it).
    if (ec != std::errc() || end != store.write_concern.data() + store.write_concern.size() || members < 1) {
      return Status::InvalidArgument("store.write_concern must be 'majority' or a number of members >= 1, got '" +
                                     store.write_concern + "'");
    }
  }
  const bool id_ok = store.instance_id.size() <= 64 &&
                     std::all_of(store.instance_id.begin(), store.instance_id.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                              c == '_' || c == '.';
                     });
  if (!id_ok) {
    return Status::InvalidArgument("store.instance_id must be at most 64 letters, digits, '-', '_' or '.', got '" +
                                   store.instance_id + "'");
  }
  return Status::Ok();
}

std::map<std::string, std::string, std::less<>> LakeReaderProperties(const Config& config) {
  std::map<std::string, std::string, std::less<>> properties;
  if (!config.warehouse_on_s3()) return properties;
  if (!config.s3.endpoint.empty()) properties["s3.endpoint"] = config.s3.endpoint;
  properties["s3.region"] = config.s3.region_or_default();
  properties["client.region"] = config.s3.region_or_default();
  properties["s3.path-style-access"] = config.s3.uses_path_style() ? "true" : "false";
  return properties;
}

Status ValidateCatalogConfig(const CatalogConfig& catalog) {
  if (catalog.kind != "sql" && catalog.kind != "rest") {
    return Status::InvalidArgument("lake.catalog must be sql or rest, got '" + catalog.kind + "'");
  }
  if (catalog.is_rest()) {
    if (!catalog.uri.starts_with("http://") && !catalog.uri.starts_with("https://")) {
      return Status::InvalidArgument("lake.catalog_uri must be the REST catalog's http:// or https:// URL with lake.catalog = rest, got '" +
                                     catalog.uri + "'");
    }
    if (!catalog.credential.empty() && !catalog.token.empty()) {
      return Status::InvalidArgument("lake.catalog_credential and lake.catalog_token: give one, not both");
    }
    if (!catalog.credential.empty() && catalog.credential.find(':') == std::string::npos) {
      return Status::InvalidArgument("lake.catalog_credential must be client_id:client_secret");
    }
    return Status::Ok();
  }
  if (!catalog.credential.empty() || !catalog.token.empty() || !catalog.warehouse.empty()) {
    return Status::InvalidArgument(
        "lake.catalog_credential, lake.catalog_token and lake.catalog_warehouse apply to lake.catalog = rest only");
  }
  std::string_view path = catalog.uri;
  if (path.starts_with(kSqliteUriScheme)) path.remove_prefix(kSqliteUriScheme.size() - 1);
  if (path.find("://") != std::string_view::npos) {
    return Status::InvalidArgument("lake.catalog_uri must be the SQL catalog's SQLite file (a path or sqlite:/// URI), got '" +
                                   catalog.uri + "'");
  }
  return Status::Ok();
}

std::filesystem::path Config::catalog_path() const {
  std::string_view path = catalog.uri;
  if (path.empty()) return data_dir / "catalog.db";
  if (path.starts_with(kSqliteUriScheme)) path.remove_prefix(kSqliteUriScheme.size() - 1);
  return std::filesystem::path(path);
}

std::filesystem::path DefaultWebDir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "web";
  const std::filesystem::path installed = exe.parent_path().parent_path() / "share" / "tradeagg" / "web";
  if (std::filesystem::is_directory(installed, ec)) return installed;
  return exe.parent_path().parent_path() / "web";
}

Status LoadConfigFile(const std::filesystem::path& path, Config& config) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument("config file " + path.string() + ": " + std::string(e.description()));
  }
  if (auto v = table["listen"].value<std::string>()) config.listen = *v;
  if (auto v = table["data_dir"].value<std::string>()) config.data_dir = *v;
  if (auto v = table["log_level"].value<std::string>()) config.log_level = *v;
  if (auto v = table["log_format"].value<std::string>()) config.log_format = *v;
  if (auto v = table["log_requests"].value<bool>()) config.log_requests = *v;
  if (auto v = table["web_dir"].value<std::string>()) config.web_dir = *v;
  if (auto v = table["shutdown_grace_seconds"].value<int64_t>()) config.shutdown_grace_seconds = *v;
  if (auto v = table["lake"]["export_stall_seconds"].value<int64_t>()) config.export_stall_seconds = *v;
  if (auto v = table["store"]["uri"].value<std::string>()) config.store.uri = *v;
  if (auto v = table["store"]["write_concern"].value<std::string>()) config.store.write_concern = *v;
  if (auto v = table["store"]["write_concern"].value<int64_t>()) config.store.write_concern = std::to_string(*v);
  if (auto v = table["store"]["instance_id"].value<std::string>()) config.store.instance_id = *v;
  if (auto v = table["store"]["poll_interval_ms"].value<int64_t>()) TRY(SetStorePollInterval(*v, config));
  if (auto v = table["http"]["io_threads"].value<int64_t>()) config.http.io_threads = static_cast<size_t>(*v);
  TRY(LoadHttpLimits(table, config));
  if (auto v = table["calendar"]["time_zone"].value<std::string>()) config.calendar.time_zone = *v;
  if (auto v = table["calendar"]["cutoff"].value<std::string>()) {
    ASSIGN_OR_RETURN(config.calendar.cutoff_minutes, ParseCutoff(*v));
  }
  if (auto* holidays = table["calendar"]["holidays"].as_array()) TRY(SetHolidays(StringArray(holidays), config));
  if (auto* currencies = table["trades"]["currencies"].as_array()) TRY(SetCurrencies(StringArray(currencies), config));
  if (auto v = table["trades"]["max_past_days"].value<int64_t>()) TRY(SetMaxPastDays(*v, config));
  if (auto v = table["trades"]["max_future_skew_seconds"].value<int64_t>()) {
    config.validation.max_future_skew_micros = *v * 1'000'000;
  }
  if (auto v = table["trades"]["max_trades_per_request"].value<int64_t>()) {
    config.api.max_trades_per_request = static_cast<size_t>(*v);
  }
  if (auto v = table["auth"]["token_ttl_seconds"].value<int64_t>()) config.token_ttl_seconds = *v;
  if (auto v = table["auth"]["signup_enabled"].value<bool>()) config.api.signup_enabled = *v;
  if (auto v = table["auth"]["max_failed_logins_per_user"].value<int64_t>()) {
    TRY(SetMaxFailedLogins("auth.max_failed_logins_per_user", *v, config.login_throttle.max_failures_per_user));
  }
  if (auto v = table["auth"]["max_failed_logins_per_address"].value<int64_t>()) {
    TRY(SetMaxFailedLogins("auth.max_failed_logins_per_address", *v, config.login_throttle.max_failures_per_address));
  }
  if (auto v = table["auth"]["failed_login_window_seconds"].value<int64_t>()) TRY(SetLoginWindow(*v, config));
  if (auto v = table["auth"]["max_tracked_login_keys"].value<int64_t>()) TRY(SetMaxTrackedLoginKeys(*v, config));
  if (auto v = table["auth"]["max_concurrent_hashes"].value<int64_t>()) TRY(SetMaxConcurrentHashes(*v, config));
  if (auto v = table["auth"]["max_waiting_hashes"].value<int64_t>()) TRY(SetMaxWaitingHashes(*v, config));
  if (auto v = table["ingest"]["max_group_trades"].value<int64_t>()) config.ingest.max_group_trades = static_cast<size_t>(*v);
  if (auto v = table["ingest"]["group_wait_us"].value<int64_t>()) TRY(SetGroupWait(*v, config));
  if (auto v = table["lake"]["enabled"].value<bool>()) config.lake_enabled = *v;
  if (auto v = table["lake"]["warehouse"].value<std::string>()) TRY(SetLakeWarehouse(*v, config));
  if (auto v = table["lake"]["catalog"].value<std::string>()) config.catalog.kind = *v;
  if (auto v = table["lake"]["catalog_uri"].value<std::string>()) config.catalog.uri = *v;
  if (auto v = table["lake"]["catalog_credential"].value<std::string>()) config.catalog.credential = *v;
  if (auto v = table["lake"]["catalog_token"].value<std::string>()) config.catalog.token = *v;
  if (auto v = table["lake"]["catalog_warehouse"].value<std::string>()) config.catalog.warehouse = *v;
  const auto s3 = table["lake"]["s3"];
  if (auto v = s3["endpoint"].value<std::string>()) config.s3.endpoint = *v;
  if (auto v = s3["region"].value<std::string>()) config.s3.region = *v;
  if (auto v = s3["path_style"].value<bool>()) config.s3.path_style = *v;
  if (auto v = s3["access_key_id"].value<std::string>()) config.s3.access_key_id = *v;
  if (auto v = s3["secret_access_key"].value<std::string>()) config.s3.secret_access_key = *v;
  if (auto v = s3["session_token"].value<std::string>()) config.s3.session_token = *v;
  if (auto v = s3["duckdb_reads"].value<std::string>()) TRY(SetDuckDbReads(*v, config));
  if (auto v = table["lake"]["flush_interval_ms"].value<int64_t>()) config.lake.flush_interval = std::chrono::milliseconds(*v);
  if (auto v = table["lake"]["flush_trades"].value<int64_t>()) config.lake.flush_trades = static_cast<size_t>(*v);
  if (auto v = table["lake"]["max_snapshot_trades"].value<int64_t>()) {
    config.lake.max_snapshot_trades = static_cast<size_t>(*v);
  }
  const auto aggregation = table["aggregation"];
  if (auto v = aggregation["scheduler"].value<bool>()) config.scheduler_enabled = *v;
  if (auto v = aggregation["intraday_interval_seconds"].value<int64_t>()) {
    if (*v < 0) return Status::InvalidArgument("aggregation.intraday_interval_seconds must not be negative");
    config.schedule.intraday_interval = std::chrono::seconds(*v);
  }
  if (auto v = aggregation["eod"].value<bool>()) config.schedule.eod = *v;
  if (auto v = aggregation["reporting_currency"].value<std::string>()) TRY(SetReportingCurrency(*v, config));
  if (auto v = aggregation["threads"].value<int64_t>()) TRY(SetAggregationThreads(*v, config));
  if (auto v = aggregation["memory_limit"].value<std::string>()) config.aggregation.duckdb_memory_limit = *v;
  if (auto v = aggregation["lake_wait_ms"].value<int64_t>()) TRY(SetLakeWait(*v, config));
  if (auto v = aggregation["eod_tag_max_age_days"].value<int64_t>()) TRY(SetEodTagMaxAge(*v, config));
  return Status::Ok();
}

Status ApplyEnvironment(Config& config) {
  auto env = [](const char* name) -> std::optional<std::string_view> {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string_view(value);
  };
  if (auto v = env("TRADEAGG_LISTEN")) config.listen = *v;
  if (auto v = env("TRADEAGG_DATA_DIR")) config.data_dir = *v;
  if (auto v = env("TRADEAGG_LOG_LEVEL")) config.log_level = *v;
  if (auto v = env("TRADEAGG_LOG_FORMAT")) config.log_format = *v;
  if (auto v = env("TRADEAGG_LOG_REQUESTS")) {
    ASSIGN_OR_RETURN(config.log_requests, ParseBool("TRADEAGG_LOG_REQUESTS", *v));
  }
  if (auto v = env("TRADEAGG_WEB_DIR")) config.web_dir = *v;
  if (auto v = env("TRADEAGG_SHUTDOWN_GRACE_SECONDS")) {
    ASSIGN_OR_RETURN(config.shutdown_grace_seconds, ParseInteger("TRADEAGG_SHUTDOWN_GRACE_SECONDS", *v));
  }
  if (auto v = env("TRADEAGG_LAKE_EXPORT_STALL_SECONDS")) {
    ASSIGN_OR_RETURN(config.export_stall_seconds, ParseInteger("TRADEAGG_LAKE_EXPORT_STALL_SECONDS", *v));
  }
  if (auto v = env("TRADEAGG_STORE_URI")) config.store.uri = *v;
  if (auto v = env("TRADEAGG_STORE_WRITE_CONCERN")) config.store.write_concern = *v;
  if (auto v = env("TRADEAGG_STORE_INSTANCE_ID")) config.store.instance_id = *v;
  if (auto v = env("TRADEAGG_GROUP_WAIT_US")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_GROUP_WAIT_US", *v));
    TRY(SetGroupWait(n, config));
  }
  if (auto v = env("TRADEAGG_LAKE_WAREHOUSE")) TRY(SetLakeWarehouse(*v, config));
  if (auto v = env("TRADEAGG_LAKE_CATALOG")) config.catalog.kind = *v;
  if (auto v = env("TRADEAGG_LAKE_CATALOG_URI")) config.catalog.uri = *v;
  if (auto v = env("TRADEAGG_LAKE_CATALOG_CREDENTIAL")) config.catalog.credential = *v;
  if (auto v = env("TRADEAGG_LAKE_CATALOG_TOKEN")) config.catalog.token = *v;
  if (auto v = env("TRADEAGG_LAKE_CATALOG_WAREHOUSE")) config.catalog.warehouse = *v;
  if (auto v = env("TRADEAGG_S3_ENDPOINT")) config.s3.endpoint = *v;
  if (auto v = env("TRADEAGG_S3_REGION")) config.s3.region = *v;
  if (auto v = env("TRADEAGG_S3_DUCKDB_READS")) TRY(SetDuckDbReads(*v, config));
  if (auto v = env("TRADEAGG_S3_PATH_STYLE")) {
    ASSIGN_OR_RETURN(bool path_style, ParseBool("TRADEAGG_S3_PATH_STYLE", *v));
    config.s3.path_style = path_style;
  }
  // The AWS variables fill in only what the configuration left empty.
  if (auto v = env("AWS_REGION"); v && config.s3.region.empty()) config.s3.region = *v;
  if (auto v = env("AWS_ACCESS_KEY_ID"); v && config.s3.access_key_id.empty()) config.s3.access_key_id = *v;
  if (auto v = env("AWS_SECRET_ACCESS_KEY"); v && config.s3.secret_access_key.empty()) config.s3.secret_access_key = *v;
  if (auto v = env("AWS_SESSION_TOKEN"); v && config.s3.session_token.empty()) config.s3.session_token = *v;
  if (auto v = env("TRADEAGG_STORE_POLL_INTERVAL_MS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_STORE_POLL_INTERVAL_MS", *v));
    TRY(SetStorePollInterval(n, config));
  }
  TRY(ApplyHttpEnvironment(config));
  if (auto v = env("TRADEAGG_IO_THREADS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_IO_THREADS", *v));
    config.http.io_threads = static_cast<size_t>(n);
  }
  if (auto v = env("TRADEAGG_TIME_ZONE")) config.calendar.time_zone = *v;
  if (auto v = env("TRADEAGG_CUTOFF")) { ASSIGN_OR_RETURN(config.calendar.cutoff_minutes, ParseCutoff(*v)); }
  if (auto v = env("TRADEAGG_HOLIDAYS")) TRY(SetHolidays(SplitList(*v), config));
  if (auto v = env("TRADEAGG_CURRENCIES")) TRY(SetCurrencies(SplitList(*v), config));
  if (auto v = env("TRADEAGG_MAX_PAST_DAYS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_MAX_PAST_DAYS", *v));
    TRY(SetMaxPastDays(n, config));
  }
  if (auto v = env("TRADEAGG_MAX_FUTURE_SKEW_SECONDS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_MAX_FUTURE_SKEW_SECONDS", *v));
    config.validation.max_future_skew_micros = n * 1'000'000;
  }
  if (auto v = env("TRADEAGG_TOKEN_TTL_SECONDS")) {
    ASSIGN_OR_RETURN(config.token_ttl_seconds, ParseInteger("TRADEAGG_TOKEN_TTL_SECONDS", *v));
  }
  if (auto v = env("TRADEAGG_SIGNUP_ENABLED")) {
    ASSIGN_OR_RETURN(config.api.signup_enabled, ParseBool("TRADEAGG_SIGNUP_ENABLED", *v));
  }
  if (auto v = env("TRADEAGG_MAX_FAILED_LOGINS_PER_USER")) {
    ASSIGN_OR_RETURN(config.login_throttle.max_failures_per_user,
                     ParseInteger("TRADEAGG_MAX_FAILED_LOGINS_PER_USER", *v));
  }
  if (auto v = env("TRADEAGG_MAX_FAILED_LOGINS_PER_ADDRESS")) {
    ASSIGN_OR_RETURN(config.login_throttle.max_failures_per_address,
                     ParseInteger("TRADEAGG_MAX_FAILED_LOGINS_PER_ADDRESS", *v));
  }
  if (auto v = env("TRADEAGG_FAILED_LOGIN_WINDOW_SECONDS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_FAILED_LOGIN_WINDOW_SECONDS", *v));
    TRY(SetLoginWindow(n, config));
  }
  if (auto v = env("TRADEAGG_MAX_CONCURRENT_HASHES")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_MAX_CONCURRENT_HASHES", *v));
    TRY(SetMaxConcurrentHashes(n, config));
  }
  if (auto v = env("TRADEAGG_MAX_WAITING_HASHES")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_MAX_WAITING_HASHES", *v));
    TRY(SetMaxWaitingHashes(n, config));
  }
  if (auto v = env("TRADEAGG_MAX_GROUP_TRADES")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_MAX_GROUP_TRADES", *v));
    config.ingest.max_group_trades = static_cast<size_t>(n);
  }
  if (auto v = env("TRADEAGG_ADMIN_PASSWORD")) config.admin_password = *v;
  if (auto v = env("TRADEAGG_LAKE_ENABLED")) {
    ASSIGN_OR_RETURN(config.lake_enabled, ParseBool("TRADEAGG_LAKE_ENABLED", *v));
  }
  if (auto v = env("TRADEAGG_LAKE_FLUSH_INTERVAL_MS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_LAKE_FLUSH_INTERVAL_MS", *v));
    config.lake.flush_interval = std::chrono::milliseconds(n);
  }
  if (auto v = env("TRADEAGG_LAKE_FLUSH_TRADES")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_LAKE_FLUSH_TRADES", *v));
    config.lake.flush_trades = static_cast<size_t>(n);
  }
  if (auto v = env("TRADEAGG_SCHEDULER_ENABLED")) {
    ASSIGN_OR_RETURN(config.scheduler_enabled, ParseBool("TRADEAGG_SCHEDULER_ENABLED", *v));
  }
  if (auto v = env("TRADEAGG_INTRADAY_INTERVAL_SECONDS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_INTRADAY_INTERVAL_SECONDS", *v));
    config.schedule.intraday_interval = std::chrono::seconds(n);
  }
  if (auto v = env("TRADEAGG_EOD_ENABLED")) {
    ASSIGN_OR_RETURN(config.schedule.eod, ParseBool("TRADEAGG_EOD_ENABLED", *v));
  }
  if (auto v = env("TRADEAGG_REPORTING_CURRENCY")) TRY(SetReportingCurrency(*v, config));
  if (auto v = env("TRADEAGG_AGGREGATION_THREADS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_AGGREGATION_THREADS", *v));
    TRY(SetAggregationThreads(n, config));
  }
  if (auto v = env("TRADEAGG_LAKE_WAIT_MS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_LAKE_WAIT_MS", *v));
    TRY(SetLakeWait(n, config));
  }
  if (auto v = env("TRADEAGG_EOD_TAG_MAX_AGE_DAYS")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger("TRADEAGG_EOD_TAG_MAX_AGE_DAYS", *v));
    TRY(SetEodTagMaxAge(n, config));
  }
  return Status::Ok();
}

Status ResolveListen(Config& config) {
  size_t colon = config.listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("listen must be HOST:PORT, got '" + config.listen + "'");
  ASSIGN_OR_RETURN(int64_t port, ParseInteger("listen port", std::string_view(config.listen).substr(colon + 1)));
  if (port > 65535) return Status::InvalidArgument("listen port must be at most 65535");
  config.http.host = config.listen.substr(0, colon);
  config.http.port = static_cast<uint16_t>(port);
  return Status::Ok();
}

}  // namespace tradeagg::app
