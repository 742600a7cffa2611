#include "tradeagg/api/query_params.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "tradeagg/domain/isin.h"
#include "tradeagg/domain/trade_validator.h"

namespace tradeagg::api {

QueryParams::QueryParams(const http::Request& request, std::initializer_list<std::string_view> known)
    : request_(request), known_(known) {
  for (const auto& [name, value] : request.query) {
    if (!IsKnown(name)) unknown_.push_back(name);
  }
}

bool QueryParams::IsKnown(std::string_view name) const {
  return std::find(known_.begin(), known_.end(), name) != known_.end();
}

std::optional<std::string_view> QueryParams::Text(std::string_view name) const {
  assert(IsKnown(name) && "read a parameter the route does not list");
  return request_.query_param(name);
}

std::optional<Date> QueryParams::DateParam(std::string_view name) {
  auto text = Text(name);
  if (!text) return std::nullopt;
  auto parsed = Date::Parse(*text);
  if (!parsed.ok()) {
    Error(name, parsed.status().message());
    return std::nullopt;
  }
  return *parsed;
}

std::optional<int64_t> QueryParams::PositiveInt(std::string_view name, int64_t max) {
  auto text = Text(name);
  if (!text) return std::nullopt;
  bool valid = !text->empty() && (*text)[0] != '0';
  int64_t value = 0;
  for (size_t i = 0; valid && i < text->size(); ++i) {
    const int digit = (*text)[i] - '0';
    valid = digit >= 0 && digit <= 9 && value <= (max - digit) / 10;  // value * 10 + digit <= max
    if (valid) value = value * 10 + digit;
  }
  if (!valid) {
    Error(name, "must be an integer from 1 to " + std::to_string(max) + " (digits, no leading zero)");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string_view> QueryParams::OneOf(std::string_view name,
                                                   const std::vector<std::string_view>& allowed) {
  auto text = Text(name);
  if (!text) return std::nullopt;
  for (std::string_view option : allowed) {
    if (*text == option) return option;
  }
  std::string list;
  for (std::string_view option : allowed) list += (list.empty() ? "" : ", ") + std::string(option);
  Error(name, "must be one of " + list);
  return std::nullopt;
}

std::optional<std::string_view> QueryParams::MemberId(std::string_view name) {
  auto text = Text(name);
  if (!text) return std::nullopt;
  if (!domain::TradeValidator::IsValidMemberId(*text)) {
    Error(name, "must be 1-32 characters of A-Z a-z 0-9 _ -");
    return std::nullopt;
  }
  return text;
}

std::optional<std::string_view> QueryParams::Isin(std::string_view name) {
  auto text = Text(name);
  if (!text) return std::nullopt;
  if (Status valid = domain::CheckIsin(*text); !valid.ok()) {
    Error(name, valid.message());
    return std::nullopt;
  }
  return text;
}

std::optional<http::Response> QueryParams::Problem() const {
  if (!unknown_.empty()) {
    std::vector<IndexedFieldError> errors;
    std::string names;
    for (const std::string& name : unknown_) {
      const std::string shown = name.substr(0, 64);
      errors.push_back({std::nullopt, shown, "is not a parameter of this route"});
      names += (names.empty() ? "'" : ", '") + shown + "'";
    }
    std::string own;
    for (std::string_view name : known_) own += (own.empty() ? "" : ", ") + std::string(name);
    return http::ProblemResponse(400, "malformed", "Unknown query parameter",
                                 "unknown query parameter " + names + "; this route takes " +
                                     (own.empty() ? std::string("none") : own),
                                 FieldErrorsJson(errors));
  }
  if (!errors_.empty()) {
    return http::ProblemResponse(422, "validation", "Invalid query", "the query parameters are invalid",
                                 FieldErrorsJson(errors_));
  }
  return std::nullopt;
}

}  // namespace tradeagg::api
