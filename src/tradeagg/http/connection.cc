#include "tradeagg/http/connection.h"

#include <cctype>
#include <random>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "tradeagg/http/request_head.h"
#include "tradeagg/http/server.h"

namespace tradeagg::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr size_t kDrainChunkBytes = 16 * 1024;
constexpr size_t kMaxLingerBytes = 1024 * 1024;
constexpr int kLingerSeconds = 2;

constexpr size_t kMaxRequestIdLength = 64;

template <typename Body>
void SetHead(bhttp::response<Body>& out, Response& response, std::string_view request_id, bool keep_alive) {
  out.set(bhttp::field::server, "tradeagg");
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) out.set(name, value);
  out.set("X-Request-Id", request_id);
  out.keep_alive(keep_alive);
}

bhttp::response<bhttp::string_body> ToBeast(Response&& response, unsigned version, std::string_view request_id,
                                            bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), version};
  SetHead(out, response, request_id, keep_alive);
  out.body() = std::move(response.body);
  out.prepare_payload();
  return out;
}

// A client's id is kept when it is safe to echo and to log: 1-64 of [A-Za-z0-9._-].
bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = random();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 0xf];
    bits >>= 4;
  }
  return id;
}

Response Busy(std::string_view detail) {
  Response response = ProblemResponse(503, "busy", "Server busy", detail);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace

// The sink a streamed response's producer holds; it keeps the connection alive until dropped.
class Connection::StreamSink : public EventSink {
 public:
  StreamSink(std::shared_ptr<Connection> connection, std::shared_ptr<std::atomic<bool>> closed)
      : connection_(std::move(connection)), closed_(std::move(closed)) {}
  bool Send(std::string text) override {
    if (closed_->load()) return false;
    net::post(connection_->stream_.get_executor(),
              [connection = connection_, text = std::move(text)]() mutable { connection->QueueEvent(std::move(text)); });
    return true;
  }
  void Close() override {
    net::post(connection_->stream_.get_executor(), [connection = connection_] { connection->EndStream(); });
  }
  bool closed() const override { return closed_->load(); }

 private:
  std::shared_ptr<Connection> connection_;
  std::shared_ptr<std::atomic<bool>> closed_;
};

Connection::Connection(tcp::socket&& socket, const ConnectionContext& context, ResourceBudget::Lease lease)
    : stream_(std::move(socket)),
      router_(context.router),
      config_(context.config),
      budget_(context.budget),
      tracker_(context.tracker),
      observer_(context.observer),
      connection_lease_(std::move(lease)),
      deadline_(stream_.get_executor()),
      head_read_at_(std::chrono::steady_clock::now()) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
}

void Connection::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->connection_lease_) {
      return self->Send(Busy("the server has " + std::to_string(self->config_.max_connections) +
                             " connections open; retry shortly"),
                        /*keep_alive=*/false);
    }
    self->ReadHead();
  });
}

void Connection::CloseIfIdle() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->awaiting_head_ || self->buffer_.size() != 0) return;
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);  // OnHead sees the server draining and closes
  });
}

void Connection::ReadHead() {
  if (tracker_.draining()) return Close();
  awaiting_head_ = true;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(config_.max_header_bytes));
  parser_->body_limit(config_.max_body_bytes);
  request_.reset();
  handler_ = nullptr;
  body_lease_.Release();
  body_pending_ = false;
  stream_.expires_never();
  ArmDeadline(config_.idle_timeout_seconds);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
}

void Connection::OnHead(beast::error_code ec) {
  DisarmDeadline();
  awaiting_head_ = false;
  head_read_at_ = std::chrono::steady_clock::now();
  body_pending_ = true;
  if (ec && tracker_.draining() && buffer_.size() == 0) return Close();
  std::string_view client_id = ec ? std::string_view() : std::string_view(parser_->get()["X-Request-Id"]);
  request_id_ = IsSaneRequestId(client_id) ? std::string(client_id) : NewRequestId();
  if (observer_ != nullptr && !ec) {
    // Unknown methods share one label: a client must not mint metric series.
    const bool known = parser_->get().method() != bhttp::verb::unknown;
    method_ = known ? std::string(parser_->get().method_string()) : std::string("other");
    target_ = std::string(parser_->get().target());
  } else {
    method_.clear();
    target_.clear();
  }
  if (timed_out_ && ec) {
    // Silence between requests is a normal end; a head begun but not finished is answered.
    if (buffer_.size() == 0) return Close();
    return Refuse(ProblemResponse(408, "timeout", "Request timeout",
                                  "the request head did not arrive within " +
                                      std::to_string(config_.idle_timeout_seconds) + " s"));
  }
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset) return Close();
  if (ec) return Refuse(FramingErrorResponse(ec, {config_.max_header_bytes, config_.max_body_bytes}));

  body_pending_ = !parser_->is_done();  // a refused GET may keep its connection
  const auto& head = parser_->get();
  version_ = head.version();
  keep_alive_ = head.keep_alive();
  if (auto refusal = CheckHead(head)) return Refuse(std::move(*refusal));
  request_ = std::make_unique<Request>();
  request_->message.base() = head.base();
  request_->remote_address = remote_address_;
  request_->id = request_id_;
  if (auto refusal = DecodeTarget(head.target(), *request_)) return Refuse(std::move(*refusal));
  Router::Admission admission = router_.Admit(*request_);
  if (admission.handler == nullptr) return Refuse(std::move(admission.refusal));
  handler_ = admission.handler;
  // From here the request counts as in flight: a draining server waits for its body and answer.
  tracker_.RequestStarted();
  counted_ = true;
  AdmitBody();
}

void Connection::AdmitBody() {
  if (parser_->is_done()) return Dispatch();
  auto declared = parser_->content_length();
  if (declared && *declared > config_.max_body_bytes) {
    return Refuse(FramingErrorResponse(bhttp::error::body_limit, {config_.max_header_bytes, config_.max_body_bytes}));
  }
  body_lease_ = budget_.TryReserveBody(declared ? static_cast<size_t>(*declared) : 0);
  if (!body_lease_) return Refuse(Busy("the server is buffering as many request bodies as it may; retry shortly"));
  if (!ExpectsContinue(parser_->get())) return ReadBody();
  continue_ = bhttp::response<bhttp::empty_body>{bhttp::status::continue_, version_};
  stream_.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
  bhttp::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->Close();
    self->ReadBody();
  });
}

void Connection::ReadBody() {
  stream_.expires_never();
  ArmDeadline(config_.body_timeout_seconds);
  bhttp::async_read_some(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void Connection::OnBody(beast::error_code ec) {
  DisarmDeadline();
  if (timed_out_ && ec) {
    std::string detail = "the body did not arrive within " + std::to_string(config_.body_timeout_seconds) + " s";
    if (auto declared = parser_->content_length()) {
      detail += ": " + std::to_string(parser_->get().body().size()) + " of " + std::to_string(*declared) +
                " declared bytes came";
    }
    return Refuse(ProblemResponse(408, "timeout", "Request timeout", detail));
  }
  if (ec == bhttp::error::partial_message || ec == net::error::eof || ec == net::error::connection_reset) return Close();
  if (ec) return Refuse(FramingErrorResponse(ec, {config_.max_header_bytes, config_.max_body_bytes}));
  // A chunked body grows as it comes; the budget counts the memory it holds. (A body with a
  // Content-Length was reserved whole from its head.)
  if (!parser_->content_length() && !budget_.TryExtendBody(body_lease_, parser_->get().body().capacity())) {
    return Refuse(Busy("the server is buffering as many request bodies as it may; retry shortly"));
  }
  if (!parser_->is_done()) return ReadBody();
  Dispatch();
}

void Connection::Dispatch() {
  body_pending_ = false;
  request_->message = parser_->release();
  auto self = shared_from_this();
  (*handler_)(*request_, Responder([self](Responder::Builder build) {
    net::post(self->stream_.get_executor(),
              [self, build = std::move(build)]() mutable { self->Send(build(), self->keep_alive_); });
  }));
}

void Connection::Refuse(Response&& response) { Send(std::move(response), keep_alive_ && !body_pending_); }

void Connection::Send(Response&& response, bool keep_alive) {
  if (response.on_stream) return StartStream(std::move(response));
  keep_alive_ = keep_alive && !tracker_.draining();
  answered_status_ = response.status;
  response_ = ToBeast(std::move(response), version_, request_id_, keep_alive_);
  stream_.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
  bhttp::async_write(stream_, response_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
}

void Connection::OnWrite(beast::error_code ec) {
  Finish(answered_status_);
  request_.reset();
  body_lease_.Release();
  if (ec) return Close();
  if (keep_alive_) return ReadHead();
  if (body_pending_) return Linger();
  Close();
}

void Connection::Finish(unsigned status) {
  if (observer_ != nullptr) {
    Exchange exchange;
    exchange.method = method_;
    exchange.route = request_ ? request_->route : std::string_view("unmatched");
    exchange.target = target_;
    exchange.status = status;
    exchange.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - head_read_at_);
    exchange.request_id = request_id_;
    exchange.remote_address = remote_address_;
    observer_->OnExchange(exchange);
  }
  if (counted_) tracker_.RequestFinished();
  counted_ = false;
}

Connection::~Connection() {
  // A handler that dropped its Responder without answering: the request is over all the same.
  if (counted_) tracker_.RequestFinished();
}

void Connection::StartStream(Response&& response) {
  keep_alive_ = false;  // the stream is the connection's last answer
  answered_status_ = response.status;
  // HTTP/1.0 has no chunked encoding: its stream is the raw events, ended by the close.
  stream_chunked_ = version_ >= 11;
  stream_head_.emplace(static_cast<bhttp::status>(response.status), version_);
  SetHead(*stream_head_, response, request_id_, /*keep_alive=*/false);
  stream_head_->set(bhttp::field::cache_control, "no-cache");
  if (stream_chunked_) stream_head_->chunked(true);
  stream_serializer_.emplace(*stream_head_);
  stream_closed_ = std::make_shared<std::atomic<bool>>(false);
  stream_.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
  bhttp::async_write_header(
      stream_, *stream_serializer_,
      [self = shared_from_this(), on_stream = std::move(response.on_stream)](beast::error_code ec, size_t) {
        self->Finish(self->answered_status_);  // answered; the stream goes on
        self->request_.reset();
        self->body_lease_.Release();
        if (ec) return self->StopStream();
        self->WatchStreamClient();
        on_stream(std::make_shared<StreamSink>(self, self->stream_closed_));
      });
}

void Connection::WatchStreamClient() {
  // A read that ends only when the client goes (or at the linger deadline after the last
  // chunk): the stream closes at once instead of at its next event.
  if (!drain_) drain_ = std::make_unique<char[]>(kDrainChunkBytes);
  stream_.socket().async_read_some(net::buffer(drain_.get(), kDrainChunkBytes),
                                   [self = shared_from_this()](beast::error_code ec, size_t) {
                                     if (!ec && !self->stream_closed_->load()) return self->WatchStreamClient();
                                     self->StopStream();
                                   });
}

void Connection::StopStream() {
  stream_closed_->store(true);
  // A chunk being written still points into the queue's front: its completion clears it.
  if (!stream_writing_) stream_queue_.clear();
  beast::error_code ignored;
  stream_.socket().cancel(ignored);
  Close();
}

void Connection::QueueEvent(std::string text) {
  if (stream_closed_->load() || stream_ending_) return;
  // Each event of a snapshot stream replaces the one before: a client that reads slower than
  // events come gets the newest, and the queue never holds more than the one being written and
  // one waiting.
  const size_t waiting = stream_queue_.size() - (stream_writing_ ? 1 : 0);
  if (waiting > 0) stream_queue_.back() = std::move(text);
  else stream_queue_.push_back(std::move(text));
  if (!stream_writing_) WriteNextEvent();
}

void Connection::WriteNextEvent() {
  if (stream_closed_->load()) return;
  if (stream_queue_.empty()) {
    if (!stream_ending_) return;
    EndStreamNow();
    return;
  }
  stream_writing_ = true;
  // A client that stops reading is dropped after the idle timeout instead of holding events.
  stream_.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
  auto on_written = [self = shared_from_this()](beast::error_code ec, size_t) {
    self->stream_writing_ = false;
    if (!self->stream_queue_.empty()) self->stream_queue_.pop_front();
    if (ec) return self->StopStream();
    self->WriteNextEvent();
  };
  if (stream_chunked_) {
    net::async_write(stream_, bhttp::make_chunk(net::buffer(stream_queue_.front())), std::move(on_written));
  } else {
    net::async_write(stream_, net::buffer(stream_queue_.front()), std::move(on_written));
  }
}

void Connection::EndStreamNow() {
  stream_closed_->store(true);
  auto linger = [self = shared_from_this()](beast::error_code, size_t) {
    self->Close();
    // The client closes its end on the last chunk; if it never does, the deadline cancels the
    // watching read and the connection goes.
    self->ArmDeadline(kLingerSeconds);
  };
  stream_writing_ = true;
  stream_.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
  if (stream_chunked_) {
    net::async_write(stream_, bhttp::make_chunk_last(), std::move(linger));
  } else {
    linger({}, 0);
  }
}

void Connection::EndStream() {
  stream_ending_ = true;
  if (!stream_writing_) WriteNextEvent();
}

void Connection::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void Connection::Linger() {
  Close();
  parser_.reset();
  buffer_.clear();
  buffer_.shrink_to_fit();
  if (!drain_) drain_ = std::make_unique<char[]>(kDrainChunkBytes);
  stream_.expires_after(std::chrono::seconds(kLingerSeconds));  // tcp_stream closes the socket then
  stream_.async_read_some(net::buffer(drain_.get(), kDrainChunkBytes),
                          [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnLinger(ec, n); });
}

void Connection::OnLinger(beast::error_code ec, size_t bytes) {
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > kMaxLingerBytes) return;  // the last reference goes; the socket closes
  stream_.async_read_some(net::buffer(drain_.get(), kDrainChunkBytes),
                          [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnLinger(ec, n); });
}

void Connection::ArmDeadline(int seconds) {
  timed_out_ = false;
  uint64_t generation = ++deadline_generation_;
  deadline_.expires_after(std::chrono::seconds(seconds));
  deadline_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    if (ec || generation != self->deadline_generation_) return;  // disarmed, or a later deadline
    self->timed_out_ = true;
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);
  });
}

void Connection::DisarmDeadline() {
  ++deadline_generation_;
  deadline_.cancel();
}

}  // namespace tradeagg::http
