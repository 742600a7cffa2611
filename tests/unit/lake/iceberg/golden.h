// Test helpers: the PyIceberg golden files of tests/data/iceberg/ and fastavro's description
// of them (expected.json), see tests/data/iceberg/README.md.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace tradeagg::lake::iceberg::testing {

inline std::string ReadGolden(const std::string& name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "../../../data/iceberg" / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing golden file " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// fastavro's reading of a golden file: {"metadata": {...}, "records": [...]}.
inline nlohmann::json Expected(const std::string& name) { return nlohmann::json::parse(ReadGolden("expected.json"))[name]; }

inline std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

inline std::optional<std::string> OptionalUnhex(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  return Unhex(value.get<std::string>());
}

inline std::optional<int64_t> OptionalInt(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<int64_t>();
}

// An int-keyed map written as key/value records; null reads as empty, as our reader does.
template <typename V>
std::map<int32_t, V> IntMap(const nlohmann::json& entries, bool hex_values) {
  std::map<int32_t, V> out;
  if (entries.is_null()) return out;
  for (const auto& entry : entries) {
    if constexpr (std::is_same_v<V, std::string>) {
      out[entry["key"].get<int32_t>()] = hex_values ? Unhex(entry["value"].get<std::string>()) : entry["value"].get<std::string>();
    } else {
      out[entry["key"].get<int32_t>()] = entry["value"].get<V>();
    }
  }
  return out;
}

// Removes every "doc" attribute: documentation, not structure.
inline nlohmann::json WithoutDocs(nlohmann::json json) {
  if (json.is_object()) json.erase("doc");
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it->is_structured()) *it = WithoutDocs(*it);
  }
  return json;
}

}  // namespace tradeagg::lake::iceberg::testing
