#include "tradeagg/api/exposure_codec.h"

#include "tradeagg/api/positions_api.h"

namespace tradeagg::api {

namespace {

using domain::ExposureLevel;

template <typename T>
void OptionalField(JsonWriter& json, std::string_view key, const std::optional<T>& value) {
  json.Key(key);
  if (!value) {
    json.Null();
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    json.String(value->ToString());
  } else {
    json.Int(*value);
  }
}

void StringArray(JsonWriter& json, std::string_view key, const std::vector<std::string>& items) {
  json.Key(key).BeginArray();
  for (const std::string& item : items) json.String(item);
  json.EndArray();
}

void OptionalText(JsonWriter& json, std::string_view key, const std::string& text) {
  json.Key(key);
  if (text.empty()) json.Null();
  else json.String(text);
}

// What the run answers for, so nobody reads a partial answer as complete: every trade
// acknowledged before the request ("request"), or the snapshot asked for ("snapshot").
void WriteAnswersFor(JsonWriter& json, const domain::AggregationRun& run) {
  json.Key("answers_for")
      .BeginObject()
      .Field("basis", std::string_view(run.time_travel() ? "snapshot" : "request"));
  OptionalField(json, "request_seq", run.request_seq);
  json.Field("watermark", run.watermark)
      .Field("store_trades", run.store_trades)
      .Field("lake_trades", run.trades)
      .EndObject();
}

}  // namespace

void WriteRun(JsonWriter& json, const domain::AggregationRun& run, bool with_differences) {
  const domain::RunTimings& t = run.timings;
  json.BeginObject()
      .Field("run_id", run.run_id)
      .Field("business_date", run.request.business_date.ToString())
      .Field("kind", std::string_view(domain::RunKindName(run.request.kind)))
      .Field("version", static_cast<int64_t>(run.version))
      .Field("status", std::string_view(domain::RunStatusName(run.status)))
      .Field("requested_by", run.request.requested_by)
      .Field("requested_at", run.requested_at.ToString());
  OptionalField(json, "started_at", run.started_at);
  OptionalField(json, "finished_at", run.finished_at);
  json.Key("as_of");
  if (run.request.as_of_snapshot_id || run.request.as_of_time) {
    json.BeginObject();
    OptionalField(json, "snapshot_id", run.request.as_of_snapshot_id);
    OptionalField(json, "time", run.request.as_of_time);
    json.EndObject();
  } else {
    json.Null();
  }
  WriteAnswersFor(json, run);
  OptionalField(json, "snapshot_id", run.snapshot_id);
  OptionalField(json, "snapshot_committed_at", run.snapshot_committed_at);
  OptionalText(json, "trades_tag", run.trades_tag);
  json.Field("stale", run.stale()).Field("missing_trades", run.missing_trades);
  json.Field("watermark", run.watermark)
      .Field("data_files", run.data_files)
      .Field("data_files_pruned", run.data_files_pruned)
      .Field("trades", run.trades)
      .Key("rows")
      .BeginObject()
      .Field("instrument", run.instrument_rows)
      .Field("counterparty", run.counterparty_rows)
      .Field("participant", run.participant_rows)
      .Field("reporting", run.reporting_rows)
      .EndObject()
      .Field("reporting_currency", run.reporting_currency);
  StringArray(json, "missing_rates", run.missing_rates);
  json.Key("timings_ms")
      .BeginObject()
      .Field("plan", t.plan_ms)
      .Field("query", t.query_ms)
      .Field("rollup", t.rollup_ms)
      .Field("reconcile", t.reconcile_ms)
      .Field("store", t.store_ms)
      .Field("lake", t.lake_ms)
      .Field("total", t.total_ms())
      .EndObject();
  json.Key("reconciliation")
      .BeginObject()
      .Field("status", std::string_view(domain::ReconciliationStatusName(run.reconciliation)))
      .Field("book_watermark", run.book_watermark)
      .Field("differences", run.difference_count);
  if (with_differences) {
    json.Key("details").BeginArray();
    for (const domain::ReconciliationDifference& d : run.differences) {
      json.BeginObject()
          .Field("level", std::string_view(domain::ExposureLevelName(d.level)))
          .Field("participant", d.participant)
          .Field("key", d.key)
          .Field("currency", d.currency)
          .Field("field", d.field)
          .Field("lake", d.lake)
          .Field("book", d.book)
          .EndObject();
    }
    json.EndArray();
  }
  json.EndObject();
  OptionalField(json, "exposures_snapshot_id", run.exposures_snapshot_id);
  OptionalText(json, "lake_error", run.lake_error);
  OptionalText(json, "error", run.error);
  json.EndObject();
}

void WriteRunSummary(JsonWriter& json, const domain::AggregationRun& run) {
  json.BeginObject()
      .Field("run_id", run.run_id)
      .Field("business_date", run.request.business_date.ToString())
      .Field("kind", std::string_view(domain::RunKindName(run.request.kind)))
      .Field("version", static_cast<int64_t>(run.version))
      .Field("status", std::string_view(domain::RunStatusName(run.status)))
      .Field("stale", run.stale());
  OptionalField(json, "finished_at", run.finished_at);
  OptionalField(json, "snapshot_id", run.snapshot_id);
  OptionalField(json, "snapshot_committed_at", run.snapshot_committed_at);
  json.Field("watermark", run.watermark).Field("reporting_currency", run.reporting_currency).EndObject();
}

void WriteExposureRow(JsonWriter& json, Date business_date, const domain::ExposureRow& row) {
  json.BeginObject().Field("business_date", business_date.ToString()).Field("participant", row.participant);
  if (row.level == ExposureLevel::kInstrument) json.Field("instrument", row.key);
  if (row.level == ExposureLevel::kCounterparty) json.Field("counterparty", row.key);
  json.Field("currency", row.currency);
  // The notionals are unknown without every rate: nulls, never a partial sum.
  WriteExposureFields(json, row.totals, row.level, row.notionals_known());
  if (row.level == ExposureLevel::kReporting) StringArray(json, "missing_rates", row.missing_rates);
  json.EndObject();
}

}  // namespace tradeagg::api
