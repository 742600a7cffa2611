// Schema <-> Iceberg JSON (spec Appendix C, "Schemas"):
//   {"type":"struct","schema-id":0,"identifier-field-ids":[],
//    "fields":[{"id":1,"name":"trade_id","required":true,"type":"string"}, ...]}
// Writing is deterministic (fixed key order, fields in schema order). Reading accepts the
// forms Java and PyIceberg write ("decimal(18, 8)" or "decimal(18,8)", "doc" optional,
// "schema-id" defaulting to 0) and rejects nested field types (see schema.h).
// Thread safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "tradeagg/core/json_writer.h"
#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/json_reading.h"
#include "tradeagg/lake/iceberg/schema.h"

namespace tradeagg::lake::iceberg {

void WriteSchemaJson(JsonWriter& out, const Schema& schema);
std::string SchemaToJson(const Schema& schema);

// `context` prefixes error messages ("schemas[0]").
Result<Schema> SchemaFromJson(json::Element value, std::string_view context = "schema");
Result<Schema> ParseSchemaJson(std::string_view text);

}  // namespace tradeagg::lake::iceberg
