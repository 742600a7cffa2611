// QueryParams: the query parameters of one read request, checked against the route's list.
//
// Each parser records a field error naming the parameter instead of failing, so a request gets
// every problem at once (422). A value is checked as strictly as the same value in a trade: a
// participant that no trade could have is refused, never answered with an empty 200 that looks
// like "no exposure". A parameter the route does not define is refused too (400): a typo such
// as `partcipant=` would otherwise silently widen a risk query to every participant.
// docs/api.md, "Strict input", lists the rules.
// Thread safety: used by one handler call.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/api/field_errors.h"
#include "tradeagg/core/time.h"
#include "tradeagg/http/request.h"
#include "tradeagg/http/response.h"

namespace tradeagg::api {

class QueryParams {
 public:
  // `known` are the route's parameters (string literals); any other the request has is unknown.
  QueryParams(const http::Request& request, std::initializer_list<std::string_view> known);

  std::optional<Date> DateParam(std::string_view name);
  // Digits without a leading zero, 1..max.
  std::optional<int64_t> PositiveInt(std::string_view name, int64_t max);
  // The value if it is one of `allowed`.
  std::optional<std::string_view> OneOf(std::string_view name, const std::vector<std::string_view>& allowed);
  // A member id (participant, counterparty), by TradeValidator::IsValidMemberId.
  std::optional<std::string_view> MemberId(std::string_view name);
  // An ISIN, by domain::CheckIsin.
  std::optional<std::string_view> Isin(std::string_view name);
  std::optional<std::string_view> Text(std::string_view name) const;

  void Error(std::string_view name, std::string message) { errors_.push_back({std::nullopt, std::string(name), std::move(message)}); }
  // No unknown parameter and no field error.
  bool ok() const { return unknown_.empty() && errors_.empty(); }
  const std::vector<IndexedFieldError>& errors() const { return errors_; }
  // 400 ("malformed") naming every unknown parameter and the route's own; else 422
  // ("validation") with every field error; nullopt when ok().
  std::optional<http::Response> Problem() const;

 private:
  bool IsKnown(std::string_view name) const;

  const http::Request& request_;
  std::vector<std::string_view> known_;
  std::vector<std::string> unknown_;
  std::vector<IndexedFieldError> errors_;
};

// For routes that take no query parameters: the 400 naming any the request has, or nullopt.
inline std::optional<http::Response> RefuseQueryParams(const http::Request& request) {
  return QueryParams(request, {}).Problem();
}

}  // namespace tradeagg::api
