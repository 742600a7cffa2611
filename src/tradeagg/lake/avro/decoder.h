// Avro binary decoding (Avro 1.11 spec, "Binary Encoding"): primitives from a byte range, and
// a whole Datum under the writer's schema.
//
// Input is untrusted: every read is bounds-checked, varints longer than 10 bytes or outside the
// type's range are rejected, block counts are checked against the bytes left, and nesting is
// limited. Errors are kInvalidArgument with the absolute offset of the fault (the decoder is
// told where its range starts in the file), e.g. "avro: truncated varint at offset 1234".
// Union values decode to the value of the branch written. string values are not checked for
// valid UTF-8.
// Thread safety: none; one decoder per range. The range must outlive the decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/avro/datum.h"
#include "tradeagg/lake/avro/schema.h"

namespace tradeagg::lake::avro {

class Decoder {
 public:
  // `base_offset` is the position of data[0] in the enclosing file, used in error messages.
  explicit Decoder(std::string_view data, size_t base_offset = 0) : data_(data), base_(base_offset) {}

  Result<bool> ReadBoolean();
  Result<int32_t> ReadInt();
  Result<int64_t> ReadLong();
  Result<std::string_view> ReadBytes();  // also string
  Result<std::string_view> ReadFixed(size_t size);

  size_t offset() const { return base_ + pos_; }  // absolute, for messages
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  Status Error(const std::string& what) const;  // kInvalidArgument "avro: <what> at offset N"

 private:
  std::string_view data_;
  size_t base_;
  size_t pos_ = 0;
};

// Decodes one value written under `schema`.
Result<Datum> DecodeDatum(const Node& schema, Decoder& decoder);

}  // namespace tradeagg::lake::avro
