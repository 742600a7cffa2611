// StructView: reads an Iceberg struct out of a decoded Avro record by field id, the way the
// spec wants readers to resolve columns (never by position: writers differ in field order and
// in which optional fields they write).
//
// A field absent from the writer's schema reads as null. Getters check the value's kind and
// return kInvalidArgument naming the struct and the field id ("manifest_file field 501: want
// long, found string"); required getters also reject null. int values are promoted to long
// where a long is wanted (a legal Avro/Iceberg promotion).
// Thread safety: a view of data owned elsewhere; both must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/avro/datum.h"
#include "tradeagg/lake/avro/schema.h"

namespace tradeagg::lake::iceberg {

class StructView {
 public:
  // kInvalidArgument unless `schema` (or its non-null union branch) is a record and `datum` a
  // record of as many fields. `what` names the struct in messages.
  static Result<StructView> Of(const avro::Node& schema, const avro::Datum& datum, std::string what);

  // The field's value (null for an absent field) and, if present, its schema.
  const avro::Datum& Get(int32_t field_id, const avro::Node** schema = nullptr) const;

  Result<bool> Boolean(int32_t field_id) const;
  Result<std::optional<bool>> OptionalBoolean(int32_t field_id) const;
  Result<int32_t> Int(int32_t field_id) const;
  Result<std::optional<int32_t>> OptionalInt(int32_t field_id) const;
  Result<int64_t> Long(int32_t field_id) const;
  Result<std::optional<int64_t>> OptionalLong(int32_t field_id) const;
  Result<std::string> String(int32_t field_id) const;
  Result<std::optional<std::string>> OptionalBytes(int32_t field_id) const;
  Result<StructView> Struct(int32_t field_id) const;
  // Null lists read as empty.
  Result<std::vector<StructView>> StructList(int32_t field_id) const;
  Result<std::vector<int64_t>> LongList(int32_t field_id) const;
  // map<int, long> and map<int, binary> in the spec's array-of-records form; null reads as empty.
  Result<std::map<int32_t, int64_t>> IntLongMap(int32_t field_id) const;
  Result<std::map<int32_t, std::string>> IntBytesMap(int32_t field_id) const;

  const avro::Node& schema() const { return *schema_; }
  const avro::Datum& datum() const { return *datum_; }

 private:
  StructView(const avro::Node* schema, const avro::Datum* datum, std::string what)
      : schema_(schema), datum_(datum), what_(std::move(what)) {}

  Status Wrong(int32_t field_id, std::string_view want, const avro::Datum& found) const;
  Result<std::vector<const avro::Datum*>> MapEntries(int32_t field_id) const;

  const avro::Node* schema_;   // a record
  const avro::Datum* datum_;   // a record of schema_
  std::string what_;
};

}  // namespace tradeagg::lake::iceberg
