#include "tradeagg/lake/iceberg/partition_spec.h"

#include <algorithm>
#include <set>

#include "tradeagg/lake/iceberg/iceberg_constants.h"

namespace tradeagg::lake::iceberg {

int32_t PartitionSpec::HighestFieldId() const {
  int32_t highest = kFirstPartitionFieldId - 1;
  for (const PartitionField& f : fields) highest = std::max(highest, f.field_id);
  return highest;
}

Status PartitionSpec::Validate(const Schema& schema) const {
  std::set<int32_t> ids;
  std::set<std::string_view> names;
  for (const PartitionField& f : fields) {
    const std::string where = "partition spec " + std::to_string(spec_id) + " field '" + f.name + "'";
    if (f.name.empty()) return Status::InvalidArgument(where + ": empty name");
    if (f.field_id < kFirstPartitionFieldId) {
      return Status::InvalidArgument(where + ": field id below " + std::to_string(kFirstPartitionFieldId));
    }
    if (!ids.insert(f.field_id).second) return Status::InvalidArgument(where + ": field id used twice");
    if (!names.insert(f.name).second) return Status::InvalidArgument(where + ": name used twice");
    if (f.transform.empty()) return Status::InvalidArgument(where + ": no transform");
    if (schema.FindField(f.source_id) == nullptr) {
      return Status::InvalidArgument(where + ": source field " + std::to_string(f.source_id) +
                                     " is not in schema " + std::to_string(schema.schema_id));
    }
  }
  return Status::Ok();
}

}  // namespace tradeagg::lake::iceberg
