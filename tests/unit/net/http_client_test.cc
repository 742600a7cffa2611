// HttpClient's one promise that callers build on: when SendOnce reports kNotSent, the server
// cannot have seen the request (a commit classified so has its files deleted). The peer here is
// a scripted HTTP/1.1 server on raw sockets, because the case that matters, a server dying
// between reading a request and answering it, cannot be staged with a real one on cue.
#include "tradeagg/net/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "testing/child_server.h"

namespace tradeagg::net {
namespace {

// Answers every GET with 200 and keeps its connection open; on the first POST it reads the
// whole request, then closes its listener and every connection without answering: a server
// that applied a change and died before saying so. It serves any number of connections, so
// the client is free to reuse one or open another.
class DyingOnPostServer {
 public:
  DyingOnPostServer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(listener_, 8);
    socklen_t length = sizeof(address);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~DyingOnPostServer() {
    stop_ = true;
    thread_.join();
    Close();
  }

  std::string url(std::string_view path) const { return "http://127.0.0.1:" + std::to_string(port_) + std::string(path); }
  int posts_received() const { return posts_received_; }
  int connections_accepted() const { return connections_accepted_; }

 private:
  struct Peer {
    int fd;
    std::string buffer;
  };

  void Serve() {
    std::vector<Peer> peers;
    while (!stop_ && listener_ >= 0) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (const Peer& peer : peers) fds.push_back({peer.fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        peers.push_back({accept(listener_, nullptr, nullptr), ""});
        ++connections_accepted_;
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        char chunk[4096];
        const ssize_t n = read(fds[i].fd, chunk, sizeof(chunk));
        if (n > 0) peers[i - 1].buffer.append(chunk, static_cast<size_t>(n));
      }
      for (Peer& peer : peers) {
        if (!Answer(peer)) {
          for (Peer& other : peers) close(other.fd);
          Close();
          return;
        }
      }
    }
    for (Peer& peer : peers) close(peer.fd);
  }

  // Answers the complete requests in the peer's buffer; false once a POST came whole.
  bool Answer(Peer& peer) {
    const size_t end = peer.buffer.find("\r\n\r\n");
    if (end == std::string::npos) return true;
    if (peer.buffer.starts_with("POST")) {
      const size_t at = peer.buffer.find("Content-Length: ");
      const size_t length = at == std::string::npos ? 0 : std::stoul(peer.buffer.substr(at + 16));
      if (peer.buffer.size() < end + 4 + length) return true;
      ++posts_received_;
      return false;
    }
    peer.buffer.erase(0, end + 4);
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    return write(peer.fd, answer.data(), answer.size()) == static_cast<ssize_t>(answer.size());
  }

  void Close() {
    if (listener_ >= 0) close(listener_);
    listener_ = -1;
  }

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> posts_received_{0};
  std::atomic<int> connections_accepted_{0};
  std::thread thread_;
};

HttpRequest Get(const std::string& url) { return HttpRequest{"GET", url, {}, {}}; }
HttpRequest Post(const std::string& url, std::string_view body) { return HttpRequest{"POST", url, {}, body}; }

TEST(HttpClient, SendOnceToNobodyWasNeverSent) {
  Result<uint16_t> port = testing::ChildServer::FreePort();
  ASSERT_TRUE(port.ok());
  HttpClient client;
  auto outcome = client.SendOnce(Get("http://127.0.0.1:" + std::to_string(*port) + "/"));
  ASSERT_TRUE(std::holds_alternative<HttpFailure>(outcome));
  EXPECT_EQ(std::get<HttpFailure>(outcome).failure, TransportFailure::kNotSent);
  EXPECT_EQ(std::get<HttpFailure>(outcome).status.code(), StatusCode::kUnavailable);
}

// libcurl re-sends a request whose reused connection died without an answer on a new
// connection, and reports only that one's failure: "couldn't connect" for a request the server
// had read. SendOnce must not let that read as never sent.
TEST(HttpClient, SendOnceThatTheServerReadBeforeDyingMayHaveBeenSent) {
  DyingOnPostServer server;
  HttpClient client;
  auto warm = client.SendOnce(Get(server.url("/v1/config")));  // leaves a connection to reuse
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(warm));
  ASSERT_EQ(std::get<HttpResponse>(warm).status, 200);

  auto outcome = client.SendOnce(Post(server.url("/v1/tables/t"), R"({"updates":[]})"));
  ASSERT_TRUE(std::holds_alternative<HttpFailure>(outcome));
  EXPECT_EQ(server.posts_received(), 1);
  EXPECT_EQ(std::get<HttpFailure>(outcome).failure, TransportFailure::kMaybeSent)
      << std::get<HttpFailure>(outcome).status.ToString();
}

// Requests that may be repeated keep to one connection (S3 sends thousands of them).
TEST(HttpClient, SendReusesItsConnection) {
  DyingOnPostServer server;
  HttpClient client;
  for (const char* path : {"/a", "/b", "/c"}) {
    Result<HttpResponse> answer = client.Send([&](int) { return Get(server.url(path)); });
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ(answer->body, "ok");
  }
  EXPECT_EQ(server.connections_accepted(), 1);
}

}  // namespace
}  // namespace tradeagg::net
