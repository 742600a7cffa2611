#include "tradeagg/lake/iceberg/json_reading.h"

#include <limits>

namespace tradeagg::lake::iceberg::json {

namespace {

Status Expected(std::string_view what, std::string_view kind) {
  return Status::InvalidArgument(std::string(what) + ": expected " + std::string(kind));
}

}  // namespace

std::string Path(std::string_view context, std::string_view key) {
  if (context.empty()) return std::string(key);
  return std::string(context) + "." + std::string(key);
}

std::string Path(std::string_view context, size_t index) {
  return std::string(context) + "[" + std::to_string(index) + "]";
}

Result<Element> ParseDocument(simdjson::dom::parser& parser, std::string_view text, std::string_view what) {
  Element doc;
  simdjson::error_code error = parser.parse(text.data(), text.size()).get(doc);
  if (error) {
    return Status::InvalidArgument(std::string(what) + ": not valid JSON (" +
                                   simdjson::error_message(error) + ")");
  }
  return doc;
}

std::optional<Element> Member(Element obj, std::string_view key) {
  Element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) return std::nullopt;
  return value;
}

Result<Element> RequiredMember(Element obj, std::string_view key, std::string_view context) {
  std::optional<Element> value = Member(obj, key);
  if (!value) return Status::InvalidArgument(Path(context, key) + ": missing");
  return *value;
}

Result<int64_t> AsInt64(Element value, std::string_view what) {
  int64_t out = 0;
  if (value.get_int64().get(out) != simdjson::SUCCESS) return Expected(what, "an integer");
  return out;
}

Result<int32_t> AsInt32(Element value, std::string_view what) {
  ASSIGN_OR_RETURN(int64_t wide, AsInt64(value, what));
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max()) {
    return Expected(what, "a 32-bit integer");
  }
  return static_cast<int32_t>(wide);
}

Result<bool> AsBool(Element value, std::string_view what) {
  bool out = false;
  if (value.get_bool().get(out) != simdjson::SUCCESS) return Expected(what, "true or false");
  return out;
}

Result<std::string> AsString(Element value, std::string_view what) {
  std::string_view out;
  if (value.get_string().get(out) != simdjson::SUCCESS) return Expected(what, "a string");
  return std::string(out);
}

Status ExpectObject(Element value, std::string_view what) {
  return value.is_object() ? Status::Ok() : Expected(what, "an object");
}

Status ExpectArray(Element value, std::string_view what) {
  return value.is_array() ? Status::Ok() : Expected(what, "an array");
}

Result<int64_t> Int64Member(Element obj, std::string_view key, std::string_view context) {
  ASSIGN_OR_RETURN(Element value, RequiredMember(obj, key, context));
  return AsInt64(value, Path(context, key));
}

Result<int32_t> Int32Member(Element obj, std::string_view key, std::string_view context) {
  ASSIGN_OR_RETURN(Element value, RequiredMember(obj, key, context));
  return AsInt32(value, Path(context, key));
}

Result<bool> BoolMember(Element obj, std::string_view key, std::string_view context) {
  ASSIGN_OR_RETURN(Element value, RequiredMember(obj, key, context));
  return AsBool(value, Path(context, key));
}

Result<std::string> StringMember(Element obj, std::string_view key, std::string_view context) {
  ASSIGN_OR_RETURN(Element value, RequiredMember(obj, key, context));
  return AsString(value, Path(context, key));
}

}  // namespace tradeagg::lake::iceberg::json
