// MongoWorkLease: a WorkLease (store/work_lease.h) kept in a MongoDB database that several
// instances share.
//
// Collection `leases`, one document per term of a lease:
//   { _id: "<name>#<term>", name, term, holder: <instance id>, expires_us }
// The current term is the one with the highest number. Taking the lease is inserting the next
// term's _id, the one write FerretDB 1.x makes atomic across clients (a unique _id), so of two
// instances that saw the same term expire exactly one gets the next. Renewing is the holder
// updating its own term's expiry (nobody else writes that document); a holder never renews a
// term that has expired by its clock, it takes a new one like anyone else, so a takeover is
// never undone by a late renewal. Terms two behind the current are deleted.
// Assumes clocks agree within a small part of `ttl`; where they do not, two holders for a
// moment are harmless by the role's contract.
// Thread safety: as WorkLease.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "tradeagg/store/mongo/mongo_client.h"
#include "tradeagg/store/work_lease.h"

namespace tradeagg::store {

struct MongoWorkLeaseOptions {
  std::string name;         // what the lease is for, e.g. "lake-export"
  std::string instance_id;  // this instance (MongoTradeStoreOptions::instance_id)
  std::chrono::milliseconds ttl{10'000};
};

class MongoWorkLease final : public WorkLease {
 public:
  MongoWorkLease(MongoClient& client, MongoWorkLeaseOptions options);
  Result<bool> Hold() override;
  bool FromItself() const override { return from_itself_; }

 private:
  struct Term {
    int64_t term = 0;
    std::string holder;
    int64_t expires_us = 0;
  };
  Result<Term> CurrentTerm();
  Result<bool> Take(int64_t term, int64_t now_us);
  Result<bool> Renew(const Term& current, int64_t now_us);
  std::string IdOf(int64_t term) const;

  MongoClient& client_;
  const MongoWorkLeaseOptions options_;
  bool from_itself_ = false;  // the term held was taken over from this instance id, or is its own
};

}  // namespace tradeagg::store
