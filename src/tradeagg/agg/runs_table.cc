#include "tradeagg/agg/runs_table.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "tradeagg/agg/lake_table.h"
#include "tradeagg/engine/appender.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/overwrite_files.h"
#include "tradeagg/lake/iceberg/snapshot_expiry.h"
#include "tradeagg/lake/iceberg/trades_table.h"

namespace tradeagg::agg {

namespace {

namespace iceberg = lake::iceberg;
namespace field = iceberg::runs_field;
using domain::AggregationRun;
using iceberg::PrimitiveType;
using iceberg::TypeId;

constexpr PrimitiveType kString = PrimitiveType::Of(TypeId::kString);
constexpr PrimitiveType kLong = PrimitiveType::Of(TypeId::kLong);
constexpr PrimitiveType kBoolean = PrimitiveType::Of(TypeId::kBoolean);
constexpr PrimitiveType kTimestampTz = PrimitiveType::Of(TypeId::kTimestampTz);

// Schema order; the appends in StageRows follow it.
constexpr std::array<LakeColumn, 20> kColumns = {{
    {"run_id", field::kRunId, "BIGINT", kLong, true},
    {"business_date", field::kBusinessDate, "DATE", PrimitiveType::Of(TypeId::kDate), true},
    {"kind", field::kKind, "VARCHAR", kString, true},
    {"version", field::kVersion, "INTEGER", PrimitiveType::Of(TypeId::kInt), true},
    {"status", field::kStatus, "VARCHAR", kString, true},
    {"stale", field::kStale, "BOOLEAN", kBoolean, true},
    {"missing_trades", field::kMissingTrades, "BIGINT", kLong, true},
    {"latest", field::kLatest, "BOOLEAN", kBoolean, true},
    {"request_seq", field::kRequestSeq, "BIGINT", kLong, false},
    {"watermark", field::kWatermark, "BIGINT", kLong, true},
    {"trades", field::kTrades, "BIGINT", kLong, true},
    {"store_trades", field::kStoreTrades, "BIGINT", kLong, true},
    {"trades_snapshot_id", field::kTradesSnapshotId, "BIGINT", kLong, false},
    {"trades_tag", field::kTradesTag, "VARCHAR", kString, false},
    {"exposures_snapshot_id", field::kExposuresSnapshotId, "BIGINT", kLong, false},
    {"reconciliation", field::kReconciliation, "VARCHAR", kString, true},
    {"difference_count", field::kDifferenceCount, "BIGINT", kLong, true},
    {"requested_at", field::kRequestedAt, "TIMESTAMPTZ", kTimestampTz, true},
    {"finished_at", field::kFinishedAt, "TIMESTAMPTZ", kTimestampTz, false},
    {"error", field::kError, "VARCHAR", kString, false},
}};

constexpr std::string_view kTempTableName = "tradeagg_runs_export";

void AppendOptional(engine::Appender& appender, const std::optional<int64_t>& value) {
  if (value) appender.AppendInt64(*value);
  else appender.AppendNull();
}

void AppendOptional(engine::Appender& appender, const std::optional<Timestamp>& value) {
  if (value) appender.AppendTimestamp(*value);
  else appender.AppendNull();
}

// Empty text is "none" in AggregationRun; in the table it is null.
void AppendTextOrNull(engine::Appender& appender, std::string_view value) {
  if (!value.empty()) appender.AppendString(value);
  else appender.AppendNull();
}

Status CheckUniqueIds(std::span<const AggregationRun> runs) {
  std::set<int64_t> ids;
  for (const AggregationRun& run : runs) {
    if (!ids.insert(run.run_id).second) {
      return Status::InvalidArgument("runs table: run " + std::to_string(run.run_id) + " is listed twice");
    }
  }
  return Status::Ok();
}

}  // namespace

iceberg::TableDefinition RunsTableDefinition() {
  iceberg::TableDefinition definition;
  definition.schema = LakeSchema(kColumns);
  definition.spec.spec_id = 0;  // unpartitioned: one small file holds everything
  // Every publish is a snapshot listed in the metadata file rewritten at each commit; the
  // store keeps the history, so an hour of snapshots is plenty for time travel.
  definition.properties = {{"created-by", "tradeagg"},
                           {std::string(iceberg::kMaxSnapshotAgeProperty), std::to_string(kRunsSnapshotRetentionMs)}};
  return definition;
}

std::set<int64_t> LatestRunIds(std::span<const AggregationRun> runs) {
  using Key = std::tuple<int32_t, domain::RunKind>;  // business date (days), kind
  std::map<Key, const AggregationRun*> newest;
  for (const AggregationRun& run : runs) {
    if (run.status != domain::RunStatus::kSucceeded) continue;
    const AggregationRun*& best = newest[Key{run.request.business_date.days(), run.request.kind}];
    if (best == nullptr || std::tie(best->version, best->run_id) < std::tie(run.version, run.run_id)) best = &run;
  }
  std::set<int64_t> ids;
  for (const auto& [key, run] : newest) ids.insert(run->run_id);
  return ids;
}

RunsTableWriter::RunsTableWriter(iceberg::Catalog& catalog, lake::ObjectStore& objects, engine::Connection& duckdb,
                                 std::filesystem::path staging_dir)
    : catalog_(catalog),
      objects_(objects),
      duckdb_(duckdb),
      staging_dir_(std::move(staging_dir)),
      table_{std::string(iceberg::kTradeaggNamespace), std::string(kRunsTableName)} {}

Status RunsTableWriter::Open(bool remove_orphans) {
  return OpenLakeTable(catalog_, objects_, table_, RunsTableDefinition(), staging_dir_, remove_orphans);
}

Status RunsTableWriter::StageRows(std::span<const AggregationRun> runs) {
  const std::set<int64_t> latest = LatestRunIds(runs);
  std::vector<const AggregationRun*> ordered;
  for (const AggregationRun& run : runs) ordered.push_back(&run);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->run_id < b->run_id; });

  TRY(CreateStagingTable(duckdb_, kTempTableName, kColumns));
  ASSIGN_OR_RETURN(engine::Appender appender, duckdb_.CreateAppender(kTempTableName, "main", "temp"));
  for (const AggregationRun* run : ordered) {
    appender.AppendInt64(run->run_id);
    appender.AppendDate(run->request.business_date);
    appender.AppendString(domain::RunKindName(run->request.kind));
    appender.AppendInt64(run->version);
    appender.AppendString(domain::RunStatusName(run->status));
    appender.AppendBool(run->stale());
    appender.AppendInt64(run->missing_trades);
    appender.AppendBool(latest.contains(run->run_id));
    AppendOptional(appender, run->request_seq);
    appender.AppendInt64(run->watermark);
    appender.AppendInt64(run->trades);
    appender.AppendInt64(run->store_trades);
    AppendOptional(appender, run->snapshot_id);
    AppendTextOrNull(appender, run->trades_tag);
    AppendOptional(appender, run->exposures_snapshot_id);
    appender.AppendString(domain::ReconciliationStatusName(run->reconciliation));
    appender.AppendInt64(run->difference_count);
    appender.AppendTimestamp(run->requested_at);
    AppendOptional(appender, run->finished_at);
    AppendTextOrNull(appender, run->error);
    TRY(appender.EndRow());
  }
  return appender.Close();
}

Result<iceberg::DataFile> RunsTableWriter::WriteDataFile(int64_t rows) {
  ASSIGN_OR_RETURN(iceberg::LoadedTable table, catalog_.LoadTable(table_));
  ASSIGN_OR_RETURN(std::string table_key, objects_.KeyForUri(table.metadata.location));
  const std::string key = table_key + "/data/" + iceberg::NewUuid() + ".parquet";
  iceberg::DataFile file;  // unpartitioned: an empty partition tuple
  file.sort_order_id = 0;
  return WriteStagedDataFile(duckdb_, objects_, kTempTableName, kColumns, staging_dir_, key, rows, std::move(file));
}

Result<int64_t> RunsTableWriter::Publish(std::span<const AggregationRun> runs, Timestamp published_at) {
  TRY(CheckUniqueIds(runs));
  std::optional<iceberg::DataFile> file;
  if (!runs.empty()) {
    Status staged = StageRows(runs);
    Result<iceberg::DataFile> written =
        staged.ok() ? WriteDataFile(static_cast<int64_t>(runs.size())) : Result<iceberg::DataFile>(staged);
    DropStagingTable(duckdb_, kTempTableName);  // done with it, whatever happened
    if (!written.ok()) return written.status();
    file = std::move(written).value();
  }

  const int64_t now_ms = published_at.micros() / 1000;
  Result<int64_t> committed = iceberg::CommitSnapshot(catalog_, objects_, table_, [&](const iceberg::LoadedTable& base) {
    iceberg::OverwriteFiles overwrite(objects_, base);
    if (file) overwrite.AddFile(*file);
    return overwrite.Prepare(now_ms);
  });
  // Nothing refers to the data file after a failure (an unknown outcome's file stays for the
  // orphan sweep).
  if (!committed.ok() && committed.status().code() != StatusCode::kStateUnknown && file) {
    if (auto key = objects_.KeyForUri(file->file_path); key.ok()) (void)objects_.Delete(*key);
  }
  return committed;
}

}  // namespace tradeagg::agg
