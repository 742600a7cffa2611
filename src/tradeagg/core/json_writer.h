// JsonWriter: appends JSON text to a string, fast enough for the ingest hot path.
//
// Commas are placed automatically; strings are escaped per RFC 8259. Decimals are written as
// JSON strings (exact; clients parse them as decimals), integers as numbers.
// Thread safety: none; one writer per response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/decimal.h"

namespace tradeagg {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Int(int128 value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  JsonWriter& Decimal(const tradeagg::Decimal& value) { return String(value.ToString()); }
  // Pre-serialised JSON, inserted as one value.
  JsonWriter& Raw(std::string_view json);

  // Convenience: Key(k) followed by the value.
  template <typename T>
  JsonWriter& Field(std::string_view key, const T& value);

  std::string& str() { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

template <typename T>
JsonWriter& JsonWriter::Field(std::string_view key, const T& value) {
  Key(key);
  if constexpr (std::is_same_v<T, tradeagg::Decimal>) {
    return Decimal(value);
  } else if constexpr (std::is_same_v<T, bool>) {
    return Bool(value);
  } else if constexpr (std::is_integral_v<T> || std::is_same_v<T, int128>) {
    return Int(static_cast<std::conditional_t<std::is_same_v<T, int128>, int128, int64_t>>(value));
  } else {
    return String(value);
  }
}

void AppendJsonEscaped(std::string& out, std::string_view value);

}  // namespace tradeagg
