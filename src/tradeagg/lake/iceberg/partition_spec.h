// PartitionSpec: how an Iceberg table's rows map to partitions (spec "Partitioning"), apart
// from its JSON encoding (partition_spec_json.h).
//
// Transforms are kept as the spec's strings ("identity", "day", "bucket[16]", ...): tradeagg
// only writes identity partitions, but must carry other writers' specs through a metadata
// rewrite unchanged. Partition field ids start at 1000 (kFirstPartitionFieldId).
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/schema.h"

namespace tradeagg::lake::iceberg {

inline constexpr std::string_view kIdentityTransform = "identity";

struct PartitionField {
  int32_t source_id = 0;  // schema field the value is derived from
  int32_t field_id = 0;   // the partition field's own id (>= 1000)
  std::string name;
  std::string transform;

  bool operator==(const PartitionField&) const = default;
};

struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;

  bool unpartitioned() const { return fields.empty(); }
  // Highest partition field id; 999 (kFirstPartitionFieldId - 1) when unpartitioned, which is
  // what Java and PyIceberg write as last-partition-id for an unpartitioned table.
  int32_t HighestFieldId() const;
  // Field ids >= 1000 and unique, names unique and non-empty, sources present in `schema`.
  Status Validate(const Schema& schema) const;

  bool operator==(const PartitionSpec&) const = default;
};

}  // namespace tradeagg::lake::iceberg
