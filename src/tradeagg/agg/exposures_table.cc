#include "tradeagg/agg/exposures_table.h"

#include <array>
#include <optional>

#include "tradeagg/agg/lake_table.h"
#include "tradeagg/engine/appender.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/merge_append.h"
#include "tradeagg/lake/iceberg/table_commit.h"
#include "tradeagg/lake/iceberg/table_metadata.h"
#include "tradeagg/lake/iceberg/trades_table.h"

namespace tradeagg::agg {

namespace {

namespace iceberg = lake::iceberg;
namespace field = iceberg::exposures_field;
using domain::ExposureLevel;
using iceberg::PrimitiveType;
using iceberg::TypeId;

constexpr PrimitiveType kString = PrimitiveType::Of(TypeId::kString);
constexpr PrimitiveType kLong = PrimitiveType::Of(TypeId::kLong);
constexpr PrimitiveType kQuantity = PrimitiveType::Decimal(field::kQuantityPrecision, 0);
constexpr PrimitiveType kNotional = PrimitiveType::Decimal(field::kNotionalPrecision, Decimal::kScale);
static_assert(field::kQuantityPrecision == 38 && field::kNotionalPrecision == 38 && Decimal::kScale == 8);

// Schema order; the appends in StageRows follow it. Quantities, VWAPs and direction were
// required in tables of earlier builds and are optional now (null where a row spans
// instruments or its notionals are unknown); buy_trades and sell_trades came later and are
// optional because files written before lack them. Open() evolves such tables to this.
constexpr std::array<LakeColumn, 26> kColumns = {{
    {"run_id", field::kRunId, "BIGINT", kLong, true},
    {"kind", field::kKind, "VARCHAR", kString, true},
    {"version", field::kVersion, "INTEGER", PrimitiveType::Of(TypeId::kInt), true},
    {"business_date", field::kBusinessDate, "DATE", PrimitiveType::Of(TypeId::kDate), true},
    {"level", field::kLevel, "VARCHAR", kString, true},
    {"participant", field::kParticipant, "VARCHAR", kString, true},
    {"instrument", field::kInstrument, "VARCHAR", kString, false},
    {"counterparty", field::kCounterparty, "VARCHAR", kString, false},
    {"currency", field::kCurrency, "VARCHAR", kString, true},
    {"buy_quantity", field::kBuyQuantity, "DECIMAL(38,0)", kQuantity, false},
    {"sell_quantity", field::kSellQuantity, "DECIMAL(38,0)", kQuantity, false},
    {"net_quantity", field::kNetQuantity, "DECIMAL(38,0)", kQuantity, false},
    {"buy_notional", field::kBuyNotional, "DECIMAL(38,8)", kNotional, false},
    {"sell_notional", field::kSellNotional, "DECIMAL(38,8)", kNotional, false},
    {"net_notional", field::kNetNotional, "DECIMAL(38,8)", kNotional, false},
    {"gross_notional", field::kGrossNotional, "DECIMAL(38,8)", kNotional, false},
    {"trade_count", field::kTradeCount, "BIGINT", kLong, true},
    {"buy_trades", field::kBuyTrades, "BIGINT", kLong, false},
    {"sell_trades", field::kSellTrades, "BIGINT", kLong, false},
    {"buy_vwap", field::kBuyVwap, "DECIMAL(38,8)", kNotional, false},
    {"sell_vwap", field::kSellVwap, "DECIMAL(38,8)", kNotional, false},
    {"direction", field::kDirection, "VARCHAR", kString, false},
    {"missing_rates", field::kMissingRates, "VARCHAR", kString, false},
    {"trades_snapshot_id", field::kTradesSnapshotId, "BIGINT", kLong, false},
    {"watermark", field::kWatermark, "BIGINT", kLong, true},
    {"computed_at", field::kComputedAt, "TIMESTAMPTZ", PrimitiveType::Of(TypeId::kTimestampTz), true},
}};

constexpr std::string_view kTempTableName = "tradeagg_exposures_export";

int64_t NowMs() { return Timestamp::Now().micros() / 1000; }

// A quantity of one instrument; null on rows spanning instruments, where a sum is no position.
void AppendQuantity(engine::Appender& appender, const domain::ExposureRow& row, int128 quantity) {
  if (domain::SpansInstruments(row.level)) appender.AppendNull();
  else appender.AppendDecimal(Decimal::FromUnits(quantity * Decimal::kOne));
}

void AppendCount(engine::Appender& appender, bool present, int64_t count) {
  if (present) appender.AppendInt64(count);
  else appender.AppendNull();
}

void AppendOptional(engine::Appender& appender, const std::optional<Decimal>& value) {
  if (value) appender.AppendDecimal(*value);
  else appender.AppendNull();
}

void AppendText(engine::Appender& appender, bool present, std::string_view value) {
  if (present) appender.AppendString(value);
  else appender.AppendNull();
}

// Brings a table created by an earlier build to the definition's schema in one catalog commit,
// retried when another writer (a CLI run beside the server) committed first.
Status EvolveToDefinition(iceberg::Catalog& catalog, lake::ObjectStore& objects, const iceberg::TableIdentifier& table,
                          const iceberg::Schema& target) {
  iceberg::CommitResult result = iceberg::RetryOnConflict(iceberg::RetryPolicy{}, [&](int) {
    auto base = catalog.LoadTable(table);
    if (!base.ok()) return iceberg::CommitResult::Failed(base.status());
    // Another writer may have evolved it meanwhile.
    if (iceberg::CurrentSchemaIs(base->metadata, target)) return iceberg::CommitResult::Committed();
    auto evolved = iceberg::EvolveSchema(base->metadata, base->metadata_location, target, NowMs());
    if (!evolved.ok()) return iceberg::CommitResult::Failed(evolved.status());
    return iceberg::CommitMetadata(catalog, objects, table, *base, *evolved).result;
  });
  if (result.committed()) return Status::Ok();
  if (result.outcome == iceberg::CommitOutcome::kStateUnknown) {
    ASSIGN_OR_RETURN(iceberg::LoadedTable now, catalog.LoadTable(table));
    if (iceberg::CurrentSchemaIs(now.metadata, target)) return Status::Ok();
  }
  return Status(result.status.code(), "cannot evolve " + table.ToString() + ": " + result.status.message());
}

}  // namespace

iceberg::TableDefinition ExposuresTableDefinition() {
  iceberg::TableDefinition definition;
  definition.schema = LakeSchema(kColumns);
  definition.spec.spec_id = 0;
  definition.spec.fields = {{field::kBusinessDate, field::kBusinessDatePartition, "business_date",
                             std::string(iceberg::kIdentityTransform)}};
  definition.properties = {{"created-by", "tradeagg"}};
  return definition;
}

ExposuresTableWriter::ExposuresTableWriter(iceberg::Catalog& catalog, lake::ObjectStore& objects,
                                           engine::Connection& duckdb, std::filesystem::path staging_dir)
    : catalog_(catalog),
      objects_(objects),
      duckdb_(duckdb),
      staging_dir_(std::move(staging_dir)),
      table_{std::string(iceberg::kTradeaggNamespace), std::string(kExposuresTableName)} {}

Status ExposuresTableWriter::Open(bool remove_orphans) {
  TRY(OpenLakeTable(catalog_, objects_, table_, ExposuresTableDefinition(), staging_dir_, remove_orphans));
  // A table created by an earlier build is brought to this build's schema.
  ASSIGN_OR_RETURN(iceberg::LoadedTable loaded, catalog_.LoadTable(table_));
  const iceberg::Schema target = ExposuresTableDefinition().schema;
  if (iceberg::CurrentSchemaIs(loaded.metadata, target)) return Status::Ok();
  return EvolveToDefinition(catalog_, objects_, table_, target);
}

Status ExposuresTableWriter::StageRows(const domain::AggregationRun& run, std::span<const domain::ExposureRow> rows,
                                       Timestamp computed_at) {
  TRY(CreateStagingTable(duckdb_, kTempTableName, kColumns));
  ASSIGN_OR_RETURN(engine::Appender appender, duckdb_.CreateAppender(kTempTableName, "main", "temp"));
  std::string missing;
  for (const domain::ExposureRow& row : rows) {
    const domain::ExposureTotals& t = row.totals;
    const bool notionals_known = row.notionals_known();
    appender.AppendInt64(run.run_id);
    appender.AppendString(domain::RunKindName(run.request.kind));
    appender.AppendInt64(run.version);
    appender.AppendDate(run.request.business_date);
    appender.AppendString(domain::ExposureLevelName(row.level));
    appender.AppendString(row.participant);
    AppendText(appender, row.level == ExposureLevel::kInstrument, row.key);
    AppendText(appender, row.level == ExposureLevel::kCounterparty, row.key);
    appender.AppendString(row.currency);
    AppendQuantity(appender, row, t.buy_quantity);
    AppendQuantity(appender, row, t.sell_quantity);
    AppendQuantity(appender, row, t.net_quantity());
    auto known = [&](Decimal value) { return notionals_known ? std::optional<Decimal>(value) : std::nullopt; };
    AppendOptional(appender, known(t.buy_notional));
    AppendOptional(appender, known(t.sell_notional));
    AppendOptional(appender, known(t.net_notional()));
    AppendOptional(appender, known(t.gross_notional()));
    appender.AppendInt64(t.trade_count);
    AppendCount(appender, t.side_counts_known(), t.buy_trades);
    AppendCount(appender, t.side_counts_known(), t.sell_trades);
    const bool with_vwaps = notionals_known && !domain::SpansInstruments(row.level);
    AppendOptional(appender, with_vwaps ? t.buy_vwap() : std::nullopt);
    AppendOptional(appender, with_vwaps ? t.sell_vwap() : std::nullopt);
    const std::optional<domain::Direction> direction = row.direction();
    AppendText(appender, direction.has_value(), direction ? domain::DirectionName(*direction) : "");
    missing.clear();
    for (const std::string& currency : row.missing_rates) missing += (missing.empty() ? "" : ",") + currency;
    AppendText(appender, !missing.empty(), missing);
    if (run.snapshot_id) appender.AppendInt64(*run.snapshot_id);
    else appender.AppendNull();
    appender.AppendInt64(run.watermark);
    appender.AppendTimestamp(computed_at);
    TRY(appender.EndRow());
  }
  return appender.Close();
}

Result<iceberg::DataFile> ExposuresTableWriter::WriteDataFile(const domain::AggregationRun& run, int64_t rows) {
  ASSIGN_OR_RETURN(iceberg::LoadedTable table, catalog_.LoadTable(table_));
  ASSIGN_OR_RETURN(std::string table_key, objects_.KeyForUri(table.metadata.location));
  const std::string key = table_key + "/data/business_date=" + run.request.business_date.ToString() + "/" +
                          iceberg::NewUuid() + ".parquet";
  iceberg::DataFile file;
  file.partition_dates = {run.request.business_date.days()};
  file.sort_order_id = 0;
  return WriteStagedDataFile(duckdb_, objects_, kTempTableName, kColumns, staging_dir_, key, rows, std::move(file));
}

Result<int64_t> ExposuresTableWriter::Append(const domain::AggregationRun& run,
                                             std::span<const domain::ExposureRow> rows, Timestamp computed_at) {
  Status staged = StageRows(run, rows, computed_at);
  Result<iceberg::DataFile> written = staged.ok() ? WriteDataFile(run, static_cast<int64_t>(rows.size()))
                                                  : Result<iceberg::DataFile>(staged);
  DropStagingTable(duckdb_, kTempTableName);  // done with it, whatever happened
  if (!written.ok()) return written.status();
  const iceberg::DataFile& file = *written;

  Result<int64_t> committed = iceberg::CommitSnapshot(catalog_, objects_, table_, [&](const iceberg::LoadedTable& base) {
    iceberg::MergeAppend append(objects_, base);
    append.AddFile(file);
    append.SetSummary(std::string(kRunIdSummary), std::to_string(run.run_id));
    return append.Prepare(NowMs());
  });
  // Nothing refers to the data file after a failure (an unknown outcome's file stays for the
  // orphan sweep).
  if (!committed.ok() && committed.status().code() != StatusCode::kStateUnknown) {
    if (auto key = objects_.KeyForUri(file.file_path); key.ok()) (void)objects_.Delete(*key);
  }
  return committed;
}

}  // namespace tradeagg::agg
