// How the MongoDB user and exposure stores lay out common values in a document, and the two
// lookups they share. (The trades collection has its own layout: mongo_trade_document.h.)
//
//   a time          <key>: BSON date (milliseconds, floored: for people and queries) and
//                   <key>_us: int64, the exact microseconds, which is the one read back
//   an optional     absent when empty; an update $unsets it, so that it clears what an earlier
//                   write set (FieldWriter)
//   a business date "YYYY-MM-DD" (sorts as the date does)
//   currency lists  "CHF,JPY": ISO codes never hold a comma
//
// NewToken: 128 random bits in hex, naming one attempt of a multi-document write (see
// mongo_exposure_store.h) or one claim of a unique _id (InsertClaim).
// Thread safety: functions; a FieldWriter is owned by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"
#include "tradeagg/store/mongo/mongo_client.h"

namespace tradeagg::store {

// Appends fields to `set` (a document, or the $set half of an update) and, given `unset`, lists
// the absent optionals there (the $unset half).
class FieldWriter {
 public:
  explicit FieldWriter(Bson& set, Bson* unset = nullptr) : set_(set), unset_(unset) {}

  FieldWriter& Text(std::string_view key, std::string_view value);
  FieldWriter& Int64(std::string_view key, int64_t value);
  FieldWriter& Time(std::string_view key, Timestamp value);
  FieldWriter& OptionalInt64(std::string_view key, const std::optional<int64_t>& value);
  FieldWriter& OptionalTime(std::string_view key, const std::optional<Timestamp>& value);
  FieldWriter& Array(std::string_view key, const std::vector<Bson>& docs);

  bool unset_any() const { return unset_any_; }

 private:
  void Unset(std::string_view key);

  Bson& set_;
  Bson* unset_;
  bool unset_any_ = false;
};

// {$set: set} or {$set: set, $unset: unset}.
Bson SetUnsetUpdate(const Bson& set, const Bson& unset, bool unset_any);

Timestamp ReadTime(const Bson& doc, std::string_view key);  // from <key>_us; 0 when absent
std::optional<Timestamp> ReadOptionalTime(const Bson& doc, std::string_view key);
std::optional<int64_t> ReadOptionalInt64(const Bson& doc, std::string_view key);

std::string JoinCodes(const std::vector<std::string>& codes);
std::vector<std::string> SplitCodes(std::string_view text);

std::string NewToken();

Bson IdFilter(int64_t id);
Bson IdFilter(std::string_view id);

// The first document `filter` matches (opts as MongoClient::Find's), or none.
Result<std::optional<Bson>> FindOne(MongoClient& client, std::string_view collection, const Bson& filter,
                                    const Bson& opts = Bson());

// Inserts `doc`, which carries its `claim` token in the field "claim", into a unique _id:
// true when the _id is this claim's, false when another writer holds it. A lost reply
// (kStateUnknown) or a driver retry that met its own first insert (kAlreadyExists) is resolved
// by reading the _id back and comparing the token, so an insert is never taken twice or lost.
Result<bool> InsertClaim(MongoClient& client, std::string_view collection, const Bson& doc, const Bson& id_filter,
                         std::string_view claim);

}  // namespace tradeagg::store
