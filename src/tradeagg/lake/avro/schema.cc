#include "tradeagg/lake/avro/schema.h"

#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

namespace tradeagg::lake::avro {

using Json = nlohmann::json;

const char* TypeName(Type type) {
  switch (type) {
    case Type::kNull: return "null";
    case Type::kBoolean: return "boolean";
    case Type::kInt: return "int";
    case Type::kLong: return "long";
    case Type::kBytes: return "bytes";
    case Type::kString: return "string";
    case Type::kRecord: return "record";
    case Type::kArray: return "array";
    case Type::kMap: return "map";
    case Type::kUnion: return "union";
    case Type::kFixed: return "fixed";
  }
  return "unknown";
}

std::optional<int32_t> IntProp(const Props& props, std::string_view key) {
  auto it = props.find(std::string(key));
  if (it == props.end()) return std::nullopt;
  const std::string& text = it->second;
  int32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const Field* FindFieldById(const Node& record, int32_t field_id, size_t* index) {
  for (size_t i = 0; i < record.fields.size(); ++i) {
    if (IntProp(record.fields[i].props, "field-id") == field_id) {
      if (index != nullptr) *index = i;
      return &record.fields[i];
    }
  }
  return nullptr;
}

namespace {

std::optional<Type> PrimitiveType(std::string_view name) {
  if (name == "null") return Type::kNull;
  if (name == "boolean") return Type::kBoolean;
  if (name == "int") return Type::kInt;
  if (name == "long") return Type::kLong;
  if (name == "bytes") return Type::kBytes;
  if (name == "string") return Type::kString;
  return std::nullopt;
}

bool IsUnsupported(std::string_view name) {
  return name == "float" || name == "double" || name == "enum";
}

std::string FullName(const std::string& name, const std::string& ns) {
  if (name.find('.') != std::string::npos || ns.empty()) return name;
  return ns + "." + name;
}

std::string Namespace(const std::string& full_name) {
  size_t dot = full_name.rfind('.');
  return dot == std::string::npos ? std::string() : full_name.substr(0, dot);
}

}  // namespace

// Walks the JSON tree once, creating nodes owned by the schema. `path` names the place being
// parsed (e.g. "manifest_entry.data_file") so that errors say where.
class SchemaParser {
 public:
  explicit SchemaParser(Schema* schema) : schema_(schema) {}

  Result<const Node*> Parse(const Json& json, const std::string& ns, const std::string& path) {
    if (json.is_string()) return ParseName(json.get<std::string>(), ns, path);
    if (json.is_array()) return ParseUnion(json, ns, path);
    if (!json.is_object()) return Error(path, "a schema must be a string, an object or an array");
    auto type = json.find("type");
    if (type == json.end() || !type->is_string()) return Error(path, "missing \"type\" string");
    const std::string type_name = type->get<std::string>();
    if (type_name == "record" || type_name == "error") return ParseRecord(json, ns, path);
    if (type_name == "fixed") return ParseFixed(json, ns, path);
    if (type_name == "array") return ParseContainer(json, Type::kArray, "items", ns, path);
    if (type_name == "map") return ParseContainer(json, Type::kMap, "values", ns, path);
    if (IsUnsupported(type_name)) return Error(path, "unsupported type \"" + type_name + "\"");
    std::optional<Type> primitive = PrimitiveType(type_name);
    if (!primitive) return Error(path, "unknown type \"" + type_name + "\"");
    Node* node = NewNode(*primitive);
    KeepAttributes(json, {"type"}, node);
    return node;
  }

 private:
  static Status Error(const std::string& path, const std::string& what) {
    return Status::InvalidArgument("avro schema at " + (path.empty() ? "<root>" : path) + ": " + what);
  }

  Node* NewNode(Type type) {
    schema_->nodes_.push_back(std::make_unique<Node>());
    schema_->nodes_.back()->type = type;
    return schema_->nodes_.back().get();
  }

  // Splits the object's attributes: "logicalType" into the node, others into props, except
  // the ones the caller interprets itself.
  static void KeepAttributes(const Json& json, std::initializer_list<std::string_view> known, Node* node) {
    for (auto it = json.begin(); it != json.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
      if (it.key() == "logicalType" && it->is_string()) {
        node->logical_type = it->get<std::string>();
      } else {
        node->props[it.key()] = it->dump();
      }
    }
  }

  Result<const Node*> ParseName(const std::string& name, const std::string& ns, const std::string& path) {
    if (std::optional<Type> primitive = PrimitiveType(name)) return static_cast<const Node*>(NewNode(*primitive));
    if (IsUnsupported(name)) return Error(path, "unsupported type \"" + name + "\"");
    for (const std::string& candidate : {FullName(name, ns), name}) {
      auto it = named_.find(candidate);
      if (it != named_.end()) return it->second;
    }
    return Error(path, "unknown type name \"" + name + "\"");
  }

  Result<Node*> DeclareNamed(const Json& json, Type type, const std::string& ns, const std::string& path) {
    auto name = json.find("name");
    if (name == json.end() || !name->is_string() || name->get<std::string>().empty()) {
      return Error(path, std::string(TypeName(type)) + " without a \"name\"");
    }
    std::string declared_ns = ns;
    auto explicit_ns = json.find("namespace");
    if (explicit_ns != json.end() && explicit_ns->is_string()) declared_ns = explicit_ns->get<std::string>();
    std::string full_name = FullName(name->get<std::string>(), declared_ns);
    if (PrimitiveType(full_name)) return Error(path, "a named type may not be called \"" + full_name + "\"");
    if (named_.count(full_name) != 0) return Error(path, "type \"" + full_name + "\" is defined twice");
    Node* node = NewNode(type);
    node->name = full_name;
    named_[full_name] = node;  // before the fields: a record may refer to itself
    return node;
  }

  Result<const Node*> ParseRecord(const Json& json, const std::string& ns, const std::string& path) {
    ASSIGN_OR_RETURN(Node * node, DeclareNamed(json, Type::kRecord, ns, path));
    KeepAttributes(json, {"type", "name", "namespace", "fields"}, node);
    auto fields = json.find("fields");
    if (fields == json.end() || !fields->is_array()) return Error(path, "record without a \"fields\" array");
    const std::string inner_ns = Namespace(node->name);
    std::set<std::string> seen;
    for (const Json& field_json : *fields) {
      if (!field_json.is_object()) return Error(path, "a record field must be an object");
      auto name = field_json.find("name");
      if (name == field_json.end() || !name->is_string()) return Error(path, "record field without a \"name\"");
      Field field;
      field.name = name->get<std::string>();
      const std::string field_path = path.empty() ? field.name : path + "." + field.name;
      if (!seen.insert(field.name).second) return Error(field_path, "duplicate field name");
      auto type = field_json.find("type");
      if (type == field_json.end()) return Error(field_path, "record field without a \"type\"");
      ASSIGN_OR_RETURN(field.type, Parse(*type, inner_ns, field_path));
      for (auto it = field_json.begin(); it != field_json.end(); ++it) {
        if (it.key() != "name" && it.key() != "type") field.props[it.key()] = it->dump();
      }
      node->fields.push_back(std::move(field));
    }
    return static_cast<const Node*>(node);
  }

  Result<const Node*> ParseFixed(const Json& json, const std::string& ns, const std::string& path) {
    ASSIGN_OR_RETURN(Node * node, DeclareNamed(json, Type::kFixed, ns, path));
    KeepAttributes(json, {"type", "name", "namespace", "size"}, node);
    auto size = json.find("size");
    if (size == json.end() || !size->is_number_unsigned()) return Error(path, "fixed without a non-negative \"size\"");
    node->fixed_size = size->get<size_t>();
    return static_cast<const Node*>(node);
  }

  Result<const Node*> ParseContainer(const Json& json, Type type, const char* child_key, const std::string& ns,
                                     const std::string& path) {
    auto child = json.find(child_key);
    if (child == json.end()) return Error(path, std::string(TypeName(type)) + " without \"" + child_key + "\"");
    Node* node = NewNode(type);
    KeepAttributes(json, {"type", child_key}, node);
    ASSIGN_OR_RETURN(const Node* child_node, Parse(*child, ns, path + "[]"));
    (type == Type::kArray ? node->items : node->values) = child_node;
    return static_cast<const Node*>(node);
  }

  Result<const Node*> ParseUnion(const Json& json, const std::string& ns, const std::string& path) {
    Node* node = NewNode(Type::kUnion);
    std::set<std::string> seen;  // a union may hold each unnamed type, and each name, once
    for (const Json& branch_json : json) {
      const std::string branch_path = path + "<" + std::to_string(node->branches.size()) + ">";
      ASSIGN_OR_RETURN(const Node* branch, Parse(branch_json, ns, branch_path));
      if (branch->type == Type::kUnion) return Error(branch_path, "a union may not directly contain a union");
      std::string key = branch->name.empty() ? TypeName(branch->type) : branch->name;
      if (!seen.insert(key).second) return Error(branch_path, "union holds \"" + key + "\" twice");
      node->branches.push_back(branch);
    }
    if (node->branches.empty()) return Error(path, "empty union");
    return static_cast<const Node*>(node);
  }

  Schema* schema_;
  std::map<std::string, const Node*> named_;
};

Result<Schema> Schema::Parse(std::string_view json) {
  Json document = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Status::InvalidArgument("avro schema: not valid JSON");
  Schema schema;
  schema.json_ = std::string(json);
  SchemaParser parser(&schema);
  ASSIGN_OR_RETURN(schema.root_, parser.Parse(document, "", ""));
  return schema;
}

}  // namespace tradeagg::lake::avro
