#include "tradeagg/http/request.h"

namespace tradeagg::http {

std::string_view Request::header(boost::beast::http::field name) const {
  auto it = message.find(name);
  if (it == message.end()) return {};
  return it->value();
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

const std::string& Request::param(std::string_view name) const { return params.find(name)->second; }

}  // namespace tradeagg::http
