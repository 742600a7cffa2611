#include "tradeagg/store/mongo/mongo_exposure_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "tradeagg/core/fault_injector.h"
#include "tradeagg/store/mongo/mongo_exposure_document.h"
#include "tradeagg/store/mongo/mongo_fields.h"
#include "tradeagg/store/mongo/mongo_run_document.h"

namespace tradeagg::store {

namespace {

using domain::AggregationRun;
using domain::ExposureLevel;
using domain::ExposureRow;
using domain::RunKind;
using domain::RunStatus;

constexpr std::string_view kRuns = "aggregation_runs";
constexpr std::string_view kSlots = "run_version_slots";
constexpr std::string_view kExposures = "exposures";
constexpr std::string_view kDifferences = "run_differences";
constexpr std::string_view kFxRates = "fx_rates";
// Each failed attempt means another instance took the id or version meanwhile.
constexpr int kClaimAttempts = 32;
// Each failed attempt means the run's result was saved again during the read.
constexpr int kReadAttempts = 3;

Bson Doc(std::string_view key, const Bson& value) {
  Bson doc;
  doc.AppendDocument(key, value);
  return doc;
}

template <typename T>
Bson Op(std::string_view op, T value) {
  Bson doc;
  doc.Append(op, value);
  return doc;
}

// {sort: {<key>: direction}, limit?, projection?}
Bson FindOpts(std::string_view sort_key, int32_t direction, int64_t limit, const Bson* projection = nullptr) {
  Bson opts;
  opts.AppendDocument("sort", Op(sort_key, direction));
  if (limit > 0) opts.Append("limit", limit);
  if (projection != nullptr) opts.AppendDocument("projection", *projection);
  return opts;
}

Bson DateRange(const std::optional<Date>& from, const std::optional<Date>& to) {
  Bson range;
  if (from) range.Append("$gte", from->ToString());
  if (to) range.Append("$lte", to->ToString());
  return range;
}

Bson RunListFilter(const RunQuery& query) {
  Bson filter;
  if (query.from || query.to) filter.AppendDocument("business_date", DateRange(query.from, query.to));
  if (query.kind) filter.Append("kind", domain::RunKindName(*query.kind));
  if (query.status) filter.Append("status", domain::RunStatusName(*query.status));
  if (query.before_run_id != 0) filter.AppendDocument("_id", Op("$lt", query.before_run_id));
  return filter;
}

std::string SlotId(Date business_date, int64_t version) {
  return "eod:" + business_date.ToString() + ":" + std::to_string(version);
}

void SortRows(std::vector<ExposureRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const ExposureRow& a, const ExposureRow& b) {
    return std::tie(a.level, a.participant, a.key, a.currency) < std::tie(b.level, b.participant, b.key, b.currency);
  });
}

// The better answer to LatestSucceededRun: an eod run over an intraday one, then the higher
// version, then the newer run.
bool Outranks(const AggregationRun& a, const AggregationRun& b) {
  const bool a_eod = a.request.kind == RunKind::kEod;
  const bool b_eod = b.request.kind == RunKind::kEod;
  return std::tie(a_eod, a.version, a.run_id) > std::tie(b_eod, b.version, b.run_id);
}

// Deleting what a publish superseded is tidying: the rows are invisible already.
void WarnIfFailed(const Status& status, int64_t run_id, std::string_view what) {
  if (!status.ok()) spdlog::warn("aggregation run {}: could not delete {}: {}", run_id, what, status.ToString());
}

Bson FxRatesUpdate(const domain::FxRates& rates, Timestamp now) {
  std::vector<Bson> items;
  for (const auto& [currency, rate] : rates.to_reporting) {
    Bson item;
    item.Append("currency", currency).Append("rate", rate.ToString());
    items.push_back(std::move(item));
  }
  Bson set;
  FieldWriter(set).Array("rates", items).Time("updated_at", now);
  return Doc("$set", set);
}

Result<domain::FxRates> FxRatesFromDocument(const Bson& doc) {
  domain::FxRates rates;
  for (const Bson& item : doc.GetArray("rates")) {
    Result<Decimal> rate = Decimal::Parse(item.GetString("rate"));
    const std::string currency = item.GetString("currency");
    if (!rate.ok() || currency.empty()) {
      return Status::Internal("fx_rates document " + doc.GetString("_id") + ": a rate is malformed");
    }
    rates.to_reporting[currency] = rate.value();
  }
  rates.updated_at = ReadOptionalTime(doc, "updated_at");
  return rates;
}

}  // namespace

MongoExposureStore::MongoExposureStore(MongoClient& client, MongoExposureStoreOptions options)
    : client_(client), options_(std::move(options)) {}

Result<std::unique_ptr<MongoExposureStore>> MongoExposureStore::Open(MongoClient& client,
                                                                      MongoExposureStoreOptions options) {
  if (options.instance_id.empty()) return Status::InvalidArgument("store.instance_id: empty");
  TRY(client.EnsureIndex(kRuns, "aggregation_runs_business_date", Op("business_date", int32_t{1}), false));
  TRY(client.EnsureIndex(kExposures, "exposures_run_id", Op("run_id", int32_t{1}), false));
  return std::unique_ptr<MongoExposureStore>(new MongoExposureStore(client, std::move(options)));
}

// --- creating runs ---------------------------------------------------------------------------

Result<AggregationRun> MongoExposureStore::CreateRun(const domain::RunRequest& request, Timestamp requested_at) {
  AggregationRun run;
  run.request = request;
  run.requested_at = requested_at;
  if (request.kind == RunKind::kEod) { ASSIGN_OR_RETURN(run.version, ClaimEodVersion(request.business_date)); }
  ASSIGN_OR_RETURN(run.run_id, InsertRun(run));
  return run;
}

Result<int64_t> MongoExposureStore::HighestEodVersion(Date business_date) {
  Bson filter;
  filter.Append("business_date", business_date.ToString()).Append("kind", domain::RunKindName(RunKind::kEod));
  const Bson projection = Op("version", int32_t{1});
  ASSIGN_OR_RETURN(std::optional<Bson> highest, FindOne(client_, kRuns, filter, FindOpts("version", -1, 1, &projection)));
  return highest ? highest->GetInt64("version") : 0;
}

Result<int32_t> MongoExposureStore::ClaimEodVersion(Date business_date) {
  ASSIGN_OR_RETURN(int64_t version, HighestEodVersion(business_date));
  const std::string claim = NewToken();
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    ++version;
    if (version > INT32_MAX) return Status::Internal("eod versions of " + business_date.ToString() + " exhausted");
    const std::string id = SlotId(business_date, version);
    Bson slot;
    FieldWriter(slot)
        .Text("_id", id)
        .Text("claim", claim)
        .Text("business_date", business_date.ToString())
        .Int64("version", version)
        .Text("owner", options_.instance_id)
        .Time("claimed_at", Timestamp::Now());
    ASSIGN_OR_RETURN(bool ours, InsertClaim(client_, kSlots, slot, IdFilter(id), claim));
    if (ours) return static_cast<int32_t>(version);
  }
  return Status::Unavailable("could not take an eod version of " + business_date.ToString() +
                             ": other instances kept taking them; retry");
}

Result<int64_t> MongoExposureStore::HighestRunId() {
  const Bson projection = Op("_id", int32_t{1});
  ASSIGN_OR_RETURN(std::optional<Bson> highest, FindOne(client_, kRuns, Bson(), FindOpts("_id", -1, 1, &projection)));
  return highest ? highest->GetInt64("_id") : 0;
}

Result<int64_t> MongoExposureStore::InsertRun(AggregationRun& run) {
  const std::string claim = NewToken();
  ASSIGN_OR_RETURN(int64_t highest, HighestRunId());
  int64_t id = highest + 1;
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    run.run_id = id;
    ASSIGN_OR_RETURN(bool ours, InsertClaim(client_, kRuns, NewRunDocument(run, options_.instance_id, claim),
                                            IdFilter(id), claim));
    if (ours) return id;
    ASSIGN_OR_RETURN(highest, HighestRunId());
    id = std::max(id + 1, highest + 1);
  }
  return Status::Unavailable("could not take a run id: other instances kept taking them; retry");
}

// --- saving runs and results -----------------------------------------------------------------

Result<std::string> MongoExposureStore::WriteDifferences(const AggregationRun& run, std::string_view token) {
  if (run.differences.empty()) return std::string();
  std::string id = DifferencesId(run.run_id, token);
  Status inserted = client_.InsertOne(kDifferences, DifferencesDocument(id, run.run_id, run.differences));
  // The token is this write's own: a taken _id is a retry of this very insert.
  if (!inserted.ok() && inserted.code() != StatusCode::kAlreadyExists) return inserted;
  return id;
}

Status MongoExposureStore::InsertRows(int64_t run_id, std::string_view token, std::span<const ExposureRow> rows) {
  std::vector<Bson> docs;
  docs.reserve(rows.size());
  for (size_t n = 0; n < rows.size(); ++n) docs.push_back(ExposureRowDocument(run_id, token, n, rows[n]));
  // Duplicates can only be this attempt's own documents (the _ids hold its token): inserted.
  return client_.InsertMany(kExposures, docs).status();
}

Status MongoExposureStore::DeleteRowsExcept(int64_t run_id, std::string_view token) {
  Bson filter;
  filter.Append("run_id", run_id).AppendDocument("result_token", Op("$ne", token));
  return client_.DeleteMany(kExposures, filter).status();
}

Status MongoExposureStore::DeleteDifferencesExcept(int64_t run_id, std::string_view id) {
  Bson filter;
  filter.Append("run_id", run_id).AppendDocument("_id", Op("$ne", id));
  return client_.DeleteMany(kDifferences, filter).status();
}

Status MongoExposureStore::PublishRun(const AggregationRun& run, const std::string& differences_id,
                                      std::optional<std::string_view> result_token) {
  ASSIGN_OR_RETURN(int64_t matched,
                   client_.UpdateOne(kRuns, IdFilter(run.run_id), RunStateUpdate(run, differences_id, result_token)));
  if (matched == 0) {
    WarnIfFailed(DeleteDifferencesExcept(run.run_id, ""), run.run_id, "the differences of a missing run");
    return Status::NotFound("run " + std::to_string(run.run_id) + " not found");
  }
  WarnIfFailed(DeleteDifferencesExcept(run.run_id, differences_id), run.run_id, "superseded differences");
  if (result_token) WarnIfFailed(DeleteRowsExcept(run.run_id, *result_token), run.run_id, "superseded rows");
  return Status::Ok();
}

Status MongoExposureStore::UpdateRun(const AggregationRun& run) {
  ASSIGN_OR_RETURN(std::string differences_id, WriteDifferences(run, NewToken()));
  return PublishRun(run, differences_id, std::nullopt);
}

Status MongoExposureStore::SaveResult(const AggregationRun& run, std::span<const ExposureRow> rows) {
  ASSIGN_OR_RETURN(std::optional<std::string> published, ResultToken(run.run_id));
  if (!published) return Status::NotFound("run " + std::to_string(run.run_id) + " not found");
  // Rows of attempts that failed before their publish: never visible, now gone.
  TRY(DeleteRowsExcept(run.run_id, *published));
  const std::string token = NewToken();
  TRY(InsertRows(run.run_id, token, rows));
  // Test hook: the store fails after the rows were written, before the run names them.
  if (Fault("results.save.before_commit")) return Status::Unavailable("injected fault: results.save.before_commit");
  ASSIGN_OR_RETURN(std::string differences_id, WriteDifferences(run, token));
  return PublishRun(run, differences_id, token);
}

Result<int64_t> MongoExposureStore::FailUnfinishedRuns(std::string_view reason, Timestamp now) {
  Bson unfinished;
  const std::vector<std::string> statuses = {domain::RunStatusName(RunStatus::kQueued),
                                             domain::RunStatusName(RunStatus::kRunning)};
  unfinished.AppendStringArray("$in", statuses);
  Bson filter;
  filter.Append("owner", options_.instance_id).AppendDocument("status", unfinished);
  std::vector<std::pair<int64_t, std::string>> runs;  // id, status
  TRY(client_.Find(kRuns, filter, Bson(), [&](const Bson& doc) {
    runs.emplace_back(doc.GetInt64("_id"), doc.GetString("status"));
  }));
  Bson set;
  FieldWriter(set).Text("status", domain::RunStatusName(RunStatus::kFailed)).Text("error", reason).Time("finished_at", now);
  const Bson update = Doc("$set", set);
  int64_t failed = 0;
  for (const auto& [id, status] : runs) {
    Bson selector;
    selector.Append("_id", id).Append("status", status);  // unless it finished meanwhile
    ASSIGN_OR_RETURN(int64_t matched, client_.UpdateOne(kRuns, selector, update));
    failed += matched;
  }
  return failed;
}

// --- reading ---------------------------------------------------------------------------------

Result<std::vector<AggregationRun>> MongoExposureStore::FindRuns(const Bson& filter, const Bson& opts) {
  std::vector<AggregationRun> runs;
  Status parsed = Status::Ok();
  TRY(client_.Find(kRuns, filter, opts, [&](const Bson& doc) {
    if (!parsed.ok()) return;
    Result<AggregationRun> run = RunFromDocument(doc);
    if (run.ok()) runs.push_back(std::move(run).value());
    else parsed = run.status();
  }));
  TRY(parsed);
  return runs;
}

Result<std::optional<AggregationRun>> MongoExposureStore::FindRun(int64_t run_id) {
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<Bson> doc, FindOne(client_, kRuns, IdFilter(run_id)));
    if (!doc) return std::optional<AggregationRun>();
    ASSIGN_OR_RETURN(AggregationRun run, RunFromDocument(*doc));
    const std::string differences_id = doc->GetString("differences_id");
    if (differences_id.empty()) return std::optional<AggregationRun>(std::move(run));
    ASSIGN_OR_RETURN(std::optional<Bson> differences, FindOne(client_, kDifferences, IdFilter(differences_id)));
    if (differences) {
      ASSIGN_OR_RETURN(run.differences, DifferencesFromDocument(*differences));
      return std::optional<AggregationRun>(std::move(run));
    }
    // Superseded (and deleted) by an UpdateRun between the two reads: read the run again.
  }
  return Status::Unavailable("run " + std::to_string(run_id) + " kept changing while it was read; retry");
}

Result<std::vector<AggregationRun>> MongoExposureStore::ListRuns(const RunQuery& query) {
  return FindRuns(RunListFilter(query), FindOpts("_id", -1, static_cast<int64_t>(query.limit)));
}

Result<std::optional<AggregationRun>> MongoExposureStore::LatestSucceededRun(Date business_date,
                                                                             std::optional<RunKind> kind) {
  Bson filter;
  filter.Append("business_date", business_date.ToString()).Append("status", domain::RunStatusName(RunStatus::kSucceeded));
  if (kind) filter.Append("kind", domain::RunKindName(*kind));
  ASSIGN_OR_RETURN(std::vector<AggregationRun> runs, FindRuns(filter, Bson()));
  if (runs.empty()) return std::optional<AggregationRun>();
  const AggregationRun& best = *std::max_element(
      runs.begin(), runs.end(), [](const AggregationRun& a, const AggregationRun& b) { return Outranks(b, a); });
  return FindRun(best.run_id);
}

Result<std::optional<std::string>> MongoExposureStore::ResultToken(int64_t run_id) {
  Bson opts;
  opts.AppendDocument("projection", Op("result_token", int32_t{1}));
  ASSIGN_OR_RETURN(std::optional<Bson> doc, FindOne(client_, kRuns, IdFilter(run_id), opts));
  if (!doc) return std::optional<std::string>();
  return std::optional<std::string>(doc->GetString("result_token"));
}

Result<std::vector<ExposureRow>> MongoExposureStore::LoadRows(const ExposureQuery& query, const std::string& token) {
  Bson filter;
  filter.Append("run_id", query.run_id).Append("result_token", token);
  if (query.level) filter.Append("level", domain::ExposureLevelName(*query.level));
  if (query.participant) filter.Append("participant", *query.participant);
  std::vector<ExposureRow> rows;
  Status parsed = Status::Ok();
  TRY(client_.Find(kExposures, filter, Bson(), [&](const Bson& doc) {
    if (!parsed.ok()) return;
    Result<ExposureRow> row = ExposureRowFromDocument(doc);
    if (row.ok()) rows.push_back(std::move(row).value());
    else parsed = row.status();
  }));
  TRY(parsed);
  SortRows(rows);
  return rows;
}

Result<std::vector<ExposureRow>> MongoExposureStore::LoadExposures(const ExposureQuery& query) {
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<std::string> token, ResultToken(query.run_id));
    if (!token || token->empty()) return std::vector<ExposureRow>();
    ASSIGN_OR_RETURN(std::vector<ExposureRow> rows, LoadRows(query, *token));
    // A re-save publishes new rows and deletes these: only a read the token outlived is whole.
    ASSIGN_OR_RETURN(std::optional<std::string> after, ResultToken(query.run_id));
    if (after == token) return rows;
  }
  return Status::Unavailable("the results of run " + std::to_string(query.run_id) +
                             " kept changing while they were read; retry");
}

Result<std::vector<HistoryPoint>> MongoExposureStore::LoadHistory(const HistoryQuery& query) {
  Bson run_filter;
  run_filter.AppendDocument("business_date", DateRange(query.from, query.to))
      .Append("status", domain::RunStatusName(RunStatus::kSucceeded));
  std::map<int64_t, HistoryPoint> points;  // by run id: oldest first
  std::map<int64_t, std::string> tokens;  // the published rows' token, by run id
  Status parsed = Status::Ok();
  TRY(client_.Find(kRuns, run_filter, Bson(), [&](const Bson& doc) {
    Result<AggregationRun> run = RunFromDocument(doc);
    if (!run.ok()) {
      parsed = run.status();
      return;
    }
    tokens[run->run_id] = doc.GetString("result_token");
    points[run->run_id].run = std::move(run).value();
  }));
  TRY(parsed);
  if (points.empty()) return std::vector<HistoryPoint>();

  std::vector<int64_t> ids;
  for (const auto& [id, point] : points) ids.push_back(id);
  Bson in_runs;
  in_runs.AppendInt64Array("$in", ids);
  const std::vector<std::string> levels = {domain::ExposureLevelName(ExposureLevel::kParticipant),
                                           domain::ExposureLevelName(ExposureLevel::kReporting)};
  Bson in_levels;
  in_levels.AppendStringArray("$in", levels);
  Bson row_filter;
  row_filter.AppendDocument("run_id", in_runs).AppendDocument("level", in_levels);
  if (query.participant) row_filter.Append("participant", *query.participant);
  TRY(client_.Find(kExposures, row_filter, Bson(), [&](const Bson& doc) {
    const int64_t run_id = doc.GetInt64("run_id");
    auto token = tokens.find(run_id);
    if (!parsed.ok() || token == tokens.end() || doc.GetString("result_token") != token->second) return;
    Result<ExposureRow> row = ExposureRowFromDocument(doc);
    if (row.ok()) points[run_id].rows.push_back(std::move(row).value());
    else parsed = row.status();
  }));
  TRY(parsed);

  std::vector<HistoryPoint> history;
  for (auto& [id, point] : points) {
    SortRows(point.rows);
    history.push_back(std::move(point));
  }
  return history;
}

// --- FX rates --------------------------------------------------------------------------------

Status MongoExposureStore::PutFxRates(Date business_date, const domain::FxRates& rates, Timestamp now) {
  const Bson id = IdFilter(business_date.ToString());
  if (rates.to_reporting.empty()) return client_.DeleteMany(kFxRates, id).status();
  const Bson update = FxRatesUpdate(rates, now);
  Result<int64_t> written = client_.UpdateOne(kFxRates, id, update, /*upsert=*/true);
  // Two first puts of a date raced to insert it: the other's document is there now; replace it.
  if (written.status().code() == StatusCode::kAlreadyExists) written = client_.UpdateOne(kFxRates, id, update, true);
  return written.status();
}

Result<domain::FxRates> MongoExposureStore::GetFxRates(Date business_date) {
  ASSIGN_OR_RETURN(std::optional<Bson> doc, FindOne(client_, kFxRates, IdFilter(business_date.ToString())));
  if (!doc) return domain::FxRates();
  return FxRatesFromDocument(*doc);
}

}  // namespace tradeagg::store
