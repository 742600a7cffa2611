// Query-parameter parsing shared by the read handlers: each parser records a field error
// naming the parameter instead of failing, so a request gets every problem at once.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "tradeagg/api/field_errors.h"
#include "tradeagg/core/time.h"
#include "tradeagg/http/request.h"

namespace tradeagg::api {

class QueryParams {
 public:
  explicit QueryParams(const http::Request& request) : request_(request) {}

  std::optional<Date> DateParam(std::string_view name);
  std::optional<int64_t> PositiveInt(std::string_view name, int64_t max);
  // The value if it is one of `allowed`.
  std::optional<std::string_view> OneOf(std::string_view name, const std::vector<std::string_view>& allowed);
  std::optional<std::string_view> Text(std::string_view name) const { return request_.query_param(name); }

  void Error(std::string_view name, std::string message) { errors_.push_back({std::nullopt, std::string(name), std::move(message)}); }
  bool ok() const { return errors_.empty(); }
  const std::vector<IndexedFieldError>& errors() const { return errors_; }

 private:
  const http::Request& request_;
  std::vector<IndexedFieldError> errors_;
};

}  // namespace tradeagg::api
