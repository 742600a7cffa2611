// Router: maps (method, path) to a handler; path patterns have literal segments and
// `{name}` segments that bind path parameters ("/v1/trades/{participant}/{trade_id}").
//
// A handler answers exactly once through its Responder, from any thread, possibly after the
// handler returned. Unknown paths are 404; known paths with another method are 405.
// Thread safety: Add before serving; Dispatch concurrently afterwards.
#pragma once

#include <functional>
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

class Router {
 public:
  void Add(boost::beast::http::verb method, std::string_view pattern, Handler handler);
  // Fills request.params and calls the handler, or answers 404/405.
  void Dispatch(Request& request, Responder respond) const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::vector<std::string> segments;  // "{name}" binds a parameter
    Handler handler;
  };
  static bool Match(const Route& route, const std::vector<std::string_view>& path, Request& request);
  std::vector<Route> routes_;
};

}  // namespace tradeagg::http
