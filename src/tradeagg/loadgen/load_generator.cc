#include "tradeagg/loadgen/load_generator.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <simdjson.h>

#include "tradeagg/core/json_writer.h"
#include "tradeagg/loadgen/client_connection.h"
#include "tradeagg/loadgen/load_report.h"
#include "tradeagg/loadgen/run_stats.h"
#include "tradeagg/loadgen/trade_generator.h"

namespace tradeagg::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitNoSuccess = 1;
constexpr int kExitCannotStart = 2;
constexpr size_t kMaxRunIdLength = 30;  // "<run id>-<connection>-<n>" within 64 characters
constexpr int kMaxBatch = 10'000;       // the API's limit per request
constexpr char kLoginPath[] = "/v1/auth/token";

struct Target {
  std::string host;
  std::string port;
  std::string host_header;  // "host:port"
};

Result<Target> ParseTarget(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return Status::InvalidArgument("--url '" + url + "' is not a URL");
  const boost::urls::url_view view = *parsed;
  if (view.scheme() != "http") return Status::InvalidArgument("--url must be http:// (TLS is not supported)");
  if (!view.encoded_path().empty() && view.encoded_path() != "/") {
    return Status::InvalidArgument("--url takes no path; give the request path with --path");
  }
  Target target;
  target.host = std::string(view.encoded_host());
  if (target.host.empty()) return Status::InvalidArgument("--url has no host");
  target.port = view.has_port() ? std::string(view.port()) : "80";
  target.host_header = target.host + ":" + target.port;
  return target;
}

bool IsRunIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == ':' || c == '-';
}

Status Validate(const LoadgenOptions& o) {
  if (o.connections < 1) return Status::InvalidArgument("--connections must be at least 1");
  if (o.threads < 1) return Status::InvalidArgument("--threads must be at least 1");
  if (!(o.duration_seconds > 0)) return Status::InvalidArgument("--duration must be positive");
  if (!(o.warmup_seconds >= 0)) return Status::InvalidArgument("--warmup must not be negative");
  if (!(o.rate >= 0)) return Status::InvalidArgument("--rate must not be negative");
  if (!(o.timeout_seconds > 0)) return Status::InvalidArgument("--timeout must be positive");
  if (o.batch < 1 || o.batch > kMaxBatch) return Status::InvalidArgument("--batch must be between 1 and 10000");
  if (o.path.empty() || o.path[0] != '/') return Status::InvalidArgument("--path must start with '/'");
  if (o.trade_time != "omit" && o.trade_time != "now") {
    return Status::InvalidArgument("--trade-time must be 'omit' or 'now'");
  }
  if (o.run_id.size() > kMaxRunIdLength) return Status::InvalidArgument("--run-id is longer than 30 characters");
  for (char c : o.run_id) {
    if (!IsRunIdChar(c)) return Status::InvalidArgument("--run-id may use only A-Z a-z 0-9 . _ : -");
  }
  return Status::Ok();
}

std::string Base36(uint64_t value) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string text;
  do {
    text.insert(text.begin(), kDigits[value % 36]);
    value /= 36;
  } while (value > 0);
  return text;
}

// Unique per run on one machine: the wall clock in microseconds and the process id.
std::string MakeRunId() {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return "LG" + Base36(static_cast<uint64_t>(micros)) + "." + Base36(static_cast<uint64_t>(::getpid()));
}

Result<tcp::endpoint> Resolve(const Target& target) {
  asio::io_context io;
  tcp::resolver resolver(io);
  error_code ec;
  auto results = resolver.resolve(target.host, target.port, ec);
  if (ec || results.empty()) {
    return Status::Unavailable("cannot resolve " + target.host_header + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

// POST /v1/auth/token; the access token, or why not.
Result<std::string> Login(const tcp::endpoint& endpoint, const Target& target, const std::string& username,
                          const std::string& password, Clock::duration timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> request{http::verb::post, kLoginPath, 11};
  request.set(http::field::host, target.host_header);
  request.set(http::field::content_type, "application/json");
  JsonWriter body;
  body.BeginObject().Field("username", username).Field("password", password).EndObject();
  request.body() = body.Take();
  request.prepare_payload();
  http::response<http::string_body> response;
  beast::flat_buffer buffer;
  error_code result;

  stream.expires_after(timeout);
  stream.async_connect(endpoint, [&](const error_code& connect_ec) {
    if (connect_ec) {
      result = connect_ec;
      return;
    }
    http::async_write(stream, request, [&](const error_code& write_ec, size_t) {
      if (write_ec) {
        result = write_ec;
        return;
      }
      http::async_read(stream, buffer, response, [&](const error_code& read_ec, size_t) { result = read_ec; });
    });
  });
  io.run();

  const std::string where = "POST http://" + target.host_header + kLoginPath;
  if (result) return Status::Unavailable(where + " failed: " + result.message());
  if (response.result_int() != 200) {
    return Status::Unauthenticated(where + " as '" + username + "' answered " +
                                   std::to_string(response.result_int()) + ": " + response.body().substr(0, 200));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  std::string_view token;
  if (parser.parse(response.body()).get(document) || document["access_token"].get(token)) {
    return Status::Internal(where + " answered 200 without an access_token");
  }
  return std::string(token);
}

Result<std::string> ObtainToken(const LoadgenOptions& o, const tcp::endpoint& endpoint, const Target& target,
                                Clock::duration timeout) {
  if (o.token == "none") return std::string();
  if (!o.token.empty()) return o.token;
  std::string password = o.password;
  if (password.empty()) {
    const char* env = std::getenv("TRADEAGG_ADMIN_PASSWORD");
    if (env != nullptr) password = env;
  }
  if (password.empty()) {
    return Status::InvalidArgument("no credentials: pass --password (or set TRADEAGG_ADMIN_PASSWORD), "
                                   "--token TOKEN, or --token none");
  }
  return Login(endpoint, target, o.username, password, timeout);
}

std::string RequestHead(const LoadgenOptions& o, const Target& target, const std::string& token) {
  std::string head = "POST " + o.path + " HTTP/1.1\r\nHost: " + target.host_header +
                     "\r\nUser-Agent: tradeagg-loadgen\r\nContent-Type: application/json\r\n";
  if (!token.empty()) head += "Authorization: Bearer " + token + "\r\n";
  head += "Content-Length: ";
  return head;
}

Clock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

double SecondsOf(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// One io_context and its thread, with the connections it drives.
// Members are destroyed in reverse order: connections before the timer and stats they use,
// all of them before the io_context.
struct Worker {
  explicit Worker(Clock::time_point measure_from) : io(1), stats(measure_from), sweep(io) {}

  // Every sweep_every, closes the connections whose request outlived the timeout.
  void ArmSweep(Clock::duration sweep_every) {
    sweep.expires_after(sweep_every);
    sweep.async_wait([this, sweep_every](const error_code& ec) {
      if (ec) return;
      const Clock::time_point now = Clock::now();
      for (auto& connection : connections) connection->CheckTimeout(now);
      ArmSweep(sweep_every);
    });
  }

  asio::io_context io;
  RunStats stats;
  asio::steady_timer sweep;
  std::vector<std::unique_ptr<ClientConnection>> connections;
  std::thread thread;
};

// Mixes the run's seed with a connection's index so each connection draws its own sequence.
uint64_t ConnectionSeed(uint64_t seed, int connection) {
  Random mix(seed + 0x632BE59BD9B4E019ULL * static_cast<uint64_t>(connection + 1));
  return mix.Next();
}

void PrintHints(const Tally& total) {
  if (total.statuses.count(401) > 0) {
    std::cerr << "loadgen: 401 responses: the token was refused (wrong --token, or it expired)\n";
  }
  if (total.failures[static_cast<size_t>(FailureKind::kConnect)] > 0) {
    std::cerr << "loadgen: some connections could not be opened (is the server up?)\n";
  }
}

}  // namespace

void AddLoadgenOptions(CLI::App& sub, LoadgenOptions& o) {
  sub.add_option("--url", o.url, "Server base URL (http only, no path)")->capture_default_str();
  sub.add_option("--path", o.path, "Request path")->capture_default_str();
  sub.add_option("--username", o.username, "User to log in as (POST /v1/auth/token)")->capture_default_str();
  sub.add_option("--password", o.password, "Password for --username (default: $TRADEAGG_ADMIN_PASSWORD)");
  sub.add_option("--token", o.token,
                 "Bearer token to use instead of logging in; 'none' sends no Authorization header");
  sub.add_option("-c,--connections", o.connections, "Keep-alive connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000));
  sub.add_option("--threads", o.threads, "I/O threads")->capture_default_str()->check(CLI::Range(1, 256));
  sub.add_option("-d,--duration", o.duration_seconds, "Measured seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub.add_option("--warmup", o.warmup_seconds, "Seconds before measuring (left out of every figure)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--rate", o.rate,
                 "Target trades/s over all connections, open loop; 0 = as fast as possible, closed loop")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--batch", o.batch, "Trades per request: 1 sends a JSON object, more a JSON array")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxBatch));
  sub.add_option("--participants", o.participants, "Members M001.. to trade between")
      ->capture_default_str()
      ->check(CLI::Range(2, 99'999));
  sub.add_option("--instruments", o.instruments, "Instruments (valid ISINs)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  sub.add_option("--currencies", o.currencies, "Currencies, comma-separated, one per instrument in turn")
      ->delimiter(',')
      ->capture_default_str();
  sub.add_option("--seed", o.seed, "Random seed (trade ids still differ per run)")->capture_default_str();
  sub.add_option("--trade-time", o.trade_time, "omit (the server uses the receive time) or now")
      ->capture_default_str()
      ->check(CLI::IsMember({"omit", "now"}));
  sub.add_option("--run-id", o.run_id, "Trade-id prefix (default: made from the clock and process id)");
  sub.add_option("--timeout", o.timeout_seconds, "Request timeout in seconds (counts as an error)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub.add_option("--report-json", o.report_json, "Also write the final report as JSON to this file");
  sub.add_flag("-q,--quiet", o.quiet, "No progress lines on stderr");
}

int RunLoadgen(const LoadgenOptions& o) {
  auto fail = [](const Status& status) {
    std::cerr << "loadgen: " << status.message() << "\n";
    return kExitCannotStart;
  };
  if (Status status = Validate(o); !status.ok()) return fail(status);
  auto target = ParseTarget(o.url);
  if (!target.ok()) return fail(target.status());
  auto endpoint = Resolve(*target);
  if (!endpoint.ok()) return fail(endpoint.status());
  const Clock::duration timeout = Seconds(o.timeout_seconds);
  auto token = ObtainToken(o, *endpoint, *target, timeout);
  if (!token.ok()) return fail(token.status());
  auto universe = TradeUniverse::Make(o.participants, o.instruments, o.currencies, o.seed);
  if (!universe.ok()) return fail(universe.status());
  const std::string run_id = o.run_id.empty() ? MakeRunId() : o.run_id;
  const TradeTimeMode time_mode = o.trade_time == "now" ? TradeTimeMode::kNow : TradeTimeMode::kOmit;
  const int threads = std::min(o.threads, o.connections);

  const Clock::time_point start = Clock::now();
  const Clock::time_point measure_from = start + Seconds(o.warmup_seconds);
  std::atomic<int64_t> in_flight{0};
  ConnectionPlan plan;
  plan.endpoint = *endpoint;
  plan.request_head = RequestHead(o, *target, *token);
  plan.batch = static_cast<size_t>(o.batch);
  plan.timeout = timeout;
  plan.end = measure_from + Seconds(o.duration_seconds);
  plan.in_flight = &in_flight;
  // Open loop: the request rate is spread evenly, each connection offset by one request gap.
  const double requests_per_second = o.rate / o.batch;
  plan.open_loop = o.rate > 0;
  if (plan.open_loop) plan.interval = Seconds(o.connections / requests_per_second);
  const Clock::duration gap = plan.open_loop ? Seconds(1.0 / requests_per_second) : Clock::duration::zero();

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) workers.push_back(std::make_unique<Worker>(measure_from));
  for (int c = 0; c < o.connections; ++c) {
    Worker& worker = *workers[static_cast<size_t>(c % threads)];
    TradeGenerator generator(*universe, run_id + "-" + std::to_string(c), ConnectionSeed(o.seed, c), time_mode);
    worker.connections.push_back(std::make_unique<ClientConnection>(worker.io, plan, worker.stats,
                                                                    std::move(generator), start + gap * c));
  }
  const Clock::duration sweep_every = std::min<Clock::duration>(timeout / 4, std::chrono::milliseconds(100));
  for (auto& worker : workers) {
    for (auto& connection : worker->connections) connection->Start();
    worker->ArmSweep(sweep_every);
    worker->thread = std::thread([&io = worker->io] { io.run(); });
  }

  // Progress once a second until the end.
  Clock::time_point previous = start;
  for (int second = 1;; ++second) {
    const Clock::time_point tick = std::min(start + std::chrono::seconds(second), plan.end);
    std::this_thread::sleep_until(tick);
    Tally interval;
    for (auto& worker : workers) worker->stats.TakeInterval(interval);
    if (!o.quiet) {
      std::cerr << ProgressLine(SecondsOf(tick - start), SecondsOf(tick - previous), interval, tick <= measure_from)
                << std::endl;
    }
    previous = tick;
    if (tick >= plan.end) break;
  }
  // Requests intended before the end are waited for (timeouts close them) and counted.
  const Clock::time_point drain_until = plan.end + timeout + 2 * sweep_every;
  while (in_flight.load(std::memory_order_relaxed) > 0 && Clock::now() < drain_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (auto& worker : workers) worker->io.stop();
  for (auto& worker : workers) worker->thread.join();

  LoadReport report;
  report.target = "POST http://" + target->host_header + o.path;
  report.connections = o.connections;
  report.threads = threads;
  report.target_rate = o.rate;
  report.batch = plan.batch;
  report.warmup_seconds = o.warmup_seconds;
  Clock::time_point last = plan.end;
  for (auto& worker : workers) {
    worker->stats.MergeTotalInto(report.total);
    last = std::max(last, worker->stats.last_completion());
  }
  report.seconds = SecondsOf(last - measure_from);

  std::cout << report.ToText() << std::flush;
  PrintHints(report.total);
  if (!o.report_json.empty()) {
    std::ofstream file(o.report_json, std::ios::trunc);
    file << report.ToJson() << "\n";
    if (!file) {
      std::cerr << "loadgen: cannot write " << o.report_json << "\n";
      return kExitCannotStart;
    }
  }
  return report.total.ok > 0 ? kExitOk : kExitNoSuccess;
}

}  // namespace tradeagg::loadgen
