#include "tradeagg/api/query_params.h"

#include <charconv>
#include <string>

namespace tradeagg::api {

std::optional<Date> QueryParams::DateParam(std::string_view name) {
  auto text = request_.query_param(name);
  if (!text) return std::nullopt;
  auto parsed = Date::Parse(*text);
  if (!parsed.ok()) {
    Error(name, parsed.status().message());
    return std::nullopt;
  }
  return *parsed;
}

std::optional<int64_t> QueryParams::PositiveInt(std::string_view name, int64_t max) {
  auto text = request_.query_param(name);
  if (!text) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 1 || value > max) {
    Error(name, "must be an integer from 1 to " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string_view> QueryParams::OneOf(std::string_view name,
                                                   const std::vector<std::string_view>& allowed) {
  auto text = request_.query_param(name);
  if (!text) return std::nullopt;
  for (std::string_view option : allowed) {
    if (*text == option) return option;
  }
  std::string list;
  for (std::string_view option : allowed) list += (list.empty() ? "" : ", ") + std::string(option);
  Error(name, "must be one of " + list);
  return std::nullopt;
}

}  // namespace tradeagg::api
