#include "tradeagg/store/mongo/mongo_work_lease.h"

#include <utility>

#include "tradeagg/core/time.h"

namespace tradeagg::store {

namespace {

constexpr std::string_view kLeases = "leases";

}  // namespace

MongoWorkLease::MongoWorkLease(MongoClient& client, MongoWorkLeaseOptions options)
    : client_(client), options_(std::move(options)) {}

std::string MongoWorkLease::IdOf(int64_t term) const { return options_.name + "#" + std::to_string(term); }

Result<MongoWorkLease::Term> MongoWorkLease::CurrentTerm() {
  Bson filter;
  filter.Append("name", options_.name);
  Term current;
  TRY(client_.Find(kLeases, filter, Bson(), [&](const Bson& doc) {
    const int64_t term = doc.GetInt64("term");
    if (term > current.term) current = {term, doc.GetString("holder"), doc.GetInt64("expires_us")};
  }));
  return current;
}

Result<bool> MongoWorkLease::Take(int64_t term, int64_t now_us) {
  Bson doc;
  doc.Append("_id", IdOf(term))
      .Append("name", options_.name)
      .Append("term", term)
      .Append("holder", options_.instance_id)
      .Append("expires_us", now_us + std::chrono::duration_cast<std::chrono::microseconds>(options_.ttl).count());
  Status inserted = client_.InsertOne(kLeases, doc);
  if (inserted.code() == StatusCode::kAlreadyExists) return false;  // another instance took this term
  TRY(inserted);
  // Old terms only keep the collection small: best effort.
  Bson old;
  old.Append("$lt", term - 1);
  Bson stale;
  stale.Append("name", options_.name).AppendDocument("term", old);
  (void)client_.DeleteMany(kLeases, stale);
  return true;
}

Result<bool> MongoWorkLease::Renew(const Term& current, int64_t now_us) {
  Bson selector;
  selector.Append("_id", IdOf(current.term)).Append("holder", options_.instance_id);
  Bson set;
  set.Append("expires_us", now_us + std::chrono::duration_cast<std::chrono::microseconds>(options_.ttl).count());
  Bson update;
  update.AppendDocument("$set", set);
  ASSIGN_OR_RETURN(int64_t matched, client_.UpdateOne(kLeases, selector, update));
  return matched == 1;
}

Result<bool> MongoWorkLease::Hold() {
  ASSIGN_OR_RETURN(Term current, CurrentTerm());
  const int64_t now_us = Timestamp::Now().micros();
  const bool expired = current.term == 0 || current.expires_us <= now_us;
  from_itself_ = current.term == 0 || current.holder == options_.instance_id;
  if (!expired) {
    if (current.holder != options_.instance_id) return false;
    return Renew(current, now_us);
  }
  // Free, or its holder (perhaps this instance, too late to renew) let it lapse: the next term.
  return Take(current.term + 1, now_us);
}

}  // namespace tradeagg::store
