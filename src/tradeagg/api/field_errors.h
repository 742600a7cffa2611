// IndexedFieldError: a field error of one item of a request, and its JSON form.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tradeagg/domain/trade_validator.h"

namespace tradeagg::api {

struct IndexedFieldError {
  std::optional<size_t> index;  // absent for single-object bodies that are not trade lists
  std::string field;
  std::string message;
};

// [{"index":0,"field":"quantity","message":"..."}, ...]
std::string FieldErrorsJson(const std::vector<IndexedFieldError>& errors);
std::vector<IndexedFieldError> WithoutIndex(const std::vector<domain::FieldError>& errors);

}  // namespace tradeagg::api
