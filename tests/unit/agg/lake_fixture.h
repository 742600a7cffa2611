// A data directory with a trade store, a lake (warehouse, catalog, exporter), a results store
// and an aggregator: the real parts, for tests of aggregation runs and their scheduling.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tradeagg/agg/aggregator.h"
#include "tradeagg/agg/book_source.h"
#include "tradeagg/app/backends.h"
#include "tradeagg/lake/lake.h"

namespace tradeagg::agg {

inline const Date kMonday = Date::FromCivil(2026, 11, 23);
inline const Date kTuesday = Date::FromCivil(2026, 11, 24);

inline domain::Trade MakeTrade(int n, Date date) {
  static const char* kParticipants[] = {"ALPHA", "BETA", "GAMMA"};
  static const char* kInstruments[] = {"US0378331005", "GB0007980591", "DE0007164600"};
  static const char* kCurrencies[] = {"USD", "GBP", "EUR"};
  domain::Trade t;
  t.trade_id = "T" + std::to_string(n);
  t.participant = kParticipants[n % 3];
  t.counterparty = kParticipants[(n + 1) % 3];
  t.instrument = kInstruments[(n / 3) % 3];
  t.side = n % 2 ? domain::Side::kBuy : domain::Side::kSell;
  t.quantity = 1 + n * 7 % 1000;
  t.price = Decimal::FromUnits(int128{100'000'000} + n * 12'345'679);
  t.notional = t.price * t.quantity;
  t.currency = kCurrencies[(n / 3) % 3];
  t.trade_time = Timestamp::FromMicros(int64_t{date.days()} * 86'400'000'000 + 36'000'000'000 + n);
  t.received_at = t.trade_time;
  t.business_date = date;
  return t;
}

class LakeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "tradeagg-agg-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = std::filesystem::canonical(dir);
    // The composition root's own factories, on the embedded default in the temp directory.
    app::Config config;
    config.data_dir = dir_;
    auto stores = app::OpenStores(config);
    ASSERT_TRUE(stores.ok()) << stores.status().ToString();
    stores_ = std::move(stores).value();
    store_ = stores_.trades.get();
    results_ = stores_.results.get();
    auto storage = app::OpenLakeStorage(config);
    ASSERT_TRUE(storage.ok()) << storage.status().ToString();
    lake::ExporterConfig exporter;
    exporter.staging_dir = dir_ / "lake-staging";
    auto lake = lake::Lake::Open(std::move(storage->objects), std::move(storage->catalog), *store_, exporter,
                                 /*owner=*/true);
    ASSERT_TRUE(lake.ok()) << lake.status().ToString();
    lake_ = std::move(lake).value();
    book_ = std::make_unique<StoreBookSource>(*store_);
  }
  void TearDown() override {
    aggregator_.reset();
    lake_.reset();
    stores_ = {};
    std::filesystem::remove_all(dir_);
  }

  // A run that waits for the lake exports on its own thread, as the CLI does; tests may replace
  // request_export_ (a lake that never catches up) or change aggregator_config_ first.
  void OpenAggregator(BookSource* book = nullptr) {
    AggregatorConfig config = aggregator_config_;
    config.staging_dir = dir_ / "agg-staging";
    config.owner = true;
    auto aggregator = Aggregator::Create(*results_, *store_, lake_->catalog(), lake_->objects(),
                                         book ? *book : *book_, request_export_, config);
    ASSERT_TRUE(aggregator.ok()) << aggregator.status().ToString();
    aggregator_ = std::move(aggregator).value();
  }

  // Commits trades first..last (numbers) of `date` to the store; returns them with their seqs.
  std::vector<domain::Trade> Commit(int first, int last, Date date) {
    store::AppendRequest request;
    for (int n = first; n <= last; ++n) request.trades.push_back(MakeTrade(n, date));
    store::AppendRequest* requests[] = {&request};
    EXPECT_TRUE(store_->Append(requests).ok());
    return request.trades;
  }

  void Export() {
    auto cycle = lake_->exporter().ExportOnce();
    ASSERT_TRUE(cycle.ok()) << cycle.status().ToString();
  }

  std::filesystem::path dir_;
  app::Stores stores_;
  store::TradeStore* store_ = nullptr;         // stores_.trades
  std::unique_ptr<lake::Lake> lake_;
  store::ExposureStore* results_ = nullptr;  // stores_.results
  std::unique_ptr<StoreBookSource> book_;
  std::unique_ptr<Aggregator> aggregator_;
  AggregatorConfig aggregator_config_ = [] {
    AggregatorConfig config;
    config.lake_wait = std::chrono::milliseconds(5'000);
    config.lake_poll = std::chrono::milliseconds(5);
    return config;
  }();
  Aggregator::ExportRequest request_export_ = [this] { (void)lake_->exporter().ExportOnce(); };
};

}  // namespace tradeagg::agg
