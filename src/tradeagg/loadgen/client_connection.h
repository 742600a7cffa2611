// ClientConnection: one keep-alive HTTP/1.1 connection of the load generator.
//
// It sends one request at a time (no pipelining) and sends the next one either as soon as the
// previous response is in (closed loop) or at its scheduled time (open loop: a fixed interval
// per connection; if the previous response is late, the next request goes as soon as it is in).
// Latency runs from the intended send time, so in the open loop a slow server is charged for
// the requests it held back too (no coordinated omission). Requests are written with Asio as
// pre-built bytes and responses parsed with Beast. A broken or timed-out connection counts a
// failure and reconnects (after a short pause when connecting itself fails). No request is
// started at or after the plan's end.
// Thread safety: every member runs on its worker's io_context thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "tradeagg/loadgen/run_stats.h"
#include "tradeagg/loadgen/trade_generator.h"

namespace tradeagg::loadgen {

// What every connection of a run shares. Immutable while the run lasts.
struct ConnectionPlan {
  boost::asio::ip::tcp::endpoint endpoint;
  // The request line and headers up to (not including) the Content-Length value.
  std::string request_head;
  size_t batch = 1;                  // trades per request
  Clock::duration timeout{};         // per request, from its actual send
  Clock::time_point end{};           // no request is started (or intended) at or after this
  bool open_loop = false;
  Clock::duration interval{};        // open loop: between two intended sends of one connection
  std::atomic<int64_t>* in_flight = nullptr;  // requests sent and not yet finished, all workers
};

class ClientConnection {
 public:
  // first_send: open loop, the intended time of this connection's first request.
  ClientConnection(boost::asio::io_context& io, const ConnectionPlan& plan, RunStats& stats,
                   TradeGenerator generator, Clock::time_point first_send);
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  void Start();
  // Closes the connection if its request (a timeout failure) or its connect (a connect failure)
  // has been under way longer than the plan's timeout. Called periodically by the worker.
  void CheckTimeout(Clock::time_point now);

 private:
  void Connect();
  void OnConnect(const boost::system::error_code& ec);
  void SendNext();
  void Send(Clock::time_point intended);
  void OnWrite(const boost::system::error_code& ec);
  void OnRead(const boost::system::error_code& ec);
  void Finish();
  void Fail(FailureKind kind);
  void Close();

  const ConnectionPlan& plan_;
  RunStats& stats_;
  TradeGenerator generator_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;  // open-loop pacing and reconnect pauses
  boost::beast::flat_buffer read_buffer_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  std::string head_;  // request line, headers and the Content-Length of the body below
  std::string body_;
  Clock::time_point next_intended_;
  Clock::time_point intended_{};
  Clock::time_point sent_at_{};  // of the request in flight, or of the connect under way
  bool connecting_ = false;
  bool busy_ = false;       // a request is in flight
  bool timed_out_ = false;  // CheckTimeout closed the socket under the connect or request
};

}  // namespace tradeagg::loadgen
