#include "tradeagg/lake/avro/encoder.h"

namespace tradeagg::lake::avro {

void Encoder::WriteLong(int64_t value) {
  // Zigzag maps small magnitudes of either sign to small unsigned numbers; unsigned arithmetic
  // keeps the shifts defined for negative values.
  uint64_t n = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (n >= 0x80) {
    out_->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out_->push_back(static_cast<char>(n));
}

void Encoder::WriteBytes(std::string_view value) {
  WriteLong(static_cast<int64_t>(value.size()));
  out_->append(value);
}

namespace {

// Whether a datum of this kind can be written under this schema node.
bool Fits(const Node& schema, const Datum& datum) {
  switch (datum.kind()) {
    case Datum::Kind::kNull: return schema.type == Type::kNull;
    case Datum::Kind::kBoolean: return schema.type == Type::kBoolean;
    case Datum::Kind::kInt: return schema.type == Type::kInt;
    case Datum::Kind::kLong: return schema.type == Type::kLong;
    case Datum::Kind::kString: return schema.type == Type::kString;
    case Datum::Kind::kBytes:
      return schema.type == Type::kBytes ||
             (schema.type == Type::kFixed && datum.bytes_value().size() == schema.fixed_size);
    case Datum::Kind::kRecord: return schema.type == Type::kRecord && schema.fields.size() == datum.fields().size();
    case Datum::Kind::kArray: return schema.type == Type::kArray;
    case Datum::Kind::kMap: return schema.type == Type::kMap;
  }
  return false;
}

class DatumEncoder {
 public:
  explicit DatumEncoder(std::string* out) : encoder_(out) {}

  Status Encode(const Node& schema, const Datum& datum) {
    if (schema.type == Type::kUnion) return EncodeUnion(schema, datum);
    if (!Fits(schema, datum)) return Mismatch(schema, datum);
    switch (schema.type) {
      case Type::kNull: return Status::Ok();
      case Type::kBoolean: encoder_.WriteBoolean(datum.boolean()); return Status::Ok();
      case Type::kInt: encoder_.WriteInt(datum.int_value()); return Status::Ok();
      case Type::kLong: encoder_.WriteLong(datum.long_value()); return Status::Ok();
      case Type::kString: encoder_.WriteBytes(datum.string_value()); return Status::Ok();
      case Type::kBytes: encoder_.WriteBytes(datum.bytes_value()); return Status::Ok();
      case Type::kFixed: encoder_.WriteFixed(datum.bytes_value()); return Status::Ok();
      case Type::kRecord: return EncodeRecord(schema, datum);
      case Type::kArray: return EncodeArray(schema, datum);
      case Type::kMap: return EncodeMap(schema, datum);
      case Type::kUnion: break;  // handled above
    }
    return Status::Internal("avro encode: unhandled type");
  }

 private:
  Status Mismatch(const Node& schema, const Datum& datum) const {
    std::string expected = TypeName(schema.type);
    if (schema.type == Type::kFixed) expected += "(" + std::to_string(schema.fixed_size) + ")";
    if (schema.type == Type::kRecord) expected += " of " + std::to_string(schema.fields.size()) + " fields";
    return Status::InvalidArgument("avro encode at " + (path_.empty() ? "/" : path_) + ": schema wants " + expected +
                                   ", datum is " + KindName(datum.kind()));
  }

  Status EncodeUnion(const Node& schema, const Datum& datum) {
    for (size_t i = 0; i < schema.branches.size(); ++i) {
      if (Fits(*schema.branches[i], datum)) {
        encoder_.WriteLong(static_cast<int64_t>(i));
        return Encode(*schema.branches[i], datum);
      }
    }
    return Mismatch(schema, datum);
  }

  Status EncodeRecord(const Node& schema, const Datum& datum) {
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      const size_t mark = path_.size();
      path_ += "/" + schema.fields[i].name;
      TRY(Encode(*schema.fields[i].type, datum.fields()[i]));
      path_.resize(mark);
    }
    return Status::Ok();
  }

  Status EncodeArray(const Node& schema, const Datum& datum) {
    const auto& items = datum.items();
    if (!items.empty()) {
      encoder_.WriteLong(static_cast<int64_t>(items.size()));
      for (size_t i = 0; i < items.size(); ++i) {
        const size_t mark = path_.size();
        path_ += "[" + std::to_string(i) + "]";
        TRY(Encode(*schema.items, items[i]));
        path_.resize(mark);
      }
    }
    encoder_.WriteLong(0);
    return Status::Ok();
  }

  Status EncodeMap(const Node& schema, const Datum& datum) {
    const auto& entries = datum.entries();
    if (!entries.empty()) {
      encoder_.WriteLong(static_cast<int64_t>(entries.size()));
      for (const auto& [key, value] : entries) {
        encoder_.WriteBytes(key);
        const size_t mark = path_.size();
        path_ += "[\"" + key + "\"]";
        TRY(Encode(*schema.values, value));
        path_.resize(mark);
      }
    }
    encoder_.WriteLong(0);
    return Status::Ok();
  }

  Encoder encoder_;
  std::string path_;  // where we are, for error messages
};

}  // namespace

Status EncodeDatum(const Node& schema, const Datum& datum, std::string* out) {
  return DatumEncoder(out).Encode(schema, datum);
}

}  // namespace tradeagg::lake::avro
