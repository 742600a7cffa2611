// SortOrder: an Iceberg table's declared sort order (spec "Sorting"). tradeagg's tables are
// unsorted (order id 0, no fields); other writers' orders are carried through unchanged.
// The JSON form lives in table_metadata_json.cc with the rest of the metadata.
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tradeagg::lake::iceberg {

struct SortField {
  int32_t source_id = 0;
  std::string transform = "identity";
  std::string direction = "asc";          // "asc" | "desc"
  std::string null_order = "nulls-first";  // "nulls-first" | "nulls-last"

  bool operator==(const SortField&) const = default;
};

struct SortOrder {
  int32_t order_id = 0;  // 0 is reserved for the unsorted order
  std::vector<SortField> fields;

  static SortOrder Unsorted() { return SortOrder{}; }
  bool operator==(const SortOrder&) const = default;
};

}  // namespace tradeagg::lake::iceberg
