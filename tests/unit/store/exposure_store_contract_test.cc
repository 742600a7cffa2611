// The ExposureStore contract (store/exposure_store.h), one typed suite that every
// implementation passes: the SQLite store, the in-memory fake the agg and api tests use, and
// (in tests/unit/store/mongo) the MongoDB store against a real server.
#include "store/exposure_store_contract.h"

#include <memory>

#include "testing/in_memory_exposure_store.h"
#include "testing/temp_dir.h"
#include "tradeagg/store/sqlite/sqlite_exposure_store.h"

namespace tradeagg::store {
namespace {

class SqliteExposures {
 public:
  Result<std::unique_ptr<ExposureStore>> Open() {
    ASSIGN_OR_RETURN(auto store, SqliteExposureStore::Open(dir_ / "tradeagg.db"));
    return std::unique_ptr<ExposureStore>(std::move(store));
  }
  static constexpr bool kPersists = true;

 private:
  testing::TempDir dir_{"tradeagg-exposures"};
};

class InMemoryExposures {
 public:
  // One store for the fixture's life, so that "reopening" finds what was written.
  Result<std::unique_ptr<ExposureStore>> Open() {
    class Handle final : public ExposureStore {
     public:
      explicit Handle(ExposureStore& target) : target_(target) {}
      Result<domain::AggregationRun> CreateRun(const domain::RunRequest& request, Timestamp requested_at) override {
        return target_.CreateRun(request, requested_at);
      }
      Status UpdateRun(const domain::AggregationRun& run) override { return target_.UpdateRun(run); }
      Status SaveResult(const domain::AggregationRun& run, std::span<const domain::ExposureRow> rows) override {
        return target_.SaveResult(run, rows);
      }
      Result<std::optional<domain::AggregationRun>> FindRun(int64_t run_id) override { return target_.FindRun(run_id); }
      Result<std::vector<domain::AggregationRun>> ListRuns(const RunQuery& query) override {
        return target_.ListRuns(query);
      }
      Result<std::optional<domain::AggregationRun>> LatestSucceededRun(Date business_date,
                                                                       std::optional<domain::RunKind> kind) override {
        return target_.LatestSucceededRun(business_date, kind);
      }
      Result<std::vector<domain::ExposureRow>> LoadExposures(const ExposureQuery& query) override {
        return target_.LoadExposures(query);
      }
      Result<std::vector<HistoryPoint>> LoadHistory(const HistoryQuery& query) override {
        return target_.LoadHistory(query);
      }
      Result<int64_t> FailUnfinishedRuns(std::string_view reason, Timestamp now) override {
        return target_.FailUnfinishedRuns(reason, now);
      }
      Status PutFxRates(Date business_date, const domain::FxRates& rates, Timestamp now) override {
        return target_.PutFxRates(business_date, rates, now);
      }
      Result<domain::FxRates> GetFxRates(Date business_date) override { return target_.GetFxRates(business_date); }

     private:
      ExposureStore& target_;
    };
    return std::unique_ptr<ExposureStore>(std::make_unique<Handle>(store_));
  }
  static constexpr bool kPersists = false;

 private:
  testing::InMemoryExposureStore store_;
};

using Implementations = ::testing::Types<SqliteExposures, InMemoryExposures>;
INSTANTIATE_TYPED_TEST_SUITE_P(Store, ExposureStoreContract, Implementations);

}  // namespace
}  // namespace tradeagg::store
