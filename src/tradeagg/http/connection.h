// Connection: one client's TCP connection, serving its requests one after another.
//
// The life of a request: read the head (within the idle timeout); check its framing, target,
// route and credentials; reserve its body's bytes from the shared ResourceBudget; send
// `100 Continue` if the client waits for it; read the body (within the body timeout); hand
// it to the route's handler; write the answer; then read the next head, or close. Every
// refusal before the end of the body closes the connection, since the rest of the body is
// still on the wire; the close lingers briefly so the client reads the answer, not a reset.
// A streamed response (server-sent events) keeps the connection until its sink closes.
// While the server drains, a connection waiting for a request closes, and one answering a
// request closes after the answer.
// Thread safety: runs on its own strand; handlers answer from any thread through a Responder.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>

#include "tradeagg/http/connection_tracker.h"
#include "tradeagg/http/exchange_observer.h"
#include "tradeagg/http/resource_budget.h"
#include "tradeagg/http/router.h"

namespace tradeagg::http {

struct ServerConfig;

// What a server's connections share.
struct ConnectionContext {
  const Router& router;
  const ServerConfig& config;
  ResourceBudget& budget;
  ConnectionTracker& tracker;
  ExchangeObserver* observer;  // may be null
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `lease` is this connection's place in the budget; an empty lease means the server is full.
  Connection(boost::asio::ip::tcp::socket&& socket, const ConnectionContext& context, ResourceBudget::Lease lease);
  ~Connection();

  // Serves requests, or, without a lease, answers 503 and closes.
  void Start();
  // For a draining server: closes the connection if it is waiting for a request's head.
  void CloseIfIdle();

 private:
  class StreamSink;
  void ReadHead();
  void OnHead(boost::beast::error_code ec);
  // Reserves the body's bytes, sends 100 Continue when asked, reads the body.
  void AdmitBody();
  void ReadBody();
  void OnBody(boost::beast::error_code ec);
  void Dispatch();

  // Answers without reading the rest of the request, then closes.
  void Refuse(Response&& response);
  void Send(Response&& response, bool keep_alive);
  void OnWrite(boost::beast::error_code ec);
  // Tells the observer, and the tracker that a dispatched request is answered.
  void Finish(unsigned status);

  // A streamed response: the head, then each queued event as a chunk, in order.
  void StartStream(Response&& response);
  void WatchStreamClient();
  void QueueEvent(std::string text);
  void WriteNextEvent();
  void EndStream();      // the producer's end: after the events queued
  void EndStreamNow();   // the last chunk, then the close
  void StopStream();     // the client's end, or a failed write
  void Close();
  // Half-closes, then reads and drops what the client still sends for a moment, so the answer
  // is not lost to the reset a close with unread data causes.
  void Linger();
  void OnLinger(boost::beast::error_code ec, size_t bytes);

  // Our own deadline for reads: on expiry the pending read is cancelled and the request can
  // still be answered (408), which tcp_stream's timeout, closing the socket, would not allow.
  void ArmDeadline(int seconds);
  void DisarmDeadline();

  boost::beast::tcp_stream stream_;
  const Router& router_;
  const ServerConfig& config_;
  ResourceBudget& budget_;
  ConnectionTracker& tracker_;
  ExchangeObserver* observer_;
  ResourceBudget::Lease connection_lease_;
  ResourceBudget::Lease body_lease_;

  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::unique_ptr<Request> request_;
  const Handler* handler_ = nullptr;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  std::unique_ptr<char[]> drain_;
  size_t lingered_bytes_ = 0;
  std::string remote_address_;

  boost::asio::steady_timer deadline_;
  uint64_t deadline_generation_ = 0;
  bool timed_out_ = false;
  bool body_pending_ = false;  // bytes of the current request may still be on the wire
  unsigned version_ = 11;
  bool keep_alive_ = true;

  // The request being answered, for its id, the observer and the tracker.
  std::string request_id_;
  std::string method_;
  std::string target_;
  std::chrono::steady_clock::time_point head_read_at_;
  bool awaiting_head_ = false;  // nothing of a next request has been read
  bool counted_ = false;        // the tracker counts the current request in flight
  unsigned answered_status_ = 0;

  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> stream_head_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> stream_serializer_;
  std::shared_ptr<std::atomic<bool>> stream_closed_;
  std::deque<std::string> stream_queue_;
  bool stream_writing_ = false;
  bool stream_ending_ = false;
  bool stream_chunked_ = true;
};

}  // namespace tradeagg::http
