#include "tradeagg/lake/iceberg/schema.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace tradeagg::lake::iceberg {

namespace {

struct TypeName {
  TypeId id;
  std::string_view name;
};

// Parameterless primitive types by their spec names.
constexpr TypeName kSimpleTypes[] = {
    {TypeId::kBoolean, "boolean"},     {TypeId::kInt, "int"},       {TypeId::kLong, "long"},
    {TypeId::kFloat, "float"},         {TypeId::kDouble, "double"}, {TypeId::kDate, "date"},
    {TypeId::kTime, "time"},           {TypeId::kTimestamp, "timestamp"},
    {TypeId::kTimestampTz, "timestamptz"}, {TypeId::kString, "string"}, {TypeId::kUuid, "uuid"},
    {TypeId::kBinary, "binary"},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<int32_t> ParseInt(std::string_view s) {
  s = Trim(s);
  int32_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string PrimitiveType::ToString() const {
  switch (id) {
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
    case TypeId::kFixed:
      return "fixed[" + std::to_string(length) + "]";
    default:
      for (const TypeName& t : kSimpleTypes) {
        if (t.id == id) return std::string(t.name);
      }
      return "unknown";
  }
}

Result<PrimitiveType> PrimitiveType::Parse(std::string_view text) {
  const std::string_view s = Trim(text);
  for (const TypeName& t : kSimpleTypes) {
    if (s == t.name) return Of(t.id);
  }
  auto invalid = [text](std::string_view why) {
    return Status::InvalidArgument("Iceberg type '" + std::string(text) + "': " + std::string(why));
  };
  if (s.starts_with("decimal(") && s.ends_with(")")) {
    std::string_view args = s.substr(8, s.size() - 9);
    size_t comma = args.find(',');
    if (comma == std::string_view::npos) return invalid("expected decimal(P, S)");
    std::optional<int32_t> p = ParseInt(args.substr(0, comma));
    std::optional<int32_t> sc = ParseInt(args.substr(comma + 1));
    if (!p || !sc) return invalid("expected decimal(P, S)");
    if (*p < 1 || *p > 38 || *sc < 0 || *sc > *p) return invalid("precision or scale out of range");
    return Decimal(*p, *sc);
  }
  if (s.starts_with("fixed[") && s.ends_with("]")) {
    std::optional<int32_t> length = ParseInt(s.substr(6, s.size() - 7));
    if (!length || *length < 1) return invalid("expected fixed[L] with L > 0");
    return Fixed(*length);
  }
  return invalid("unsupported type (tradeagg models flat schemas of primitive types)");
}

const SchemaField* Schema::FindField(int32_t id) const {
  for (const SchemaField& f : fields) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

const SchemaField* Schema::FindField(std::string_view name) const {
  for (const SchemaField& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

int32_t Schema::HighestFieldId() const {
  int32_t highest = 0;
  for (const SchemaField& f : fields) highest = std::max(highest, f.id);
  return highest;
}

Status Schema::Validate() const {
  std::set<int32_t> ids;
  std::set<std::string_view> names;
  for (const SchemaField& f : fields) {
    if (f.id <= 0) return Status::InvalidArgument("schema field '" + f.name + "' has a non-positive id");
    if (f.name.empty()) return Status::InvalidArgument("schema field " + std::to_string(f.id) + " has no name");
    if (!ids.insert(f.id).second) {
      return Status::InvalidArgument("schema field id " + std::to_string(f.id) + " is used twice");
    }
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("schema field name '" + f.name + "' is used twice");
    }
  }
  for (int32_t id : identifier_field_ids) {
    const SchemaField* f = FindField(id);
    if (f == nullptr || !f->required) {
      return Status::InvalidArgument("identifier field " + std::to_string(id) + " is not a required field");
    }
  }
  return Status::Ok();
}

}  // namespace tradeagg::lake::iceberg
