// Avro Schema: the model of an Avro schema parsed from its JSON text (Avro 1.11 spec,
// "Schema Declaration").
//
// Supported types: null, boolean, int, long, bytes, string, record, array, map, union, fixed,
// and references to named types (records and fixed, resolved through namespaces; recursive
// records are allowed). float, double and enum are rejected: nothing tradeagg reads or writes
// uses them.
//
// Attributes the model does not interpret ("field-id", "element-id", "key-id", "value-id",
// "adjust-to-utc", ...) are kept as raw JSON text in `props`; "logicalType" is kept in
// `logical_type`. The schema also keeps its JSON text exactly as given, because writers must
// store it unchanged in a container file (Iceberg readers need the ids in it).
//
// Guarantees: every Node and Field pointer stays valid for the life of the Schema, including
// across moves. Thread safety: immutable after Parse; safe to share for reading.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"

namespace tradeagg::lake::avro {

enum class Type { kNull, kBoolean, kInt, kLong, kBytes, kString, kRecord, kArray, kMap, kUnion, kFixed };

const char* TypeName(Type type);

struct Node;

// Raw JSON text of each attribute the model does not interpret, by attribute name.
using Props = std::map<std::string, std::string>;

struct Field {
  std::string name;
  const Node* type = nullptr;
  Props props;  // e.g. "field-id" -> "100", "default" -> "null", "doc" -> "\"...\""
};

struct Node {
  Type type = Type::kNull;
  std::string name;          // full name of a record or fixed; empty otherwise
  std::string logical_type;  // empty when absent
  std::vector<Field> fields;           // record
  const Node* items = nullptr;         // array
  const Node* values = nullptr;        // map
  std::vector<const Node*> branches;   // union
  size_t fixed_size = 0;               // fixed
  Props props;
};

// An integer-valued attribute such as "field-id" or "element-id"; nullopt when absent or not
// an integer that fits in 32 bits.
std::optional<int32_t> IntProp(const Props& props, std::string_view key);

// The record field with the given "field-id", or nullptr. Returns its position in *index.
const Field* FindFieldById(const Node& record, int32_t field_id, size_t* index);

class Schema {
 public:
  // Parses Avro schema JSON. kInvalidArgument, naming the offending place, when the text is
  // not JSON, not a valid schema, or uses an unsupported type.
  static Result<Schema> Parse(std::string_view json);

  Schema(Schema&&) = default;
  Schema& operator=(Schema&&) = default;
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  const Node& root() const { return *root_; }
  // The JSON text exactly as given to Parse.
  const std::string& json() const { return json_; }

 private:
  Schema() = default;
  friend class SchemaParser;

  std::vector<std::unique_ptr<Node>> nodes_;  // owns every node; addresses are stable
  const Node* root_ = nullptr;
  std::string json_;
};

}  // namespace tradeagg::lake::avro
