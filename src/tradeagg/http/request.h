// Request: one parsed HTTP request as handlers see it.
//
// Owns the Beast message, the decoded path, the query parameters and the route's path
// parameters. It lives in its connection until the response is written, so a handler may keep
// a reference to it while it completes asynchronously.
// Thread safety: owned by one connection; a handler may read it from another thread while the
// connection waits for the response.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace tradeagg::http {

struct Request {
  boost::beast::http::request<boost::beast::http::string_body> message;
  std::string path;                                       // percent-decoded
  std::map<std::string, std::string, std::less<>> query;  // decoded; each name at most once
  std::map<std::string, std::string, std::less<>> params;  // from the route pattern
  std::string remote_address;                              // the client's IP address
  std::string id;  // the request id: the client's X-Request-Id when it is sane, else generated
  std::string_view route = "unmatched";  // the matched route's pattern (the router owns it)

  std::string_view header(boost::beast::http::field name) const;
  std::string_view body() const { return message.body(); }
  std::optional<std::string_view> query_param(std::string_view name) const;
  const std::string& param(std::string_view name) const;  // route parameter; must exist
};

}  // namespace tradeagg::http
