// ReadContainer: parses a whole Avro Object Container File held in memory (Avro 1.11 spec,
// "Object Container Files") into its metadata, its writer schema and its records.
//
// Records are decoded with the writer's schema from "avro.schema" (no schema resolution: the
// caller finds fields by name or "field-id"). Codecs: "null" (also when "avro.codec" is absent)
// and "deflate". Every block must end with the header's sync marker and hold exactly the
// records and bytes its header claims.
// Errors: kInvalidArgument with the offset of the fault, e.g. "avro: block 2 sync marker
// mismatch at offset 4711"; an unknown codec names the codec.
// Thread safety: stateless function.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/avro/datum.h"
#include "tradeagg/lake/avro/schema.h"

namespace tradeagg::lake::avro {

struct ContainerFile {
  std::map<std::string, std::string> metadata;  // every header key, "avro.*" included
  Schema schema;                                 // the writer's schema
  std::vector<Datum> records;
};

Result<ContainerFile> ReadContainer(std::string_view bytes);

}  // namespace tradeagg::lake::avro
