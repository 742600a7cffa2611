#include "tradeagg/store/mongo/mongo_fields.h"

#include <random>
#include <utility>

namespace tradeagg::store {

namespace {

// BSON dates are milliseconds; floor, so that a time before 1970 still rounds down.
int64_t MillisOf(Timestamp t) {
  const int64_t us = t.micros();
  return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

std::string MicrosKey(std::string_view key) { return std::string(key) + "_us"; }

constexpr int kClaimAttempts = 3;

}  // namespace

FieldWriter& FieldWriter::Text(std::string_view key, std::string_view value) {
  set_.Append(key, value);
  return *this;
}

FieldWriter& FieldWriter::Int64(std::string_view key, int64_t value) {
  set_.Append(key, value);
  return *this;
}

FieldWriter& FieldWriter::Time(std::string_view key, Timestamp value) {
  set_.AppendDateTime(key, MillisOf(value));
  set_.Append(MicrosKey(key), value.micros());
  return *this;
}

FieldWriter& FieldWriter::OptionalInt64(std::string_view key, const std::optional<int64_t>& value) {
  if (value) return Int64(key, *value);
  Unset(key);
  return *this;
}

FieldWriter& FieldWriter::OptionalTime(std::string_view key, const std::optional<Timestamp>& value) {
  if (value) return Time(key, *value);
  Unset(key);
  Unset(MicrosKey(key));
  return *this;
}

FieldWriter& FieldWriter::Array(std::string_view key, const std::vector<Bson>& docs) {
  set_.AppendArray(key, docs);
  return *this;
}

void FieldWriter::Unset(std::string_view key) {
  if (unset_ == nullptr) return;
  unset_->Append(key, "");
  unset_any_ = true;
}

Bson SetUnsetUpdate(const Bson& set, const Bson& unset, bool unset_any) {
  Bson update;
  update.AppendDocument("$set", set);
  if (unset_any) update.AppendDocument("$unset", unset);
  return update;
}

Timestamp ReadTime(const Bson& doc, std::string_view key) {
  return Timestamp::FromMicros(doc.GetInt64(MicrosKey(key)));
}

std::optional<Timestamp> ReadOptionalTime(const Bson& doc, std::string_view key) {
  if (!doc.Has(MicrosKey(key))) return std::nullopt;
  return ReadTime(doc, key);
}

std::optional<int64_t> ReadOptionalInt64(const Bson& doc, std::string_view key) {
  if (!doc.Has(key)) return std::nullopt;
  return doc.GetInt64(key);
}

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (const std::string& code : codes) {
    if (!out.empty()) out += ',';
    out += code;
  }
  return out;
}

std::vector<std::string> SplitCodes(std::string_view text) {
  std::vector<std::string> codes;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    codes.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return codes;
}

std::string NewToken() {
  thread_local std::mt19937_64 engine([] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int word = 0; word < 2; ++word) {
    uint64_t bits = engine();
    for (int i = 0; i < 16; ++i, bits >>= 4) token += kHex[bits & 0xf];
  }
  return token;
}

Bson IdFilter(int64_t id) {
  Bson filter;
  filter.Append("_id", id);
  return filter;
}

Bson IdFilter(std::string_view id) {
  Bson filter;
  filter.Append("_id", id);
  return filter;
}

Result<std::optional<Bson>> FindOne(MongoClient& client, std::string_view collection, const Bson& filter,
                                    const Bson& opts) {
  std::optional<Bson> found;
  TRY(client.Find(collection, filter, opts, [&](const Bson& doc) {
    if (!found) found = Bson::CopyOf(doc.get());
  }));
  return found;
}

Result<bool> InsertClaim(MongoClient& client, std::string_view collection, const Bson& doc, const Bson& id_filter,
                         std::string_view claim) {
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    Status inserted = client.InsertOne(collection, doc);
    if (inserted.ok()) return true;
    if (inserted.code() != StatusCode::kAlreadyExists && inserted.code() != StatusCode::kStateUnknown) {
      return inserted;
    }
    Result<std::optional<Bson>> holder = FindOne(client, collection, id_filter);
    if (!holder.ok()) {
      return Status(inserted.code() == StatusCode::kStateUnknown ? StatusCode::kStateUnknown : holder.status().code(),
                    inserted.message() + "; reading it back: " + holder.status().message());
    }
    if (holder->has_value()) return (*holder)->GetString("claim") == claim;
    // Not there: the insert did not happen (claims are never deleted); try it again.
  }
  return Status::Unavailable("insert into " + std::string(collection) + ": the outcome stayed unknown; retry");
}

}  // namespace tradeagg::store
