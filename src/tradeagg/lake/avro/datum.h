// Datum: one Avro value of any type, schema-less (the schema travels separately).
//
// Kinds map to Avro types: null, boolean, int (int32), long (int64), string, bytes (also used
// for fixed), record (field values in schema order), array, map (string keys, in the order
// written). A union value is just the value of its branch: the encoder picks the first branch
// whose type fits the datum's kind, the decoder returns the branch's value.
// Accessors must match kind() (checked with assert); callers check kind() first when the
// data comes from outside.
// Thread safety: value type.
#pragma once

#include <cassert>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tradeagg::lake::avro {

class Datum {
 public:
  // The order matches the alternatives of Value below.
  enum class Kind { kNull, kBoolean, kInt, kLong, kString, kBytes, kRecord, kArray, kMap };
  using MapEntries = std::vector<std::pair<std::string, Datum>>;

 private:
  using Value = std::variant<std::monostate, bool, int32_t, int64_t, std::string, std::string, std::vector<Datum>,
                             std::vector<Datum>, MapEntries>;

 public:

  Datum() = default;  // null
  static Datum Null() { return Datum(); }
  static Datum Boolean(bool v) { return Datum(std::in_place_index<1>, v); }
  static Datum Int(int32_t v) { return Datum(std::in_place_index<2>, v); }
  static Datum Long(int64_t v) { return Datum(std::in_place_index<3>, v); }
  static Datum String(std::string v) { return Datum(std::in_place_index<4>, std::move(v)); }
  static Datum Bytes(std::string v) { return Datum(std::in_place_index<5>, std::move(v)); }
  static Datum Record(std::vector<Datum> fields) { return Datum(std::in_place_index<6>, std::move(fields)); }
  static Datum Array(std::vector<Datum> items) { return Datum(std::in_place_index<7>, std::move(items)); }
  static Datum Map(MapEntries entries) { return Datum(std::in_place_index<8>, std::move(entries)); }

  Kind kind() const { return static_cast<Kind>(value_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }

  bool boolean() const { return Get<1>(); }
  int32_t int_value() const { return Get<2>(); }
  int64_t long_value() const { return Get<3>(); }
  const std::string& string_value() const { return Get<4>(); }
  const std::string& bytes_value() const { return Get<5>(); }
  const std::vector<Datum>& fields() const { return Get<6>(); }
  const std::vector<Datum>& items() const { return Get<7>(); }
  const MapEntries& entries() const { return Get<8>(); }

  bool operator==(const Datum& other) const { return value_ == other.value_; }

 private:
  template <size_t I, typename... Args>
  explicit Datum(std::in_place_index_t<I> index, Args&&... args) : value_(index, std::forward<Args>(args)...) {}

  template <size_t I>
  const std::variant_alternative_t<I, Value>& Get() const {
    assert(value_.index() == I && "Datum accessor does not match kind()");
    return *std::get_if<I>(&value_);
  }

  Value value_;
};

const char* KindName(Datum::Kind kind);

// A readable rendering for test failures and logs: {1, "a", x"00ff", [2L], map{"k": null}}.
std::string ToDebugString(const Datum& datum);
// GoogleTest picks this up to print a Datum in assertion messages.
void PrintTo(const Datum& datum, std::ostream* os);

}  // namespace tradeagg::lake::avro
