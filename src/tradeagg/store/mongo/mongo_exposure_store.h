// MongoExposureStore: the ExposureStore on a MongoDB database (store/exposure_store.h), which
// several tradeagg instances may share. Written for what FerretDB 1.x (and many deployments)
// lack: no multi-document transactions, no atomic read-modify-write across clients, no
// Decimal128; the only atomic primitives used are an insert into a unique _id and the write of
// one document.
//
// Collections (document layouts: mongo_run_document.h, mongo_exposure_document.h):
//   aggregation_runs   one per run, _id = run id; index business_date
//   run_version_slots  { _id: "eod:<date>:<version>", claim, ... }: the eod versions handed out
//   exposures          one per result row, tagged run_id and result_token; index run_id
//   run_differences    one per write of a run's differences, _id "<run id>:<token>"
//   fx_rates           one per business date, _id "YYYY-MM-DD", { rates: [{currency, rate}],
//                      updated_at(+_us) }: replacing a date's rates is one document write
//
// CreateRun:
//  - eod version: one more than the date's highest eod version among the runs, claimed by
//    inserting its slot into run_version_slots; a slot already taken (another instance's
//    concurrent CreateRun) moves on to the next version. A version whose run never got recorded
//    (the instance failed in between) is skipped: versions increase, with a gap then.
//  - run id: (the highest id in aggregation_runs) + 1, taken by inserting the run document
//    with that _id; kAlreadyExists re-reads the highest id and tries above it.
//  Both inserts carry a fresh claim token, so a lost reply is settled by reading the _id back
//  (mongo_fields.h, InsertClaim). Concurrent instances may thus number a later version with a
//  smaller run id; LatestSucceededRun ranks eod runs by version, then run id.
//
// SaveResult is all-or-nothing without a transaction: rows are invisible until the run names
// them. It (1) reads the run (kNotFound before anything is written) and deletes the rows of
// earlier attempts that never got published (a token other than the run's result_token),
// (2) inserts the rows tagged with the run id and a fresh attempt token, and the differences
// under it, (3) updates the run document last - status, everything else, result_token and
// differences_id in one single-document write, which publishes the rows - and (4) deletes the
// rows and differences the update superseded (a failure there leaves invisible garbage, which
// the next SaveResult of the run deletes). Readers only return rows whose token is the run's
// result_token, and LoadExposures reads the token again after the rows, retrying when it moved
// (a re-save deleting the old rows under the read); FindRun does the same for differences.
// A failure before (3) leaves the run as it was and no row visible; a retry succeeds. UpdateRun
// writes differences the same way (new document first, the run names it, the old one goes).
//
// FailUnfinishedRuns only fails the runs this instance owns (options.instance_id, recorded at
// CreateRun): a run is executed by the instance that created it, and another instance's start
// must not fail runs that are still running elsewhere.
//
// Reads are few and small: FerretDB 1.x pushes only _id lookups down, so a run, its token and
// its differences are read by _id, and a load is one query on exposures (LoadHistory: one on the
// runs, one on their rows); everything else (ranking, sorting rows) is done here in C++.
// Thread safety: every method may be called from any thread (MongoClient is thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "tradeagg/store/exposure_store.h"
#include "tradeagg/store/mongo/mongo_client.h"

namespace tradeagg::store {

struct MongoExposureStoreOptions {
  std::string instance_id;  // the owner recorded on the runs this instance creates; not empty
};

class MongoExposureStore final : public ExposureStore {
 public:
  // Creates the indexes (one command each). `client` is borrowed: the composition root owns it.
  static Result<std::unique_ptr<MongoExposureStore>> Open(MongoClient& client, MongoExposureStoreOptions options);

  Result<domain::AggregationRun> CreateRun(const domain::RunRequest& request, Timestamp requested_at) override;
  Status UpdateRun(const domain::AggregationRun& run) override;
  Status SaveResult(const domain::AggregationRun& run, std::span<const domain::ExposureRow> rows) override;
  Result<std::optional<domain::AggregationRun>> FindRun(int64_t run_id) override;
  Result<std::vector<domain::AggregationRun>> ListRuns(const RunQuery& query) override;
  Result<std::optional<domain::AggregationRun>> LatestSucceededRun(Date business_date,
                                                                   std::optional<domain::RunKind> kind) override;
  Result<std::vector<domain::ExposureRow>> LoadExposures(const ExposureQuery& query) override;
  Result<std::vector<HistoryPoint>> LoadHistory(const HistoryQuery& query) override;
  Result<int64_t> FailUnfinishedRuns(std::string_view reason, Timestamp now) override;
  Status PutFxRates(Date business_date, const domain::FxRates& rates, Timestamp now) override;
  Result<domain::FxRates> GetFxRates(Date business_date) override;

 private:
  MongoExposureStore(MongoClient& client, MongoExposureStoreOptions options);

  Result<int32_t> ClaimEodVersion(Date business_date);
  Result<int64_t> HighestEodVersion(Date business_date);
  Result<int64_t> HighestRunId();
  Result<int64_t> InsertRun(domain::AggregationRun& run);
  // The run_differences _id now holding the run's differences ("" when it has none).
  Result<std::string> WriteDifferences(const domain::AggregationRun& run, std::string_view token);
  Status InsertRows(int64_t run_id, std::string_view token, std::span<const domain::ExposureRow> rows);
  // Updates the run document (kNotFound when there is none), then drops what it superseded.
  Status PublishRun(const domain::AggregationRun& run, const std::string& differences_id,
                    std::optional<std::string_view> result_token);
  Status DeleteRowsExcept(int64_t run_id, std::string_view token);
  Status DeleteDifferencesExcept(int64_t run_id, std::string_view id);
  // The run's result_token, or none when there is no such run.
  Result<std::optional<std::string>> ResultToken(int64_t run_id);
  Result<std::vector<domain::ExposureRow>> LoadRows(const ExposureQuery& query, const std::string& token);
  Result<std::vector<domain::AggregationRun>> FindRuns(const Bson& filter, const Bson& opts);

  MongoClient& client_;
  const MongoExposureStoreOptions options_;
};

}  // namespace tradeagg::store
