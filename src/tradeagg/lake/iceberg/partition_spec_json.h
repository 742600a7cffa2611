// PartitionSpec <-> Iceberg JSON (spec Appendix C, "Partition Specs"):
//   {"spec-id":0,"fields":[{"name":"business_date","transform":"identity",
//                           "source-id":12,"field-id":1000}]}
// Writing is deterministic. Reading requires "source-id" and "field-id" (v2 specs always
// have them); v3 multi-argument "source-ids" are rejected.
// Thread safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "tradeagg/core/json_writer.h"
#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/json_reading.h"
#include "tradeagg/lake/iceberg/partition_spec.h"

namespace tradeagg::lake::iceberg {

void WritePartitionSpecJson(JsonWriter& out, const PartitionSpec& spec);
std::string PartitionSpecToJson(const PartitionSpec& spec);
// The spec's "fields" array alone: what a manifest's "partition-spec" metadata holds.
void WritePartitionFieldsJson(JsonWriter& out, const std::vector<PartitionField>& fields);
std::string PartitionFieldsToJson(const PartitionSpec& spec);

// Structure only; PartitionSpec::Validate checks it against a schema.
Result<PartitionSpec> PartitionSpecFromJson(json::Element value, std::string_view context = "partition-spec");
Result<PartitionSpec> ParsePartitionSpecJson(std::string_view text);

}  // namespace tradeagg::lake::iceberg
