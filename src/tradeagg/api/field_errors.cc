#include "tradeagg/api/field_errors.h"

#include "tradeagg/core/json_writer.h"

namespace tradeagg::api {

std::string FieldErrorsJson(const std::vector<IndexedFieldError>& errors) {
  JsonWriter json;
  json.BeginArray();
  for (const auto& e : errors) {
    json.BeginObject();
    if (e.index) json.Field("index", static_cast<int64_t>(*e.index));
    json.Field("field", e.field).Field("message", e.message).EndObject();
  }
  json.EndArray();
  return json.Take();
}

std::vector<IndexedFieldError> WithoutIndex(const std::vector<domain::FieldError>& errors) {
  std::vector<IndexedFieldError> out;
  for (const auto& e : errors) out.push_back({std::nullopt, e.field, e.message});
  return out;
}

}  // namespace tradeagg::api
