// The Iceberg REST catalog's commit request (CommitTableRequest) for a change tradeagg made:
// the difference between the metadata a writer read (`base`) and the metadata it wants
// (`updated`), said as the protocol's requirements and updates, because a REST catalog takes
// the change, not a new metadata file, and writes the file itself.
//
// Requirements: assert-table-uuid always; assert-ref-snapshot-id, with the base's snapshot id
// or null (the ref must not exist), for every ref the change moves, adds or removes; and when
// the schema changes, assert-current-schema-id and assert-last-assigned-field-id. Together they
// refuse (409) a commit on top of anything but the base, as the SQL catalog's compare-and-swap
// does, for every part of the table tradeagg changes.
// Updates, in this order: add-schema (schemas new in `updated`), set-current-schema,
// add-snapshot (snapshots new in `updated`, in their order), remove-snapshots (snapshots gone),
// remove-snapshot-ref (refs gone), set-snapshot-ref (refs new or moved), set-properties,
// remove-properties.
// Any other difference (location, format version, partition specs, sort orders) is a change
// tradeagg never makes and cannot send: kInvalidArgument names it.
// Thread safety: stateless functions.
#pragma once

#include <string>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/table_metadata.h"

namespace tradeagg::lake::iceberg::rest {

Result<std::string> CommitTableRequestJson(const TableIdentifier& table, const TableMetadata& base,
                                           const TableMetadata& updated);

// The commit that creates a staged table exactly as defined: requirement assert-create, and
// updates assign-uuid, upgrade-format-version (2), add-schema, set-current-schema, add-spec,
// set-default-spec, add-sort-order, set-default-sort-order, set-location, set-properties.
// Servers keep the ids of schemas and specs added this way, where a plain create reassigns them
// (tradeagg's writers use the definition's ids, which need not be 1, 2, 3... in order).
std::string CreateTableCommitJson(const TableIdentifier& table, const TableDefinition& definition,
                                  std::string_view location, std::string_view table_uuid);

// The namespace's levels: "a.b" -> ["a", "b"].
std::vector<std::string> NamespaceLevels(std::string_view ns);

}  // namespace tradeagg::lake::iceberg::rest
