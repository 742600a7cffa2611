// Router: maps (method, path) to a handler; path patterns have literal segments and
// `{name}` segments that bind path parameters ("/v1/trades/{participant}/{trade_id}").
//
// A handler answers exactly once through its Responder, from any thread, possibly after the
// handler returned. Unknown paths are 404; known paths with another method are 405.
//
// Routing happens in two steps so the server can refuse a request from its head alone,
// before it buffers a byte of the body: Admit finds the route and asks the Gatekeeper whether
// the caller may use it; only an admitted request's body is read and handed to the handler.
// Thread safety: Add before serving; Admit and Dispatch concurrently afterwards.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "tradeagg/http/request.h"
#include "tradeagg/http/response.h"

namespace tradeagg::http {

// Answers a request exactly once, from any thread. Build() runs the response builder on the
// connection's own executor, so a caller on a busy thread (the ingest writer) hands off the
// work of serialising a large response instead of doing it itself.
class Responder {
 public:
  using Builder = std::function<Response()>;
  using Sink = std::function<void(Builder)>;

  explicit Responder(Sink sink) : sink_(std::move(sink)) {}
  void operator()(Response response) const {
    sink_([response = std::move(response)]() mutable { return std::move(response); });
  }
  void Build(Builder builder) const { sink_(std::move(builder)); }

 private:
  Sink sink_;
};

using Handler = std::function<void(Request&, Responder)>;

// Who may reach a route: anyone (health, login, signup), or only callers the Gatekeeper lets in.
enum class Access { kAuthenticated, kPublic };

// Decides from a request's head whether its caller may reach an authenticated route: the
// refusal to answer with (401), or nullopt. Handlers still authorise what the caller may do.
class Gatekeeper {
 public:
  virtual ~Gatekeeper() = default;
  virtual std::optional<Response> Refuse(const Request& head) const = 0;
};

class Router {
 public:
  // Without a gatekeeper every route is reachable and handlers alone authenticate (tests).
  explicit Router(const Gatekeeper* gatekeeper = nullptr) : gatekeeper_(gatekeeper) {}

  void Add(boost::beast::http::verb method, std::string_view pattern, Handler handler,
           Access access = Access::kAuthenticated);
  // An authenticated route whose own gatekeeper words its refusals (the proof of concept's
  // routes answer in FastAPI's shape).
  void Add(boost::beast::http::verb method, std::string_view pattern, Handler handler, const Gatekeeper& gatekeeper);

  // The handler for a request whose head is read, with request.params filled; or, when there
  // is none, the answer: 404, 405, or the gatekeeper's refusal.
  struct Admission {
    const Handler* handler = nullptr;
    Response refusal;
  };
  Admission Admit(Request& request) const;

  // Admit, then the handler or the refusal.
  void Dispatch(Request& request, Responder respond) const;

  // Every route, as (method, pattern) in the order added: what the API documents.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" binds a parameter
    Handler handler;
    Access access;
    const Gatekeeper* gatekeeper;  // overrides the router's; null for the router's
  };
  static bool Match(const Route& route, const std::vector<std::string_view>& path, Request& request);
  // The 405 for a path that has routes, none with the request's method.
  Response MethodNotAllowed(Request& request, const std::vector<std::string_view>& path) const;
  const Gatekeeper* gatekeeper_;
  std::vector<Route> routes_;
};

}  // namespace tradeagg::http
