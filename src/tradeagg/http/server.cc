#include "tradeagg/http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <pthread.h>
#include <spdlog/spdlog.h>

namespace tradeagg::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

// Decodes the request target into path and query; false when it is not an origin-form URL.
bool DecodeTarget(std::string_view target, Request& request) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  boost::urls::url_view url = *parsed;
  request.path = url.path();
  if (request.path.empty()) request.path = "/";
  for (auto param : url.params()) request.query[param.key] = param.value;
  return true;
}

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

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const Router& router, const ServerConfig& config)
      : stream_(std::move(socket)), router_(router), config_(config) {}

  void Run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(config_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(config_.max_header_bytes));
    stream_.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof) return Close();
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
      return Send(ProblemResponse(413, "too-large", "Request too large",
                                  "the request exceeds " + std::to_string(config_.max_body_bytes) + " bytes"),
                  /*keep_alive=*/false);
    }
    if (ec) return Close();
    stream_.expires_never();  // the handler may take a group commit; no read timeout meanwhile
    request_ = std::make_unique<Request>();
    request_->message = parser_->release();
    request_->remote_address = stream_.socket().remote_endpoint(ec).address().to_string();
    version_ = request_->message.version();
    keep_alive_ = request_->message.keep_alive();
    if (!DecodeTarget(request_->message.target(), *request_)) {
      return Send(ProblemResponse(400, "malformed", "Malformed request", "the request target is not a valid URL"),
                  keep_alive_);
    }
    auto self = shared_from_this();
    router_.Dispatch(*request_, Responder([self](Responder::Builder build) {
      net::post(self->stream_.get_executor(),
                [self, build = std::move(build)]() mutable { self->Send(build(), self->keep_alive_); });
    }));
  }

  void Send(Response&& response, bool keep_alive) {
    keep_alive_ = keep_alive;
    response_ = ToBeast(std::move(response), version_, keep_alive);
    stream_.expires_after(std::chrono::seconds(config_.idle_timeout_seconds));
    bhttp::async_write(stream_, response_, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t) {
    request_.reset();
    if (ec || !keep_alive_) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  const Router& router_;
  const ServerConfig& config_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::unique_ptr<Request> request_;
  bhttp::response<bhttp::string_body> response_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
};

}  // namespace

class Server::Listener : public std::enable_shared_from_this<Server::Listener> {
 public:
  Listener(net::io_context& io, const Router& router, const ServerConfig& config)
      : io_(io), acceptor_(net::make_strand(io)), router_(router), config_(config) {}

  Result<uint16_t> Bind() {
    beast::error_code ec;
    auto address = net::ip::make_address(config_.host, ec);
    if (ec) return Status::InvalidArgument("listen address '" + config_.host + "' is not an IP address");
    tcp::endpoint endpoint{address, config_.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + config_.host + ":" + std::to_string(config_.port) + ": " +
                                 ec.message());
    }
    return acceptor_.local_endpoint().port();
  }

  void Accept() {
    acceptor_.async_accept(net::make_strand(io_), beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void Close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->acceptor_.close(ignored);
    });
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), router_, config_)->Run();
    } else {
      spdlog::warn("accept failed: {}", ec.message());
    }
    if (acceptor_.is_open()) Accept();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  const Router& router_;
  const ServerConfig& config_;
};

Server::Server(ServerConfig config, const Router& router)
    : config_(std::move(config)), router_(router), io_(std::make_unique<net::io_context>()) {}

Server::~Server() { Stop(); }

Result<uint16_t> Server::Start() {
  listener_ = std::make_shared<Listener>(*io_, router_, config_);
  ASSIGN_OR_RETURN(uint16_t port, listener_->Bind());
  listener_->Accept();
  size_t threads = config_.io_threads == 0 ? 1 : config_.io_threads;
  for (size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "http-io");
      io_->run();
    });
  }
  return port;
}

void Server::Stop() {
  if (threads_.empty()) return;
  listener_->Close();
  io_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace tradeagg::http
