#include "tradeagg/api/form_codec.h"

#include <algorithm>

#include <simdjson.h>

namespace tradeagg::api {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<StringFields> ParseJsonStringObject(std::string_view body, const std::vector<std::string_view>& fields,
                                           std::vector<IndexedFieldError>& errors,
                                           const std::vector<std::string_view>& integer_fields) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc)) {
    return Status::InvalidArgument("the body is not valid JSON");
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) return Status::InvalidArgument("the body must be a JSON object");
  StringFields out;
  for (auto [key, value] : object) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) continue;
    if (value.is_null()) continue;
    const bool integer_allowed = std::find(integer_fields.begin(), integer_fields.end(), key) != integer_fields.end();
    int64_t integer = 0;
    if (integer_allowed && !value.get_int64().get(integer)) {
      out[std::string(key)] = std::to_string(integer);
      continue;
    }
    std::string_view text;
    if (value.get_string().get(text)) {
      errors.push_back({std::nullopt, std::string(key), integer_allowed ? "must be an integer" : "must be a string"});
      continue;
    }
    out[std::string(key)] = std::string(text);
  }
  return out;
}

StringFields ParseForm(std::string_view body) {
  StringFields out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view pair = body.substr(start, end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = FormDecode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1));
      out[std::move(key)] = std::move(value);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace tradeagg::api
