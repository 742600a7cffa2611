// Small request bodies: a flat JSON object of strings, or an HTML form
// (application/x-www-form-urlencoded, as OAuth2's password flow sends it).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/api/field_errors.h"
#include "tradeagg/core/status.h"

namespace tradeagg::api {

using StringFields = std::map<std::string, std::string, std::less<>>;

// kInvalidArgument when the body is not a JSON object; a non-string value of a known field
// (in `fields`) becomes a field error, except that a field in `integer_fields` may also be a
// JSON integer (kept as its decimal text). Unknown fields are ignored.
Result<StringFields> ParseJsonStringObject(std::string_view body, const std::vector<std::string_view>& fields,
                                           std::vector<IndexedFieldError>& errors,
                                           const std::vector<std::string_view>& integer_fields = {});

StringFields ParseForm(std::string_view body);
// One name or value of such a form: '+' is a space, %XX a byte.
std::string FormDecode(std::string_view text);

}  // namespace tradeagg::api
