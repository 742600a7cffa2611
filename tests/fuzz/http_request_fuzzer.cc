// libFuzzer target: bytes off the wire through the server's request reading, as a Connection
// runs it: Beast's parser with the server's limits, then the head rules (CheckHead,
// DecodeTarget) and routing with a gatekeeper, then the body to its end.
//
// Beyond the sanitizers' checks it asserts what the edge promises of any input: every parser
// error maps to a 4xx answer, and a refusal is always a 4xx or 5xx, never a 2xx.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "tradeagg/http/request_head.h"
#include "tradeagg/http/router.h"

namespace {

namespace bhttp = boost::beast::http;
using tradeagg::http::Request;
using tradeagg::http::Response;

constexpr size_t kMaxHeaderBytes = 4096;
constexpr size_t kMaxBodyBytes = 64 * 1024;

class TokenGatekeeper : public tradeagg::http::Gatekeeper {
 public:
  std::optional<Response> Refuse(const Request& head) const override {
    if (head.header(bhttp::field::authorization) == "Bearer fuzz") return std::nullopt;
    return tradeagg::http::ProblemResponse(401, "unauthenticated", "Unauthenticated", "no token");
  }
};

const tradeagg::http::Router& TheRouter() {
  static const auto* router = [] {
    static TokenGatekeeper gatekeeper;
    auto* r = new tradeagg::http::Router(&gatekeeper);
    auto ignore = [](Request&, tradeagg::http::Responder) {};
    r->Add(bhttp::verb::get, "/healthz", ignore, tradeagg::http::Access::kPublic);
    r->Add(bhttp::verb::post, "/v1/trades", ignore);
    r->Add(bhttp::verb::get, "/v1/trades/{participant}/{trade_id}", ignore);
    return r;
  }();
  return *router;
}

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckRefusal(const Response& response) { Check(response.status >= 400 && response.status < 600); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(kMaxBodyBytes);
  const tradeagg::http::FramingLimits limits{kMaxHeaderBytes, kMaxBodyBytes};
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // Feed the bytes as a socket would: the head, then the body in the pieces that arrive.
  boost::system::error_code ec;
  size_t used = 0;
  bool head_checked = false;
  while (used < input.size() && !parser.is_done()) {
    size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
    if (ec == bhttp::error::need_more) break;
    if (ec) {
      Response response = tradeagg::http::FramingErrorResponse(ec, limits);
      Check(response.status == 400 || response.status == 413 || response.status == 431);
      return 0;
    }
    used += n;
    if (parser.is_header_done() && !head_checked) {
      head_checked = true;
      if (auto refusal = tradeagg::http::CheckHead(parser.get())) return CheckRefusal(*refusal), 0;
      Request request;
      request.message.base() = parser.get().base();
      if (auto refusal = tradeagg::http::DecodeTarget(parser.get().target(), request)) {
        return CheckRefusal(*refusal), 0;
      }
      auto admission = TheRouter().Admit(request);
      if (admission.handler == nullptr) return CheckRefusal(admission.refusal), 0;
    }
    if (n == 0) break;
  }
  if (parser.is_done()) Check(parser.get().body().size() <= kMaxBodyBytes);
  return 0;
}
