#include "tradeagg/lake/avro/container_writer.h"

#include <random>
#include <set>

#include "tradeagg/lake/avro/encoder.h"

namespace tradeagg::lake::avro {

namespace {

std::string RandomSync() {
  std::random_device device;
  std::string sync(kSyncSize, '\0');
  for (char& c : sync) c = static_cast<char>(device() & 0xff);
  return sync;
}

}  // namespace

Result<ContainerWriter> ContainerWriter::Open(std::string schema_json, const Metadata& metadata,
                                              ContainerWriterOptions options) {
  std::set<std::string> keys;
  for (const auto& [key, value] : metadata) {
    if (key.rfind("avro.", 0) == 0) return Status::InvalidArgument("avro metadata key \"" + key + "\" is reserved");
    if (!keys.insert(key).second) return Status::InvalidArgument("avro metadata key \"" + key + "\" repeats");
  }
  std::string sync = options.sync_marker.empty() ? RandomSync() : options.sync_marker;
  if (sync.size() != kSyncSize) return Status::InvalidArgument("avro sync marker must be 16 bytes");
  ASSIGN_OR_RETURN(Schema schema, Schema::Parse(schema_json));

  ContainerWriter writer(std::move(schema), std::move(sync), options.block_bytes);
  writer.out_.append(kContainerMagic, sizeof(kContainerMagic));
  Encoder header(&writer.out_);
  header.WriteLong(static_cast<int64_t>(metadata.size() + 2));  // one map block
  for (const auto& [key, value] : metadata) {
    header.WriteBytes(key);
    header.WriteBytes(value);
  }
  header.WriteBytes("avro.schema");
  header.WriteBytes(writer.schema_.json());
  header.WriteBytes("avro.codec");
  header.WriteBytes("null");
  header.WriteLong(0);
  writer.out_.append(writer.sync_);
  return writer;
}

Status ContainerWriter::Append(const Datum& record) {
  const size_t mark = block_.size();
  Status status = EncodeDatum(schema_.root(), record, &block_);
  if (!status.ok()) {
    block_.resize(mark);  // drop the partial record
    return status;
  }
  ++block_records_;
  ++record_count_;
  if (block_.size() >= block_bytes_) FlushBlock();
  return Status::Ok();
}

void ContainerWriter::FlushBlock() {
  if (block_records_ == 0) return;
  Encoder encoder(&out_);
  encoder.WriteLong(block_records_);
  encoder.WriteBytes(block_);
  out_.append(sync_);
  block_.clear();
  block_records_ = 0;
}

std::string ContainerWriter::Finish() && {
  FlushBlock();
  return std::move(out_);
}

}  // namespace tradeagg::lake::avro
