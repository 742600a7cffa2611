// Small helpers for reading Iceberg's JSON documents with simdjson's DOM: typed field access
// that returns a Status naming the field ("snapshots[2].timestamp-ms: expected an integer")
// instead of simdjson error codes. Used by the *_json.cc files of this folder only.
// Thread safety: stateless functions; elements live as long as their parser.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"

namespace tradeagg::lake::iceberg::json {

using Element = simdjson::dom::element;

// Parses a whole document into `parser` (which owns the returned element's memory).
Result<Element> ParseDocument(simdjson::dom::parser& parser, std::string_view text, std::string_view what);

// The member `key` of object `obj`; nullopt when absent or JSON null. `obj` must be an object.
std::optional<Element> Member(Element obj, std::string_view key);
// Like Member, but absence is an error naming `context`.key.
Result<Element> RequiredMember(Element obj, std::string_view key, std::string_view context);

// Typed conversions; `what` names the value in error messages.
Result<int64_t> AsInt64(Element value, std::string_view what);
Result<int32_t> AsInt32(Element value, std::string_view what);
Result<bool> AsBool(Element value, std::string_view what);
Result<std::string> AsString(Element value, std::string_view what);
Status ExpectObject(Element value, std::string_view what);
Status ExpectArray(Element value, std::string_view what);

// Required members of a given type.
Result<int64_t> Int64Member(Element obj, std::string_view key, std::string_view context);
Result<int32_t> Int32Member(Element obj, std::string_view key, std::string_view context);
Result<bool> BoolMember(Element obj, std::string_view key, std::string_view context);
Result<std::string> StringMember(Element obj, std::string_view key, std::string_view context);

// "context.key" or "key" when the context is empty.
std::string Path(std::string_view context, std::string_view key);
std::string Path(std::string_view context, size_t index);

}  // namespace tradeagg::lake::iceberg::json
