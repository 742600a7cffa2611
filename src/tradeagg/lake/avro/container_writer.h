// ContainerWriter: builds an Avro Object Container File in memory (Avro 1.11 spec, "Object
// Container Files").
//
// Layout written: magic "Obj\x01"; file metadata as an Avro map<bytes> holding the caller's
// key/values in the given order, then "avro.schema" (the schema JSON exactly as given) and
// "avro.codec" = "null"; a 16-byte sync marker; then data blocks, each a long record count, a
// long byte size, the records, and the sync marker. A block is cut once it reaches
// `block_bytes`; a file with no records is just the header, which readers accept.
// Records are checked against the schema on Append; a rejected record leaves the file as it was.
// Intended for small files (manifests, manifest lists): everything is held in memory and the
// caller stores the bytes Finish returns.
// Thread safety: none; one writer per file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/avro/datum.h"
#include "tradeagg/lake/avro/schema.h"

namespace tradeagg::lake::avro {

inline constexpr char kContainerMagic[] = {'O', 'b', 'j', '\x01'};
inline constexpr size_t kSyncSize = 16;

struct ContainerWriterOptions {
  std::string sync_marker;            // 16 bytes; empty = random (tests fix it for stable bytes)
  size_t block_bytes = 1024 * 1024;   // cut a block once its records reach this size
};

using Metadata = std::vector<std::pair<std::string, std::string>>;

class ContainerWriter {
 public:
  // kInvalidArgument if the schema does not parse, a metadata key starts with the reserved
  // "avro." prefix or repeats, or the sync marker is not 16 bytes.
  static Result<ContainerWriter> Open(std::string schema_json, const Metadata& metadata,
                                      ContainerWriterOptions options = {});

  // Encodes one record (a datum of the schema's root type).
  Status Append(const Datum& record);

  // The complete file. The writer is spent afterwards.
  std::string Finish() &&;

  int64_t record_count() const { return record_count_; }
  const Schema& schema() const { return schema_; }

 private:
  ContainerWriter(Schema schema, std::string sync, size_t block_bytes)
      : schema_(std::move(schema)), sync_(std::move(sync)), block_bytes_(block_bytes) {}
  void FlushBlock();

  Schema schema_;
  std::string sync_;
  size_t block_bytes_;
  std::string out_;    // header and finished blocks
  std::string block_;  // records of the open block
  int64_t block_records_ = 0;
  int64_t record_count_ = 0;
};

}  // namespace tradeagg::lake::avro
