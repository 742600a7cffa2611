#include "tradeagg/lake/avro/decoder.h"

#include <limits>

namespace tradeagg::lake::avro {

namespace {

constexpr int kMaxDepth = 100;  // nesting of records/arrays/maps/unions; real files use < 10
// Items that may encode to zero bytes (null, empty records) cannot be checked against the bytes
// left, so their block counts are capped instead.
constexpr int64_t kMaxZeroWidthItems = int64_t{1} << 20;

}  // namespace

Status Decoder::Error(const std::string& what) const {
  return Status::InvalidArgument("avro: " + what + " at offset " + std::to_string(offset()));
}

Result<bool> Decoder::ReadBoolean() {
  if (remaining() < 1) return Error("truncated boolean");
  const auto byte = static_cast<unsigned char>(data_[pos_]);
  if (byte > 1) return Error("boolean byte " + std::to_string(byte) + " is neither 0 nor 1");
  ++pos_;
  return byte == 1;
}

Result<int64_t> Decoder::ReadLong() {
  const size_t start = pos_;
  uint64_t n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) {
      pos_ = start;
      return Error("truncated varint");
    }
    const auto byte = static_cast<unsigned char>(data_[pos_++]);
    // The tenth byte holds only bit 63: anything more overflows 64 bits.
    if (shift == 63 && byte > 1) {
      pos_ = start;
      return Error("varint longer than 64 bits");
    }
    n |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return static_cast<int64_t>((n >> 1) ^ (~(n & 1) + 1));
  }
  pos_ = start;
  return Error("varint longer than 64 bits");
}

Result<int32_t> Decoder::ReadInt() {
  const size_t start = pos_;
  ASSIGN_OR_RETURN(int64_t value, ReadLong());
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    pos_ = start;
    return Error("int " + std::to_string(value) + " out of 32-bit range");
  }
  return static_cast<int32_t>(value);
}

Result<std::string_view> Decoder::ReadBytes() {
  const size_t start = pos_;
  ASSIGN_OR_RETURN(int64_t length, ReadLong());
  if (length < 0 || static_cast<uint64_t>(length) > remaining()) {
    const size_t left = remaining();
    pos_ = start;
    return Error("byte length " + std::to_string(length) + " exceeds the " + std::to_string(left) + " bytes left");
  }
  return ReadFixed(static_cast<size_t>(length));
}

Result<std::string_view> Decoder::ReadFixed(size_t size) {
  if (size > remaining()) return Error("truncated value of " + std::to_string(size) + " bytes");
  std::string_view out = data_.substr(pos_, size);
  pos_ += size;
  return out;
}

namespace {

// Whether a value of this type can encode to zero bytes.
bool MayBeEmpty(const Node& node, int depth = 0) {
  if (depth > kMaxDepth) return false;
  switch (node.type) {
    case Type::kNull: return true;
    case Type::kFixed: return node.fixed_size == 0;
    case Type::kRecord:
      for (const Field& field : node.fields) {
        if (!MayBeEmpty(*field.type, depth + 1)) return false;
      }
      return true;
    default: return false;
  }
}

class DatumDecoder {
 public:
  explicit DatumDecoder(Decoder& decoder) : d_(decoder) {}

  Result<Datum> Decode(const Node& schema, int depth) {
    if (depth > kMaxDepth) return d_.Error("values nested deeper than " + std::to_string(kMaxDepth));
    switch (schema.type) {
      case Type::kNull: return Datum::Null();
      case Type::kBoolean: {
        ASSIGN_OR_RETURN(bool v, d_.ReadBoolean());
        return Datum::Boolean(v);
      }
      case Type::kInt: {
        ASSIGN_OR_RETURN(int32_t v, d_.ReadInt());
        return Datum::Int(v);
      }
      case Type::kLong: {
        ASSIGN_OR_RETURN(int64_t v, d_.ReadLong());
        return Datum::Long(v);
      }
      case Type::kString: {
        ASSIGN_OR_RETURN(std::string_view v, d_.ReadBytes());
        return Datum::String(std::string(v));
      }
      case Type::kBytes: {
        ASSIGN_OR_RETURN(std::string_view v, d_.ReadBytes());
        return Datum::Bytes(std::string(v));
      }
      case Type::kFixed: {
        ASSIGN_OR_RETURN(std::string_view v, d_.ReadFixed(schema.fixed_size));
        return Datum::Bytes(std::string(v));
      }
      case Type::kRecord: return DecodeRecord(schema, depth);
      case Type::kArray: return DecodeArray(schema, depth);
      case Type::kMap: return DecodeMap(schema, depth);
      case Type::kUnion: return DecodeUnion(schema, depth);
    }
    return Status::Internal("avro decode: unhandled type");
  }

 private:
  Result<Datum> DecodeRecord(const Node& schema, int depth) {
    std::vector<Datum> fields;
    fields.reserve(schema.fields.size());
    for (const Field& field : schema.fields) {
      ASSIGN_OR_RETURN(Datum value, Decode(*field.type, depth + 1));
      fields.push_back(std::move(value));
    }
    return Datum::Record(std::move(fields));
  }

  Result<Datum> DecodeUnion(const Node& schema, int depth) {
    const size_t at = d_.offset();
    ASSIGN_OR_RETURN(int64_t branch, d_.ReadLong());
    if (branch < 0 || static_cast<uint64_t>(branch) >= schema.branches.size()) {
      return Status::InvalidArgument("avro: union branch " + std::to_string(branch) + " of " +
                                     std::to_string(schema.branches.size()) + " at offset " + std::to_string(at));
    }
    return Decode(*schema.branches[static_cast<size_t>(branch)], depth + 1);
  }

  // Reads the item count of the next block; 0 ends the array or map. A negative count is
  // followed by the block's size in bytes, which we do not need. `zero_width_items` says
  // whether an item may encode to no bytes at all.
  Result<int64_t> ReadBlockCount(bool zero_width_items) {
    const size_t at = d_.offset();
    ASSIGN_OR_RETURN(int64_t count, d_.ReadLong());
    if (count < 0) {
      if (count == std::numeric_limits<int64_t>::min()) return d_.Error("invalid block count");
      count = -count;
      ASSIGN_OR_RETURN(int64_t size, d_.ReadLong());
      if (size < 0) return d_.Error("negative block size");
    }
    const bool too_many = zero_width_items ? count > kMaxZeroWidthItems
                                           : static_cast<uint64_t>(count) > d_.remaining();
    if (too_many) {
      return Status::InvalidArgument("avro: block count " + std::to_string(count) + " exceeds the data left at offset " +
                                     std::to_string(at));
    }
    return count;
  }

  Result<Datum> DecodeArray(const Node& schema, int depth) {
    std::vector<Datum> items;
    while (true) {
      ASSIGN_OR_RETURN(int64_t count, ReadBlockCount(MayBeEmpty(*schema.items)));
      if (count == 0) break;
      for (int64_t i = 0; i < count; ++i) {
        ASSIGN_OR_RETURN(Datum item, Decode(*schema.items, depth + 1));
        items.push_back(std::move(item));
      }
    }
    return Datum::Array(std::move(items));
  }

  Result<Datum> DecodeMap(const Node& schema, int depth) {
    Datum::MapEntries entries;
    while (true) {
      // Each entry holds at least its key's length byte, even when the value is zero-width.
      ASSIGN_OR_RETURN(int64_t count, ReadBlockCount(/*zero_width_items=*/false));
      if (count == 0) break;
      for (int64_t i = 0; i < count; ++i) {
        ASSIGN_OR_RETURN(std::string_view key, d_.ReadBytes());
        ASSIGN_OR_RETURN(Datum value, Decode(*schema.values, depth + 1));
        entries.emplace_back(std::string(key), std::move(value));
      }
    }
    return Datum::Map(std::move(entries));
  }

  Decoder& d_;
};

}  // namespace

Result<Datum> DecodeDatum(const Node& schema, Decoder& decoder) { return DatumDecoder(decoder).Decode(schema, 0); }

}  // namespace tradeagg::lake::avro
