// Avro binary encoding (Avro 1.11 spec, "Binary Encoding"): primitives into a string, and a
// whole Datum under a schema.
//
// int and long are zigzag varints; bytes and string are a long length then the bytes; fixed is
// the bytes alone; arrays and maps are written as one block (count, items, then 0); a union is
// the branch index as a long then the value.
// EncodeDatum checks the datum against the schema and returns kInvalidArgument naming the
// path of the mismatch (e.g. "/data_file/partition/business_date"); on error `out` may hold
// a partial value, which the caller discards.
// Thread safety: none; one encoder per output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/avro/datum.h"
#include "tradeagg/lake/avro/schema.h"

namespace tradeagg::lake::avro {

class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(out) {}

  void WriteBoolean(bool value) { out_->push_back(value ? '\1' : '\0'); }
  void WriteInt(int32_t value) { WriteLong(value); }
  void WriteLong(int64_t value);
  void WriteBytes(std::string_view value);  // also string
  void WriteFixed(std::string_view value) { out_->append(value); }

 private:
  std::string* out_;
};

// Appends the binary encoding of `datum` under `schema` to *out.
Status EncodeDatum(const Node& schema, const Datum& datum, std::string* out);

}  // namespace tradeagg::lake::avro
