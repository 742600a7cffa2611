#include "tradeagg/http/connection.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
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

bhttp::response<bhttp::string_body> ToBeast(Response&& response, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), version};
  out.set(bhttp::field::server, "tradeagg");
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(response.body);
  out.prepare_payload();
  return out;
}

Response Busy(std::string_view detail) {
  Response response = ProblemResponse(503, "busy", "Server busy", detail);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace

Connection::Connection(tcp::socket&& socket, const Router& router, const ServerConfig& config, ResourceBudget& budget,
                       ResourceBudget::Lease lease)
    : stream_(std::move(socket)),
      router_(router),
      config_(config),
      budget_(budget),
      connection_lease_(std::move(lease)),
      deadline_(stream_.get_executor()) {
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

void Connection::ReadHead() {
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
  body_pending_ = true;
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
  if (auto refusal = DecodeTarget(head.target(), *request_)) return Refuse(std::move(*refusal));
  Router::Admission admission = router_.Admit(*request_);
  if (admission.handler == nullptr) return Refuse(std::move(admission.refusal));
  handler_ = admission.handler;
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
  keep_alive_ = keep_alive;
  response_ = ToBeast(std::move(response), version_, keep_alive);
  stream_.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
  bhttp::async_write(stream_, response_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
}

void Connection::OnWrite(beast::error_code ec) {
  request_.reset();
  body_lease_.Release();
  if (ec) return Close();
  if (keep_alive_) return ReadHead();
  if (body_pending_) return Linger();
  Close();
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
