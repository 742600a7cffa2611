// CountedObjectStore: an ObjectStore that counts the failures of the store it wraps, for the
// service's metrics; everything else passes through unchanged.
//
// A failure is what an operator must look at (unreachable, refused, broken); an absent key
// (kNotFound) is an answer, not a failure.
// Thread safety: as the wrapped store; the counter is atomic.
#pragma once

#include <memory>

#include "tradeagg/core/status_of.h"
#include "tradeagg/lake/object_store.h"
#include "tradeagg/metrics/counter.h"

namespace tradeagg::lake {

class CountedObjectStore : public ObjectStore {
 public:
  CountedObjectStore(std::unique_ptr<ObjectStore> store, metrics::Counter& errors)
      : store_(std::move(store)), errors_(errors) {}

  Status Put(std::string_view key, std::string_view bytes) override { return Count(store_->Put(key, bytes)); }
  Status PutFile(std::string_view key, const std::filesystem::path& path) override {
    return Count(store_->PutFile(key, path));
  }
  Result<std::string> Get(std::string_view key) override { return Count(store_->Get(key)); }
  Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length) override {
    return Count(store_->GetRange(key, offset, length));
  }
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override { return Count(store_->List(prefix)); }
  Status Delete(std::string_view key) override { return Count(store_->Delete(key)); }
  Result<bool> Exists(std::string_view key) override { return Count(store_->Exists(key)); }
  std::string Uri(std::string_view key) const override { return store_->Uri(key); }
  Result<std::string> KeyForUri(std::string_view uri) const override { return store_->KeyForUri(uri); }
  Result<std::filesystem::path> LocalCopy(std::string_view key) override { return Count(store_->LocalCopy(key)); }

 private:
  template <typename T>
  T Count(T outcome) {
    const Status& status = StatusOf(outcome);
    if (!status.ok() && status.code() != StatusCode::kNotFound) errors_.Increment();
    return outcome;
  }

  std::unique_ptr<ObjectStore> store_;
  metrics::Counter& errors_;
};

}  // namespace tradeagg::lake
