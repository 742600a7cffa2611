// A temporary warehouse with a SQL catalog and the trades table, for tests that commit
// snapshots through MergeAppend and read them back.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tradeagg/lake/iceberg/merge_append.h"
#include "tradeagg/lake/iceberg/overwrite_files.h"
#include "tradeagg/lake/iceberg/sql_catalog.h"
#include "tradeagg/lake/iceberg/table_commit.h"
#include "tradeagg/lake/iceberg/trades_table.h"
#include "tradeagg/lake/local/local_object_store.h"

namespace tradeagg::lake::iceberg {

inline const TableIdentifier kTestTrades{"tradeagg", "trades"};

// Tables created through the catalog carry the real clock, and snapshot times never go before
// the table's last update: appends to them are timed from here.
inline int64_t LaterMs() { return Timestamp::Now().micros() / 1000 + 60'000; }

class TestTable : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "tradeagg-iceberg-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = std::filesystem::canonical(dir);
    auto store = LocalObjectStore::Open(dir_ / "warehouse");
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    SqlCatalog::Options options;
    options.db_path = dir_ / "catalog.db";
    auto catalog = SqlCatalog::Open(options, store_.get());
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::move(catalog).value();
    ASSERT_TRUE(catalog_->CreateNamespace("tradeagg").ok());
  }
  void TearDown() override {
    catalog_.reset();
    std::filesystem::remove_all(dir_);
  }

  void CreateTable(std::map<std::string, std::string, std::less<>> properties = {}) {
    TableDefinition definition = TradesTableDefinition();
    for (auto& [key, value] : properties) definition.properties[key] = value;
    ASSERT_TRUE(catalog_->CreateTable(kTestTrades, definition).ok());
  }

  LoadedTable Load() {
    Result<LoadedTable> table = catalog_->LoadTable(kTestTrades);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return table.ok() ? *table : LoadedTable{};
  }

  // Commits `files` as one snapshot at `now_ms`; returns the snapshot id.
  int64_t Append(std::vector<DataFile> files, int64_t now_ms, std::string watermark = "") {
    LoadedTable base = Load();
    MergeAppend append(*store_, base);
    for (DataFile& file : files) append.AddFile(std::move(file));
    if (!watermark.empty()) append.SetSummary("tradeagg.watermark", watermark);
    return Commit(base, append.Prepare(now_ms));
  }

  // Commits an overwrite snapshot that replaces the table's files with `files`; returns its id.
  int64_t Overwrite(std::vector<DataFile> files, int64_t now_ms) {
    LoadedTable base = Load();
    OverwriteFiles overwrite(*store_, base);
    for (DataFile& file : files) overwrite.AddFile(std::move(file));
    return Commit(base, overwrite.Prepare(now_ms));
  }

  int64_t Commit(const LoadedTable& base, const Result<PreparedSnapshot>& prepared) {
    EXPECT_TRUE(prepared.ok()) << prepared.status().ToString();
    if (!prepared.ok()) return 0;
    CommitAttempt attempt = CommitMetadata(*catalog_, *store_, kTestTrades, base, prepared->updated);
    EXPECT_TRUE(attempt.result.committed()) << attempt.result.ToString();
    DeleteQuietly(*store_, prepared->expired_manifest_lists);
    return prepared->snapshot_id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<SqlCatalog> catalog_;
};

// A catalog in front of another that can interfere with the next commit: run a rival's commit
// just before it (`before_next_commit`), or drop it and report kStateUnknown
// (`lose_next_commit`), as a reply lost before the swap would.
class InterferingCatalog final : public Catalog {
 public:
  explicit InterferingCatalog(Catalog& inner) : inner_(inner) {}

  std::function<void()> before_next_commit;
  bool lose_next_commit = false;
  int commits = 0;  // calls of CommitTable

  Status CreateNamespace(std::string_view ns, const Properties& properties) override {
    return inner_.CreateNamespace(ns, properties);
  }
  Result<bool> NamespaceExists(std::string_view ns) override { return inner_.NamespaceExists(ns); }
  Result<Properties> LoadNamespaceProperties(std::string_view ns) override {
    return inner_.LoadNamespaceProperties(ns);
  }
  Result<std::vector<TableIdentifier>> ListTables(std::string_view ns) override { return inner_.ListTables(ns); }
  Result<LoadedTable> LoadTable(const TableIdentifier& table) override { return inner_.LoadTable(table); }
  Result<LoadedTable> CreateTable(const TableIdentifier& table, const TableDefinition& definition,
                                  std::string location) override {
    return inner_.CreateTable(table, definition, std::move(location));
  }
  CommitAttempt CommitTable(const TableIdentifier& table, const LoadedTable& base,
                            const TableMetadata& updated) override {
    ++commits;
    if (std::function<void()> rival = std::exchange(before_next_commit, nullptr)) rival();
    if (std::exchange(lose_next_commit, false)) return {CommitResult::Unknown(Status::StateUnknown("reply lost")), ""};
    return inner_.CommitTable(table, base, updated);
  }

 private:
  Catalog& inner_;
};

// A data file of the trades table that exists only in metadata.
inline DataFile FakeFile(const std::string& name, int32_t day, int64_t records) {
  DataFile file;
  file.file_path = "file:///data/" + name + ".parquet";
  file.partition_dates = {day};
  file.record_count = records;
  file.file_size_in_bytes = 1000 + records;
  return file;
}

}  // namespace tradeagg::lake::iceberg
