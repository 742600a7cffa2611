#include "tradeagg/loadgen/client_connection.h"

#include <array>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

namespace tradeagg::loadgen {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

// After a failed connect: long enough not to spin against a server that is down, short enough
// to resume quickly when it comes back.
constexpr auto kReconnectPause = std::chrono::milliseconds(100);
// A 10,000-trade batch answers with about 1.5 MB.
constexpr uint64_t kResponseBodyLimit = 64ull << 20;

uint64_t Nanos(Clock::duration d) {
  return static_cast<uint64_t>(std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()));
}

}  // namespace

ClientConnection::ClientConnection(asio::io_context& io, const ConnectionPlan& plan, RunStats& stats,
                                   TradeGenerator generator, Clock::time_point first_send)
    : plan_(plan),
      stats_(stats),
      generator_(std::move(generator)),
      socket_(io),
      timer_(io),
      next_intended_(first_send) {}

void ClientConnection::Start() { Connect(); }

void ClientConnection::Connect() {
  const Clock::time_point now = Clock::now();
  if (now >= plan_.end) return;
  connecting_ = true;
  timed_out_ = false;
  sent_at_ = now;
  socket_.async_connect(plan_.endpoint, [this](const error_code& ec) { OnConnect(ec); });
}

void ClientConnection::OnConnect(const error_code& ec) {
  connecting_ = false;
  if (ec) {
    stats_.RecordFailure(Clock::now(), FailureKind::kConnect);
    Close();
    timer_.expires_after(kReconnectPause);
    timer_.async_wait([this](const error_code& wait_ec) {
      if (!wait_ec) Connect();
    });
    return;
  }
  error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // requests are whole; never wait
  SendNext();
}

// A request counts as in flight from the moment it is committed to (sent now, or its timer armed)
// so that the run's end waits for requests scheduled just before it.
void ClientConnection::SendNext() {
  const Clock::time_point now = Clock::now();
  if (!plan_.open_loop) {
    if (now >= plan_.end) return;
    plan_.in_flight->fetch_add(1, std::memory_order_relaxed);
    Send(now);
    return;
  }
  if (next_intended_ >= plan_.end) return;
  const Clock::time_point intended = next_intended_;
  next_intended_ += plan_.interval;
  plan_.in_flight->fetch_add(1, std::memory_order_relaxed);
  if (intended <= now) {
    Send(intended);  // on time, or late because the previous response was: catch up at once
    return;
  }
  timer_.expires_at(intended);
  timer_.async_wait([this, intended](const error_code& ec) {
    if (ec) {
      plan_.in_flight->fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    Send(intended);
  });
}

void ClientConnection::Send(Clock::time_point intended) {
  body_.clear();
  generator_.AppendBody(plan_.batch, body_);
  head_.assign(plan_.request_head);
  head_.append(std::to_string(body_.size())).append("\r\n\r\n");

  intended_ = intended;
  sent_at_ = Clock::now();
  busy_ = true;
  timed_out_ = false;
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
  asio::async_write(socket_, buffers, [this](const error_code& ec, size_t) { OnWrite(ec); });
}

void ClientConnection::OnWrite(const error_code& ec) {
  if (ec) {
    Fail(timed_out_ ? FailureKind::kTimeout : FailureKind::kIo);
    return;
  }
  parser_.emplace();
  parser_->body_limit(kResponseBodyLimit);
  http::async_read(socket_, read_buffer_, *parser_, [this](const error_code& read_ec, size_t) { OnRead(read_ec); });
}

void ClientConnection::OnRead(const error_code& ec) {
  if (ec) {
    Fail(timed_out_ ? FailureKind::kTimeout : FailureKind::kIo);
    return;
  }
  const Clock::time_point now = Clock::now();
  const auto& response = parser_->get();
  stats_.RecordResponse(now, Nanos(now - intended_), response.result_int(), plan_.batch);
  const bool keep_alive = response.keep_alive();
  Finish();
  if (keep_alive) {
    SendNext();
  } else {  // the server closes after this response: not an error, open a new connection
    Close();
    Connect();
  }
}

void ClientConnection::CheckTimeout(Clock::time_point now) {
  if ((busy_ || connecting_) && !timed_out_ && now - sent_at_ >= plan_.timeout) {
    timed_out_ = true;
    error_code ignored;
    socket_.close(ignored);  // the pending write or read completes with an error
  }
}

void ClientConnection::Finish() {
  busy_ = false;
  parser_.reset();
  plan_.in_flight->fetch_sub(1, std::memory_order_relaxed);
}

void ClientConnection::Fail(FailureKind kind) {
  stats_.RecordFailure(Clock::now(), kind);
  Finish();
  Close();
  Connect();
}

void ClientConnection::Close() {
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  read_buffer_.clear();
}

}  // namespace tradeagg::loadgen
