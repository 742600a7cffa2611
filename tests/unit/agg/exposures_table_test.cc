#include "tradeagg/agg/exposures_table.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "lake_fixture.h"
#include "tradeagg/agg/exposure_set.h"
#include "tradeagg/agg/lake_sql.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"

namespace tradeagg::agg {
namespace {

namespace iceberg = lake::iceberg;
namespace field = iceberg::exposures_field;
using domain::ExposureLevel;
using domain::Side;
using Row = std::vector<std::optional<std::string>>;

const iceberg::TableIdentifier kTable{"tradeagg", std::string(kExposuresTableName)};

Decimal D(const char* text) { return *Decimal::Parse(text); }

// tradeagg.exposures as builds before per-side counts created it: quantities and direction
// required, no buy_trades and sell_trades.
iceberg::TableDefinition EarlierDefinition() {
  iceberg::TableDefinition definition = ExposuresTableDefinition();
  std::erase_if(definition.schema.fields, [](const iceberg::SchemaField& f) {
    return f.id == field::kBuyTrades || f.id == field::kSellTrades;
  });
  for (iceberg::SchemaField& f : definition.schema.fields) {
    if (f.id == field::kBuyQuantity || f.id == field::kSellQuantity || f.id == field::kNetQuantity ||
        f.id == field::kDirection) {
      f.required = true;
    }
  }
  return definition;
}

// The issue's participant: 1000 of a cheap stock bought in four trades, 10 of a dear one sold,
// with a counterparty X; no FX rate for GBP.
std::vector<domain::ExposureRow> IssueRows() {
  std::vector<TradeGroup> groups = {
      {ExposureLevel::kInstrument, "M016", "GB00B03MLX29", "GBP", Side::kBuy, 1000, D("1000"), 4},
      {ExposureLevel::kCounterparty, "M016", "X", "GBP", Side::kBuy, 1000, D("1000"), 4},
      {ExposureLevel::kInstrument, "M016", "GB0007980591", "GBP", Side::kSell, 10, D("5000"), 1},
      {ExposureLevel::kCounterparty, "M016", "X", "GBP", Side::kSell, 10, D("5000"), 1},
  };
  ExposureSet set = ExposureSet::FromGroups(groups);
  set.AddReportingTotals({}, "USD");
  return set.TakeRows();
}

class ExposuresTableTest : public LakeFixture {
 protected:
  void SetUp() override {
    LakeFixture::SetUp();
    auto db = engine::Database::OpenInMemory();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    auto connection = db_.Connect();
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    duckdb_ = std::move(connection).value();
  }
  void TearDown() override {
    writer_.reset();
    duckdb_ = engine::Connection();
    db_ = engine::Database();
    LakeFixture::TearDown();
  }

  ExposuresTableWriter& Writer() {
    if (!writer_) {
      writer_ = std::make_unique<ExposuresTableWriter>(lake_->catalog(), lake_->objects(), duckdb_,
                                                       dir_ / "exposures-staging");
    }
    return *writer_;
  }

  iceberg::LoadedTable Load() {
    auto table = lake_->catalog().LoadTable(kTable);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return table.ok() ? *table : iceberg::LoadedTable{};
  }

  std::vector<Row> Query(const std::string& sql) {
    auto lake_sql = LakeSql::Open(lake_->catalog(), lake_->objects(), std::nullopt, std::nullopt, 1);
    EXPECT_TRUE(lake_sql.ok()) << lake_sql.status().ToString();
    if (!lake_sql.ok()) return {};
    auto table = (*lake_sql)->Query(sql);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return table.ok() ? table->rows : std::vector<Row>{};
  }

  domain::AggregationRun Run(int64_t id) {
    domain::AggregationRun run;
    run.run_id = id;
    run.request = {kMonday, domain::RunKind::kEod, "test", std::nullopt, std::nullopt};
    run.version = 1;
    run.watermark = 5;
    return run;
  }

  engine::Database db_;
  engine::Connection duckdb_;
  std::unique_ptr<ExposuresTableWriter> writer_;
};

TEST_F(ExposuresTableTest, ATableOfAnEarlierBuildIsEvolvedInOneCommitKeepingItsFieldIds) {
  ASSERT_TRUE(lake_->catalog().CreateTable(kTable, EarlierDefinition()).ok());
  const iceberg::LoadedTable before = Load();
  ASSERT_EQ(before.metadata.last_column_id, field::kComputedAt);

  ASSERT_TRUE(Writer().Open(/*remove_orphans=*/true).ok());
  const iceberg::LoadedTable after = Load();
  EXPECT_NE(after.metadata_location, before.metadata_location);
  ASSERT_EQ(after.metadata.schemas.size(), 2u);
  EXPECT_EQ(after.metadata.schemas[0], before.metadata.schemas[0]);
  EXPECT_EQ(after.metadata.current_schema_id, 1);
  EXPECT_EQ(after.metadata.last_column_id, field::kSellTrades);
  EXPECT_TRUE(iceberg::CurrentSchemaIs(after.metadata, ExposuresTableDefinition().schema));
  for (const iceberg::SchemaField& old_field : before.metadata.schemas[0].fields) {
    const iceberg::SchemaField* now = after.metadata.CurrentSchema()->FindField(old_field.name);
    ASSERT_NE(now, nullptr) << old_field.name;
    EXPECT_EQ(now->id, old_field.id) << old_field.name;
  }
  EXPECT_FALSE(after.metadata.CurrentSchema()->FindField(field::kBuyQuantity)->required);
  EXPECT_FALSE(after.metadata.CurrentSchema()->FindField(field::kDirection)->required);
  EXPECT_FALSE(after.metadata.CurrentSchema()->FindField(field::kBuyTrades)->required);
  ASSERT_EQ(after.metadata.metadata_log.size(), 1u);
  EXPECT_EQ(after.metadata.metadata_log[0].metadata_file, before.metadata_location);

  // Opening again changes nothing.
  writer_.reset();
  ASSERT_TRUE(Writer().Open(/*remove_orphans=*/true).ok());
  EXPECT_EQ(Load().metadata_location, after.metadata_location);
}

TEST_F(ExposuresTableTest, ANewTableHasTheDefinitionsSchema) {
  ASSERT_TRUE(Writer().Open(/*remove_orphans=*/false).ok());
  const iceberg::LoadedTable table = Load();
  EXPECT_EQ(table.metadata.schemas.size(), 1u);
  EXPECT_TRUE(iceberg::CurrentSchemaIs(table.metadata, ExposuresTableDefinition().schema));
}

TEST_F(ExposuresTableTest, RowsSpanningInstrumentsCarryNoQuantitiesAndTheNotionalDirection) {
  ASSERT_TRUE(lake_->catalog().CreateTable(kTable, EarlierDefinition()).ok());
  ASSERT_TRUE(Writer().Open(/*remove_orphans=*/true).ok());
  const std::vector<domain::ExposureRow> rows = IssueRows();
  auto snapshot = Writer().Append(Run(1), rows, Timestamp::Now());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(Load().metadata.CurrentSnapshot()->schema_id, 1) << "written with the evolved schema";

  const std::vector<Row> got = Query(
      "SELECT level, coalesce(instrument, counterparty, '') AS key, currency, buy_quantity, net_quantity, buy_vwap, "
      "net_notional, trade_count, buy_trades, sell_trades, direction FROM exposures ORDER BY level, key");
  const std::optional<std::string> null;
  const std::vector<Row> want = {
      {"counterparty", "X", "GBP", null, null, null, "-4000.00000000", "5", "4", "1", "SHORT"},
      {"instrument", "GB0007980591", "GBP", "0", "-10", null, "-5000.00000000", "1", "0", "1", "SHORT"},
      {"instrument", "GB00B03MLX29", "GBP", "1000", "1000", "1.00000000", "1000.00000000", "4", "4", "0", "LONG"},
      {"participant", "", "GBP", null, null, null, "-4000.00000000", "5", "4", "1", "SHORT"},
      {"reporting", "", "USD", null, null, null, null, "5", "4", "1", null},  // no GBP rate
  };
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace tradeagg::agg
