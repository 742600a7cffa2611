#include "tradeagg/lake/iceberg/struct_view.h"

namespace tradeagg::lake::iceberg {

using avro::Datum;
using avro::Node;
using avro::Type;

namespace {

// Iceberg writes only ["null", T] unions; the interesting schema is T.
const Node* NonNull(const Node* node) {
  if (node == nullptr || node->type != Type::kUnion) return node;
  for (const Node* branch : node->branches) {
    if (branch->type != Type::kNull) return branch;
  }
  return node;
}

const Datum& NullDatum() {
  static const Datum kNull;
  return kNull;
}

}  // namespace

Result<StructView> StructView::Of(const Node& schema, const Datum& datum, std::string what) {
  const Node* record = NonNull(&schema);
  if (record->type != Type::kRecord || datum.kind() != Datum::Kind::kRecord ||
      datum.fields().size() != record->fields.size()) {
    return Status::InvalidArgument(what + ": want a record, found " + avro::KindName(datum.kind()));
  }
  return StructView(record, &datum, std::move(what));
}

const Datum& StructView::Get(int32_t field_id, const Node** schema) const {
  size_t index = 0;
  const avro::Field* field = avro::FindFieldById(*schema_, field_id, &index);
  if (schema != nullptr) *schema = field == nullptr ? nullptr : field->type;
  return field == nullptr ? NullDatum() : datum_->fields()[index];
}

Status StructView::Wrong(int32_t field_id, std::string_view want, const Datum& found) const {
  return Status::InvalidArgument(what_ + " field " + std::to_string(field_id) + ": want " + std::string(want) +
                                 ", found " + avro::KindName(found.kind()));
}

Result<std::optional<bool>> StructView::OptionalBoolean(int32_t field_id) const {
  const Datum& d = Get(field_id);
  if (d.is_null()) return std::optional<bool>();
  if (d.kind() != Datum::Kind::kBoolean) return Wrong(field_id, "boolean", d);
  return std::optional<bool>(d.boolean());
}

Result<std::optional<int32_t>> StructView::OptionalInt(int32_t field_id) const {
  const Datum& d = Get(field_id);
  if (d.is_null()) return std::optional<int32_t>();
  if (d.kind() != Datum::Kind::kInt) return Wrong(field_id, "int", d);
  return std::optional<int32_t>(d.int_value());
}

Result<std::optional<int64_t>> StructView::OptionalLong(int32_t field_id) const {
  const Datum& d = Get(field_id);
  if (d.is_null()) return std::optional<int64_t>();
  if (d.kind() == Datum::Kind::kInt) return std::optional<int64_t>(d.int_value());
  if (d.kind() != Datum::Kind::kLong) return Wrong(field_id, "long", d);
  return std::optional<int64_t>(d.long_value());
}

Result<std::optional<std::string>> StructView::OptionalBytes(int32_t field_id) const {
  const Datum& d = Get(field_id);
  if (d.is_null()) return std::optional<std::string>();
  if (d.kind() != Datum::Kind::kBytes) return Wrong(field_id, "bytes", d);
  return std::optional<std::string>(d.bytes_value());
}

Result<bool> StructView::Boolean(int32_t field_id) const {
  ASSIGN_OR_RETURN(std::optional<bool> v, OptionalBoolean(field_id));
  if (!v) return Wrong(field_id, "boolean", NullDatum());
  return *v;
}

Result<int32_t> StructView::Int(int32_t field_id) const {
  ASSIGN_OR_RETURN(std::optional<int32_t> v, OptionalInt(field_id));
  if (!v) return Wrong(field_id, "int", NullDatum());
  return *v;
}

Result<int64_t> StructView::Long(int32_t field_id) const {
  ASSIGN_OR_RETURN(std::optional<int64_t> v, OptionalLong(field_id));
  if (!v) return Wrong(field_id, "long", NullDatum());
  return *v;
}

Result<std::string> StructView::String(int32_t field_id) const {
  const Datum& d = Get(field_id);
  if (d.kind() != Datum::Kind::kString) return Wrong(field_id, "string", d);
  return d.string_value();
}

Result<StructView> StructView::Struct(int32_t field_id) const {
  const Node* schema = nullptr;
  const Datum& d = Get(field_id, &schema);
  if (schema == nullptr || d.is_null()) return Wrong(field_id, "record", d);
  return Of(*schema, d, what_ + "." + std::to_string(field_id));
}

Result<std::vector<StructView>> StructView::StructList(int32_t field_id) const {
  const Node* schema = nullptr;
  const Datum& d = Get(field_id, &schema);
  std::vector<StructView> out;
  if (d.is_null()) return out;
  const Node* list = NonNull(schema);
  if (d.kind() != Datum::Kind::kArray || list->type != Type::kArray) return Wrong(field_id, "list", d);
  for (const Datum& item : d.items()) {
    ASSIGN_OR_RETURN(StructView element, Of(*list->items, item, what_ + "." + std::to_string(field_id) + "[]"));
    out.push_back(std::move(element));
  }
  return out;
}

Result<std::vector<int64_t>> StructView::LongList(int32_t field_id) const {
  const Datum& d = Get(field_id);
  std::vector<int64_t> out;
  if (d.is_null()) return out;
  if (d.kind() != Datum::Kind::kArray) return Wrong(field_id, "list<long>", d);
  for (const Datum& item : d.items()) {
    if (item.kind() == Datum::Kind::kLong) {
      out.push_back(item.long_value());
    } else if (item.kind() == Datum::Kind::kInt) {
      out.push_back(item.int_value());
    } else {
      return Wrong(field_id, "list<long>", item);
    }
  }
  return out;
}

// The key/value records of an int-keyed map, each checked to have an int key.
Result<std::vector<const Datum*>> StructView::MapEntries(int32_t field_id) const {
  const Datum& d = Get(field_id);
  std::vector<const Datum*> out;
  if (d.is_null()) return out;
  if (d.kind() != Datum::Kind::kArray) return Wrong(field_id, "map as array of key/value records", d);
  for (const Datum& entry : d.items()) {
    if (entry.kind() != Datum::Kind::kRecord || entry.fields().size() != 2 ||
        entry.fields()[0].kind() != Datum::Kind::kInt) {
      return Wrong(field_id, "key/value record with an int key", entry);
    }
    out.push_back(&entry);
  }
  return out;
}

Result<std::map<int32_t, int64_t>> StructView::IntLongMap(int32_t field_id) const {
  ASSIGN_OR_RETURN(std::vector<const Datum*> entries, MapEntries(field_id));
  std::map<int32_t, int64_t> out;
  for (const Datum* entry : entries) {
    const Datum& value = entry->fields()[1];
    if (value.kind() == Datum::Kind::kLong) {
      out[entry->fields()[0].int_value()] = value.long_value();
    } else if (value.kind() == Datum::Kind::kInt) {
      out[entry->fields()[0].int_value()] = value.int_value();
    } else {
      return Wrong(field_id, "map value long", value);
    }
  }
  return out;
}

Result<std::map<int32_t, std::string>> StructView::IntBytesMap(int32_t field_id) const {
  ASSIGN_OR_RETURN(std::vector<const Datum*> entries, MapEntries(field_id));
  std::map<int32_t, std::string> out;
  for (const Datum* entry : entries) {
    const Datum& value = entry->fields()[1];
    if (value.kind() != Datum::Kind::kBytes) return Wrong(field_id, "map value bytes", value);
    out[entry->fields()[0].int_value()] = value.bytes_value();
  }
  return out;
}

}  // namespace tradeagg::lake::iceberg
