#include "tradeagg/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace tradeagg::http {
namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

class RecordingObserver : public ExchangeObserver {
 public:
  void OnExchange(const Exchange& exchange) override {
    std::lock_guard lock(mutex_);
    seen_.push_back({std::string(exchange.route), exchange.status, std::string(exchange.request_id)});
  }
  struct Seen {
    std::string route;
    unsigned status;
    std::string request_id;
  };
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::vector<Seen> seen_;
};

// A client connection to the server under test, speaking plain HTTP/1.1.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(io_) { socket_.connect({net::ip::make_address("127.0.0.1"), port}); }
  bhttp::response<bhttp::string_body> Get(std::string target, std::string_view request_id = {}) {
    bhttp::request<bhttp::string_body> request{bhttp::verb::get, target, 11};
    request.set(bhttp::field::host, "localhost");
    if (!request_id.empty()) request.set("X-Request-Id", request_id);
    bhttp::write(socket_, request);
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket_, buffer_, response);
    return response;
  }
  tcp::socket& socket() { return socket_; }

 private:
  net::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer() {
    ServerConfig config;
    config.host = "127.0.0.1";
    config.port = 0;
    server_ = std::make_unique<Server>(config, router_, &observer_);
    port_ = *server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  // GET /events answers a stream, whose sink `opened` receives.
  void AddEventsRoute(std::promise<std::shared_ptr<EventSink>>& opened) {
    router_.Add(bhttp::verb::get, "/events", [&opened](Request&, Responder respond) {
      Response response;
      response.content_type = "text/event-stream";
      response.on_stream = [&opened](std::shared_ptr<EventSink> sink) { opened.set_value(std::move(sink)); };
      respond(std::move(response));
    });
  }

  Router router_;
  RecordingObserver observer_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, EchoesASaneRequestIdAndMakesOneOtherwise) {
  router_.Add(bhttp::verb::get, "/ok", [](Request&, Responder respond) { respond(JsonResponse(200, "{}")); });
  StartServer();
  Client client(port_);
  EXPECT_EQ(client.Get("/ok", "trace-42.a_b")["X-Request-Id"], "trace-42.a_b");
  std::string made = std::string(client.Get("/ok", "no spaces or \"quotes\"")["X-Request-Id"]);
  EXPECT_EQ(made.size(), 16u);
  EXPECT_NE(std::string(client.Get("/ok")["X-Request-Id"]), made);
}

TEST_F(ServerTest, TellsTheObserverTheRoutePatternStatusAndId) {
  router_.Add(bhttp::verb::get, "/v1/items/{id}", [](Request&, Responder respond) { respond(JsonResponse(200, "{}")); });
  StartServer();
  Client client(port_);
  client.Get("/v1/items/7", "one");
  client.Get("/nowhere", "two");
  // The observer hears of an answer once it is written, which may be after the client read it.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (observer_.seen().size() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  auto seen = observer_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].route, "/v1/items/{id}");
  EXPECT_EQ(seen[0].status, 200u);
  EXPECT_EQ(seen[0].request_id, "one");
  EXPECT_EQ(seen[1].route, "unmatched");
  EXPECT_EQ(seen[1].status, 404u);
}

TEST_F(ServerTest, StreamsEventsInOrderUntilTheProducerCloses) {
  std::promise<std::shared_ptr<EventSink>> opened;
  AddEventsRoute(opened);
  StartServer();
  Client client(port_);
  auto reader = std::async(std::launch::async, [&] { return client.Get("/events"); });
  std::shared_ptr<EventSink> sink = opened.get_future().get();
  EXPECT_TRUE(sink->Send("data: 1\n\n"));
  EXPECT_TRUE(sink->Send("data: 2\n\n"));
  sink->Close();
  auto response = reader.get();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[bhttp::field::content_type], "text/event-stream");
  EXPECT_EQ(response.body(), "data: 1\n\ndata: 2\n\n");
}

TEST_F(ServerTest, AnHttp10StreamIsTheRawEventsEndedByTheClose) {
  std::promise<std::shared_ptr<EventSink>> opened;
  AddEventsRoute(opened);
  StartServer();
  Client client(port_);
  net::write(client.socket(), net::buffer(std::string_view("GET /events HTTP/1.0\r\n\r\n")));
  std::shared_ptr<EventSink> sink = opened.get_future().get();
  sink->Send("data: 1\n\n");
  sink->Close();
  std::string received;
  boost::system::error_code ec;
  char chunk[512];
  while (!ec) received.append(chunk, client.socket().read_some(net::buffer(chunk), ec));
  EXPECT_EQ(received.find("chunked"), std::string::npos) << received;
  EXPECT_TRUE(received.ends_with("\r\n\r\ndata: 1\n\n")) << received;
}

TEST_F(ServerTest, AStreamReportsClosedOnceItsClientLeaves) {
  std::promise<std::shared_ptr<EventSink>> opened;
  AddEventsRoute(opened);
  StartServer();
  auto client = std::make_unique<Client>(port_);
  bhttp::request<bhttp::string_body> request{bhttp::verb::get, "/events", 11};
  bhttp::write(client->socket(), request);
  std::shared_ptr<EventSink> sink = opened.get_future().get();
  client.reset();  // the client goes away
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!sink->closed() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(sink->closed());
  EXPECT_FALSE(sink->Send("data: late\n\n"));
}

TEST_F(ServerTest, DrainAnswersTheRequestInFlightThenStopsAccepting) {
  std::promise<Responder> arrived;
  router_.Add(bhttp::verb::get, "/slow", [&](Request&, Responder respond) { arrived.set_value(std::move(respond)); });
  StartServer();
  Client client(port_);
  auto answer = std::async(std::launch::async, [&] { return client.Get("/slow"); });
  Responder respond = arrived.get_future().get();
  std::thread late([&] {
    std::this_thread::sleep_for(200ms);
    respond(JsonResponse(200, R"({"late":true})"));
  });
  EXPECT_EQ(server_->Drain(5s), 0);  // returns once the request in flight is answered
  late.join();
  auto response = answer.get();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_FALSE(response.keep_alive());  // the connection closes after its last answer
  EXPECT_THROW(Client{port_}, boost::system::system_error);  // nobody listens any more
}

TEST_F(ServerTest, DrainClosesConnectionsWaitingForARequest) {
  router_.Add(bhttp::verb::get, "/ok", [](Request&, Responder respond) { respond(JsonResponse(200, "{}")); });
  StartServer();
  Client idle(port_);
  idle.Get("/ok");  // keep-alive: the connection now waits for its next request
  EXPECT_EQ(server_->Drain(5s), 0);
  char byte;
  boost::system::error_code ec;
  idle.socket().read_some(net::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, net::error::eof);
}

}  // namespace
}  // namespace tradeagg::http
