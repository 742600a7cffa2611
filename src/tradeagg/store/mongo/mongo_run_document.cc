#include "tradeagg/store/mongo/mongo_run_document.h"

#include "tradeagg/store/mongo/mongo_fields.h"

namespace tradeagg::store {

namespace {

using domain::AggregationRun;
using domain::ReconciliationDifference;

Status Malformed(const Bson& doc, std::string_view collection, std::string_view field) {
  return Status::Internal(std::string(collection) + " document " + std::to_string(doc.GetInt64("_id")) +
                          ": field " + std::string(field) + " is missing or malformed");
}

// What UpdateRun saves; `unset` lists the empty optionals when this is an update.
void WriteRunState(FieldWriter& w, const AggregationRun& run) {
  w.Text("status", domain::RunStatusName(run.status))
      .OptionalTime("started_at", run.started_at)
      .OptionalTime("finished_at", run.finished_at)
      .OptionalInt64("snapshot_id", run.snapshot_id)
      .OptionalTime("snapshot_committed_at", run.snapshot_committed_at)
      .Int64("watermark", run.watermark)
      .Int64("data_files", run.data_files)
      .Int64("data_files_pruned", run.data_files_pruned)
      .Int64("trades", run.trades)
      .Int64("instrument_rows", run.instrument_rows)
      .Int64("counterparty_rows", run.counterparty_rows)
      .Int64("participant_rows", run.participant_rows)
      .Int64("reporting_rows", run.reporting_rows)
      .Text("reporting_currency", run.reporting_currency)
      .Text("missing_rates", JoinCodes(run.missing_rates))
      .Int64("plan_ms", run.timings.plan_ms)
      .Int64("query_ms", run.timings.query_ms)
      .Int64("rollup_ms", run.timings.rollup_ms)
      .Int64("reconcile_ms", run.timings.reconcile_ms)
      .Int64("store_ms", run.timings.store_ms)
      .Int64("lake_ms", run.timings.lake_ms)
      .Text("reconciliation", domain::ReconciliationStatusName(run.reconciliation))
      .Int64("book_watermark", run.book_watermark)
      .Int64("difference_count", run.difference_count)
      .OptionalInt64("exposures_snapshot_id", run.exposures_snapshot_id)
      .Text("lake_error", run.lake_error)
      .Text("error", run.error)
      .OptionalInt64("request_seq", run.request_seq)
      .Int64("store_trades", run.store_trades)
      .Text("trades_tag", run.trades_tag);
}

Status ReadRunRequest(const Bson& doc, AggregationRun& run) {
  Result<Date> date = Date::Parse(doc.GetString("business_date"));
  if (!date.ok()) return Malformed(doc, "aggregation_runs", "business_date");
  run.request.business_date = date.value();
  std::optional<domain::RunKind> kind = domain::ParseRunKind(doc.GetString("kind"));
  if (!kind) return Malformed(doc, "aggregation_runs", "kind");
  run.request.kind = *kind;
  run.request.requested_by = doc.GetString("requested_by");
  run.request.as_of_snapshot_id = ReadOptionalInt64(doc, "as_of_snapshot_id");
  run.request.as_of_time = ReadOptionalTime(doc, "as_of_time");
  const int64_t version = doc.GetInt64("version");
  if (version < 1 || version > INT32_MAX) return Malformed(doc, "aggregation_runs", "version");
  run.version = static_cast<int32_t>(version);
  run.requested_at = ReadTime(doc, "requested_at");
  return Status::Ok();
}

Status ReadRunState(const Bson& doc, AggregationRun& run) {
  std::optional<domain::RunStatus> status = domain::ParseRunStatus(doc.GetString("status"));
  if (!status) return Malformed(doc, "aggregation_runs", "status");
  run.status = *status;
  std::optional<domain::ReconciliationStatus> reconciliation =
      domain::ParseReconciliationStatus(doc.GetString("reconciliation"));
  if (!reconciliation) return Malformed(doc, "aggregation_runs", "reconciliation");
  run.reconciliation = *reconciliation;
  run.started_at = ReadOptionalTime(doc, "started_at");
  run.finished_at = ReadOptionalTime(doc, "finished_at");
  run.snapshot_id = ReadOptionalInt64(doc, "snapshot_id");
  run.snapshot_committed_at = ReadOptionalTime(doc, "snapshot_committed_at");
  run.watermark = doc.GetInt64("watermark");
  run.data_files = doc.GetInt64("data_files");
  run.data_files_pruned = doc.GetInt64("data_files_pruned");
  run.trades = doc.GetInt64("trades");
  run.instrument_rows = doc.GetInt64("instrument_rows");
  run.counterparty_rows = doc.GetInt64("counterparty_rows");
  run.participant_rows = doc.GetInt64("participant_rows");
  run.reporting_rows = doc.GetInt64("reporting_rows");
  run.reporting_currency = doc.GetString("reporting_currency");
  run.missing_rates = SplitCodes(doc.GetString("missing_rates"));
  run.timings = {doc.GetInt64("plan_ms"),      doc.GetInt64("query_ms"), doc.GetInt64("rollup_ms"),
                 doc.GetInt64("reconcile_ms"), doc.GetInt64("store_ms"), doc.GetInt64("lake_ms")};
  run.book_watermark = doc.GetInt64("book_watermark");
  run.difference_count = doc.GetInt64("difference_count");
  run.exposures_snapshot_id = ReadOptionalInt64(doc, "exposures_snapshot_id");
  run.lake_error = doc.GetString("lake_error");
  run.error = doc.GetString("error");
  run.request_seq = ReadOptionalInt64(doc, "request_seq");
  run.store_trades = doc.GetInt64("store_trades");
  run.trades_tag = doc.GetString("trades_tag");
  return Status::Ok();
}

Bson DifferenceToDocument(const ReconciliationDifference& d) {
  Bson doc;
  doc.Append("level", domain::ExposureLevelName(d.level))
      .Append("participant", d.participant)
      .Append("key", d.key)
      .Append("currency", d.currency)
      .Append("field", d.field)
      .Append("lake", d.lake)
      .Append("book", d.book);
  return doc;
}

}  // namespace

Bson NewRunDocument(const AggregationRun& run, std::string_view owner, std::string_view claim) {
  Bson doc;
  FieldWriter w(doc);
  w.Int64("_id", run.run_id)
      .Text("claim", claim)
      .Text("owner", owner)
      .Text("business_date", run.request.business_date.ToString())
      .Text("kind", domain::RunKindName(run.request.kind))
      .Int64("version", run.version)
      .Text("requested_by", run.request.requested_by)
      .Time("requested_at", run.requested_at)
      .OptionalInt64("as_of_snapshot_id", run.request.as_of_snapshot_id)
      .OptionalTime("as_of_time", run.request.as_of_time);
  WriteRunState(w, run);
  w.Text("differences_id", "").Text("result_token", "");
  return doc;
}

Bson RunStateUpdate(const AggregationRun& run, std::string_view differences_id,
                    std::optional<std::string_view> result_token) {
  Bson set;
  Bson unset;
  FieldWriter w(set, &unset);
  WriteRunState(w, run);
  w.Text("differences_id", differences_id);
  if (result_token) w.Text("result_token", *result_token);
  return SetUnsetUpdate(set, unset, w.unset_any());
}

Result<AggregationRun> RunFromDocument(const Bson& doc) {
  AggregationRun run;
  run.run_id = doc.GetInt64("_id");
  if (run.run_id <= 0) return Malformed(doc, "aggregation_runs", "_id");
  TRY(ReadRunRequest(doc, run));
  TRY(ReadRunState(doc, run));
  return run;
}

std::string DifferencesId(int64_t run_id, std::string_view token) {
  return std::to_string(run_id) + ":" + std::string(token);
}

Bson DifferencesDocument(std::string_view id, int64_t run_id, const std::vector<ReconciliationDifference>& differences) {
  std::vector<Bson> items;
  items.reserve(differences.size());
  for (const ReconciliationDifference& d : differences) items.push_back(DifferenceToDocument(d));
  Bson doc;
  doc.Append("_id", id).Append("run_id", run_id).AppendArray("differences", items);
  return doc;
}

Result<std::vector<ReconciliationDifference>> DifferencesFromDocument(const Bson& doc) {
  std::vector<ReconciliationDifference> differences;
  for (const Bson& item : doc.GetArray("differences")) {
    std::optional<domain::ExposureLevel> level = domain::ParseExposureLevel(item.GetString("level"));
    if (!level) {
      return Status::Internal("run_differences document " + doc.GetString("_id") + ": a difference's level is malformed");
    }
    differences.push_back({*level, item.GetString("participant"), item.GetString("key"), item.GetString("currency"),
                           item.GetString("field"), item.GetString("lake"), item.GetString("book")});
  }
  return differences;
}

}  // namespace tradeagg::store
