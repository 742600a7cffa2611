#include "tradeagg/http/request.h"

#include <algorithm>
#include <cctype>

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

std::string Request::media_type() const {
  std::string_view value = header(boost::beast::http::field::content_type);
  value = value.substr(0, value.find(';'));
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::string out(value);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace tradeagg::http
