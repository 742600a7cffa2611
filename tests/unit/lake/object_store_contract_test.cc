// The ObjectStore contract for the local file store (the S3 store's is in s3/).
#include "lake/object_store_contract.h"

#include "testing/temp_dir.h"
#include "tradeagg/lake/local/local_object_store.h"

namespace tradeagg::lake {
namespace {

class LocalObjects {
 public:
  Result<std::unique_ptr<ObjectStore>> Open() {
    ASSIGN_OR_RETURN(std::unique_ptr<LocalObjectStore> store, LocalObjectStore::Open(dir_.path() / "warehouse"));
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  static constexpr size_t kLargeObject = size_t{3} << 20;  // no single-request limit: just big

 private:
  const testing::TempDir dir_{"tradeagg-local-objects"};
};

INSTANTIATE_TYPED_TEST_SUITE_P(Local, ObjectStoreContract, ::testing::Types<LocalObjects>);

}  // namespace
}  // namespace tradeagg::lake
