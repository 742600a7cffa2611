// Fresh identifiers for Iceberg objects: UUIDs (table-uuid, metadata and manifest file names)
// and snapshot ids.
//
// Both come from libsodium's CSPRNG, so independent writers (processes, machines) do not
// collide. Snapshot ids are positive 63-bit numbers, as Java and PyIceberg make them: some
// readers treat negative ids (and -1 above all) as "no snapshot".
// Thread safety: all functions may be called from any thread.
#pragma once

#include <cstdint>
#include <string>

namespace tradeagg::lake::iceberg {

// A random (version 4, RFC 9562) UUID in its 36-character lower-case text form.
std::string NewUuid();

// A random snapshot id in [1, 2^63 - 1].
int64_t NewSnapshotId();

}  // namespace tradeagg::lake::iceberg
