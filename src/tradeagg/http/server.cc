#include "tradeagg/http/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include "tradeagg/http/connection.h"

namespace tradeagg::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

class Server::Listener : public std::enable_shared_from_this<Server::Listener> {
 public:
  Listener(net::io_context& io, const ConnectionContext& context)
      : io_(io), acceptor_(net::make_strand(io)), retry_(acceptor_.get_executor()), context_(context) {}

  Result<uint16_t> Bind() {
    beast::error_code ec;
    const ServerConfig& config = context_.config;
    auto address = net::ip::make_address(config.host, ec);
    if (ec) return Status::InvalidArgument("listen address '" + config.host + "' is not an IP address");
    tcp::endpoint endpoint{address, config.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + config.host + ":" + std::to_string(config.port) + ": " +
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
      self->retry_.cancel();
    });
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors (or another transient failure): pause instead of spinning, so the
      // connections already open can finish and give theirs back.
      spdlog::warn("accept failed: {}; pausing accepts for 100 ms", ec.message());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec && self->acceptor_.is_open()) self->Accept();
      });
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(std::move(socket), context_, context_.budget.TryOpenConnection());
    context_.tracker.Add(connection);
    connection->Start();
    if (acceptor_.is_open()) Accept();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  const ConnectionContext context_;
};

// A draining server accepts nothing and a handler may still be answering on another thread:
// without this, io_context::run would return for lack of work and the answer would never go.
struct Server::Work {
  explicit Work(net::io_context& io) : guard(net::make_work_guard(io)) {}
  net::executor_work_guard<net::io_context::executor_type> guard;
};

Server::Server(ServerConfig config, const Router& router, ExchangeObserver* observer)
    : config_(std::move(config)),
      router_(router),
      observer_(observer),
      budget_(config_.max_connections, config_.max_buffered_body_bytes),
      io_(std::make_unique<net::io_context>()) {}

Server::~Server() {
  Stop();
  listener_.reset();
  io_.reset();  // destroys queued handlers, and with them the connections, while budget_ lives
}

Result<uint16_t> Server::Start() {
  listener_ = std::make_shared<Listener>(*io_, ConnectionContext{router_, config_, budget_, tracker_, observer_});
  ASSIGN_OR_RETURN(uint16_t port, listener_->Bind());
  listener_->Accept();
  work_ = std::make_unique<Work>(*io_);
  size_t threads = config_.io_threads == 0 ? 1 : config_.io_threads;
  for (size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "http-io");
      io_->run();
    });
  }
  return port;
}

int64_t Server::Drain(std::chrono::milliseconds grace) {
  if (threads_.empty()) return 0;
  tracker_.BeginDrain();
  listener_->Close();
  for (const auto& connection : tracker_.Live()) connection->CloseIfIdle();
  return tracker_.WaitIdle(std::chrono::steady_clock::now() + grace);
}

void Server::Stop() {
  if (threads_.empty()) return;
  listener_->Close();
  work_.reset();
  io_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace tradeagg::http
