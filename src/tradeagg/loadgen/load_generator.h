// The load generator: `tradeagg loadgen` submits realistic trades to a running service (or to
// any HTTP server, for comparison) and reports throughput and latency.
//
// N keep-alive HTTP/1.1 connections spread over a few io_context threads (one io_context per
// thread). Closed loop (rate 0): each connection sends its next request when the previous
// response arrives. Open loop (rate > 0): requests are scheduled at the target rate, spread
// evenly across connections, and latency is measured from each request's intended send time
// so a stalled server cannot hide its backlog (no coordinated omission). The warm-up is left
// out of every figure. 2xx responses are successes; any other status, a timeout or a broken
// connection is an error, reported by status or kind. Latencies go into fixed-memory log-linear
// histograms (loadgen/latency_histogram.h).
// Progress goes to stderr once a second; the final report to stdout (and to a JSON file).
// Thread safety: RunLoadgen runs one load test at a time on the calling thread plus its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace tradeagg::loadgen {

struct LoadgenOptions {
  std::string url = "http://127.0.0.1:8080";  // http only
  std::string path = "/v1/trades";
  std::string username = "admin";
  std::string password;  // empty: $TRADEAGG_ADMIN_PASSWORD
  std::string token;     // a bearer token to use instead of logging in; "none": no Authorization
  int connections = 32;
  int threads = 1;
  double duration_seconds = 10;
  double warmup_seconds = 1;
  double rate = 0;  // trades/s over all connections; 0 = closed loop, as fast as possible
  int batch = 1;    // trades per request: 1 sends an object, more an array
  int participants = 20;
  int instruments = 50;
  std::vector<std::string> currencies = {"GBP", "USD", "EUR"};
  uint64_t seed = 42;
  std::string trade_time = "omit";  // "omit" (the server uses the receive time) or "now"
  std::string run_id;               // trade-id prefix; empty: made from the clock and pid
  double timeout_seconds = 10;
  std::string report_json;  // file for the machine-readable report; empty: none
  bool quiet = false;
};

// Declares the sub-command's flags, bound to `options`.
void AddLoadgenOptions(CLI::App& sub, LoadgenOptions& options);

// Runs the load test. Returns 0 when the run completed with at least one 2xx response, 1 when
// it completed without any, 2 on bad options or when it could not start (unresolvable host,
// login refused).
int RunLoadgen(const LoadgenOptions& options);

}  // namespace tradeagg::loadgen
