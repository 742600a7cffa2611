#include "tradeagg/lake/avro/datum.h"

#include <ostream>

namespace tradeagg::lake::avro {

const char* KindName(Datum::Kind kind) {
  switch (kind) {
    case Datum::Kind::kNull: return "null";
    case Datum::Kind::kBoolean: return "boolean";
    case Datum::Kind::kInt: return "int";
    case Datum::Kind::kLong: return "long";
    case Datum::Kind::kString: return "string";
    case Datum::Kind::kBytes: return "bytes";
    case Datum::Kind::kRecord: return "record";
    case Datum::Kind::kArray: return "array";
    case Datum::Kind::kMap: return "map";
  }
  return "unknown";
}

namespace {

void AppendQuoted(std::string& out, const std::string& text, bool as_hex) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += as_hex ? "x\"" : "\"";
  for (unsigned char c : text) {
    if (as_hex || c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void AppendDebug(std::string& out, const Datum& datum) {
  switch (datum.kind()) {
    case Datum::Kind::kNull: out += "null"; return;
    case Datum::Kind::kBoolean: out += datum.boolean() ? "true" : "false"; return;
    case Datum::Kind::kInt: out += std::to_string(datum.int_value()); return;
    case Datum::Kind::kLong: out += std::to_string(datum.long_value()) + "L"; return;
    case Datum::Kind::kString: AppendQuoted(out, datum.string_value(), false); return;
    case Datum::Kind::kBytes: AppendQuoted(out, datum.bytes_value(), true); return;
    case Datum::Kind::kRecord:
    case Datum::Kind::kArray: {
      const bool record = datum.kind() == Datum::Kind::kRecord;
      out += record ? "{" : "[";
      const auto& children = record ? datum.fields() : datum.items();
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += ", ";
        AppendDebug(out, children[i]);
      }
      out += record ? "}" : "]";
      return;
    }
    case Datum::Kind::kMap: {
      out += "map{";
      for (size_t i = 0; i < datum.entries().size(); ++i) {
        if (i > 0) out += ", ";
        AppendQuoted(out, datum.entries()[i].first, false);
        out += ": ";
        AppendDebug(out, datum.entries()[i].second);
      }
      out += "}";
      return;
    }
  }
}

}  // namespace

std::string ToDebugString(const Datum& datum) {
  std::string out;
  AppendDebug(out, datum);
  return out;
}

void PrintTo(const Datum& datum, std::ostream* os) { *os << ToDebugString(datum); }

}  // namespace tradeagg::lake::avro
