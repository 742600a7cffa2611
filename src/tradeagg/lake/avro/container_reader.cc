#include "tradeagg/lake/avro/container_reader.h"

#include <algorithm>
#include <cstring>

#include "tradeagg/lake/avro/container_writer.h"
#include "tradeagg/lake/avro/decoder.h"
#include "tradeagg/lake/avro/inflate.h"

namespace tradeagg::lake::avro {

namespace {

// The header's metadata is a map<bytes>, possibly written in several blocks.
Result<std::map<std::string, std::string>> ReadMetadata(Decoder& in) {
  std::map<std::string, std::string> metadata;
  while (true) {
    ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    if (count == 0) break;
    if (count < 0) {
      count = -count;
      ASSIGN_OR_RETURN(int64_t ignored_size, in.ReadLong());
      (void)ignored_size;
    }
    if (count < 0 || static_cast<uint64_t>(count) > in.remaining()) return in.Error("metadata count out of range");
    for (int64_t i = 0; i < count; ++i) {
      ASSIGN_OR_RETURN(std::string_view key, in.ReadBytes());
      ASSIGN_OR_RETURN(std::string_view value, in.ReadBytes());
      metadata[std::string(key)] = std::string(value);
    }
  }
  return metadata;
}

// Records that encode to no bytes (schema "null", empty records) cannot be counted against the
// block's size; past this many per block the count is taken as corrupt.
constexpr int64_t kMaxZeroWidthRecords = int64_t{1} << 20;

// Decodes the records of one block. `offset` is where the block's data starts in the file;
// for a compressed block, `where` says that offsets point into the inflated data.
Status ReadBlockRecords(const Node& schema, std::string_view data, size_t offset, const std::string& where,
                        int64_t count, int block, std::vector<Datum>* records) {
  if (count > std::max<int64_t>(static_cast<int64_t>(data.size()), kMaxZeroWidthRecords)) {
    return Status::InvalidArgument("avro: block " + std::to_string(block) + " claims " + std::to_string(count) +
                                   " records in " + std::to_string(data.size()) + " bytes" + where);
  }
  Decoder in(data, offset);
  for (int64_t i = 0; i < count; ++i) {
    Result<Datum> record = DecodeDatum(schema, in);
    if (!record.ok()) {
      std::string_view what = record.status().message();
      if (what.rfind("avro: ", 0) == 0) what.remove_prefix(6);
      return Status::InvalidArgument("avro: block " + std::to_string(block) + ", record " + std::to_string(i) + ": " +
                                     std::string(what) + where);
    }
    records->push_back(std::move(record).value());
  }
  if (!in.at_end()) {
    return Status::InvalidArgument("avro: block " + std::to_string(block) + " has " + std::to_string(in.remaining()) +
                                   " bytes after its " + std::to_string(count) + " records at offset " +
                                   std::to_string(in.offset()) + where);
  }
  return Status::Ok();
}

}  // namespace

Result<ContainerFile> ReadContainer(std::string_view bytes) {
  if (bytes.size() < sizeof(kContainerMagic) || std::memcmp(bytes.data(), kContainerMagic, sizeof(kContainerMagic)) != 0) {
    return Status::InvalidArgument("avro: not an object container file (bad magic) at offset 0");
  }
  Decoder in(bytes.substr(sizeof(kContainerMagic)), sizeof(kContainerMagic));
  ASSIGN_OR_RETURN(auto metadata, ReadMetadata(in));
  ASSIGN_OR_RETURN(std::string_view sync, in.ReadFixed(kSyncSize));

  auto schema_it = metadata.find("avro.schema");
  if (schema_it == metadata.end()) return Status::InvalidArgument("avro: header has no avro.schema");
  ASSIGN_OR_RETURN(Schema schema, Schema::Parse(schema_it->second));
  auto codec_it = metadata.find("avro.codec");
  const std::string codec = codec_it == metadata.end() ? "null" : codec_it->second;
  if (codec != "null" && codec != "deflate") return Status::InvalidArgument("avro: unsupported codec \"" + codec + "\"");

  std::vector<Datum> records;
  for (int block = 0; !in.at_end(); ++block) {
    const size_t block_start = in.offset();
    ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    if (count < 0) return in.Error("block " + std::to_string(block) + " has a negative record count");
    ASSIGN_OR_RETURN(std::string_view data, in.ReadBytes());
    const size_t data_offset = in.offset() - data.size();
    if (codec == "deflate") {
      Result<std::string> inflated = InflateRaw(data);
      if (!inflated.ok()) {
        return Status::InvalidArgument("avro: block " + std::to_string(block) + " at offset " +
                                       std::to_string(block_start) + ": " + inflated.status().message());
      }
      TRY(ReadBlockRecords(schema.root(), *inflated, 0, " (offsets within the inflated block)", count, block, &records));
    } else {
      TRY(ReadBlockRecords(schema.root(), data, data_offset, "", count, block, &records));
    }
    const size_t sync_offset = in.offset();
    ASSIGN_OR_RETURN(std::string_view block_sync, in.ReadFixed(kSyncSize));
    if (block_sync != sync) {
      return Status::InvalidArgument("avro: block " + std::to_string(block) + " sync marker mismatch at offset " +
                                     std::to_string(sync_offset));
    }
  }
  return ContainerFile{std::move(metadata), std::move(schema), std::move(records)};
}

}  // namespace tradeagg::lake::avro
