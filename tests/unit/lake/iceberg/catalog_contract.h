// CatalogContract<Backend>: the rules of lake/iceberg/catalog.h as a typed GoogleTest suite,
// which every Catalog passes: the SQL catalog on local files, and the REST catalog against two
// real servers (the Apache Iceberg REST fixture and SeaweedFS's catalog), with their tables on S3.
//
// A Backend is a class with `Result<CatalogUnderTest> Open()`: a catalog and the object store
// its tables' files go to (where a commit's version hint is written). Servers are shared by the
// tests of a run, so every test works in a namespace of its own (NewNamespace). Instantiate with
// INSTANTIATE_TYPED_TEST_SUITE_P(Name, CatalogContract, Types<...>). What only one catalog
// promises (the SQL catalog's schema, the REST catalog's errors) is tested with it.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>

#include "tradeagg/core/time.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/ids.h"
#include "tradeagg/lake/iceberg/table_commit.h"
#include "tradeagg/lake/iceberg/trades_table.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::iceberg {

struct CatalogUnderTest {
  std::unique_ptr<ObjectStore> objects;  // declared first: the catalog may borrow it
  std::unique_ptr<Catalog> catalog;
};

// A small append on top of `base` (no real manifest list: no catalog reads it).
inline Result<TableMetadata> ContractAppend(const LoadedTable& base, int64_t records, std::string_view watermark = "") {
  SnapshotAppend a;
  a.snapshot_id = NewSnapshotId();
  a.manifest_list = base.metadata.location + "/metadata/snap-" + std::to_string(a.snapshot_id) + "-0-" + NewUuid() + ".avro";
  a.timestamp_ms = std::max(Timestamp::Now().micros() / 1000, base.metadata.last_updated_ms);
  a.added_data_files = 1;
  a.added_records = records;
  a.added_files_size = 100 * records;
  a.changed_partition_count = 1;
  if (!watermark.empty()) a.extra_summary = {{std::string(summary::kTradeaggWatermark), std::string(watermark)}};
  return AppendSnapshot(base.metadata, base.metadata_location, a);
}

// A namespace name no other call in this process returns (catalog servers outlive a test).
inline std::string NewContractNamespace() {
  static std::atomic<int> next{0};
  return "contract_" + std::to_string(::getpid()) + "_" + std::to_string(next++);
}

template <typename Backend>
class CatalogContract : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<CatalogUnderTest> opened = backend_.Open();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    under_test_ = std::move(opened).value();
    ns_ = NewContractNamespace();
  }

  Catalog& catalog() { return *under_test_.catalog; }
  ObjectStore& objects() { return *under_test_.objects; }
  TableIdentifier Table(std::string name = "trades") const { return {ns_, std::move(name)}; }

  LoadedTable CreateTrades(const TableIdentifier& table) {
    Status ns = catalog().CreateNamespace(table.ns);
    EXPECT_TRUE(ns.ok() || ns.code() == StatusCode::kAlreadyExists) << ns.ToString();
    Result<LoadedTable> created = catalog().CreateTable(table, TradesTableDefinition());
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : LoadedTable{};
  }
  CommitAttempt Commit(const TableIdentifier& table, const LoadedTable& base, const TableMetadata& updated) {
    return CommitMetadata(catalog(), objects(), table, base, updated);
  }

  Backend backend_;
  CatalogUnderTest under_test_;
  std::string ns_;
};

TYPED_TEST_SUITE_P(CatalogContract);

TYPED_TEST_P(CatalogContract, NamespacesExistOnceCreated) {
  Catalog& catalog = this->catalog();
  EXPECT_FALSE(*catalog.NamespaceExists(this->ns_));
  EXPECT_EQ(catalog.LoadNamespaceProperties(this->ns_).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(catalog.CreateNamespace(this->ns_, {{"owner", "risk"}}).ok());
  EXPECT_TRUE(*catalog.NamespaceExists(this->ns_));
  Result<Properties> properties = catalog.LoadNamespaceProperties(this->ns_);
  ASSERT_TRUE(properties.ok()) << properties.status().ToString();
  EXPECT_EQ(properties->at("owner"), "risk");
  EXPECT_EQ(catalog.CreateNamespace(this->ns_).code(), StatusCode::kAlreadyExists);
}

TYPED_TEST_P(CatalogContract, CreatesAndLoadsATableAsDefined) {
  const TableIdentifier table = this->Table();
  const LoadedTable created = this->CreateTrades(table);
  EXPECT_TRUE(CurrentSchemaIs(created.metadata, TradesSchema()));
  EXPECT_EQ(created.metadata.DefaultSpec()->fields, TradesPartitionSpec().fields);
  EXPECT_FALSE(created.metadata.current_snapshot_id.has_value());
  Result<LoadedTable> loaded = this->catalog().LoadTable(table);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, created.metadata_location);
  EXPECT_EQ(loaded->metadata.table_uuid, created.metadata.table_uuid);
  EXPECT_TRUE(this->objects().KeyForUri(loaded->metadata.location).ok())
      << "the table's files go to the object store: " << loaded->metadata.location;
  EXPECT_EQ(this->catalog().CreateTable(table, TradesTableDefinition()).status().code(), StatusCode::kAlreadyExists);
}

TYPED_TEST_P(CatalogContract, KeepsTheDefinitionsFieldIdsOutOfOrder) {
  // As a table evolved by an earlier build has them: ids not in column order.
  TableDefinition definition = TradesTableDefinition();
  std::swap(definition.schema.fields[1].id, definition.schema.fields[2].id);
  ASSERT_TRUE(this->catalog().CreateNamespace(this->ns_).ok());
  Result<LoadedTable> created = this->catalog().CreateTable(this->Table(), definition);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(CurrentSchemaIs(created->metadata, definition.schema));
  EXPECT_TRUE(CurrentSchemaIs(this->catalog().LoadTable(this->Table())->metadata, definition.schema));
}

TYPED_TEST_P(CatalogContract, MissingTablesAndNamespacesAreNotFound) {
  EXPECT_EQ(this->catalog().LoadTable(this->Table()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(this->catalog().ListTables(this->ns_).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(this->catalog().CreateNamespace(this->ns_).ok());
  EXPECT_EQ(this->catalog().LoadTable(this->Table()).status().code(), StatusCode::kNotFound);
  Result<std::vector<TableIdentifier>> none = this->catalog().ListTables(this->ns_);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

TYPED_TEST_P(CatalogContract, ListsTablesByName) {
  this->CreateTrades(this->Table("zeta"));
  this->CreateTrades(this->Table("alpha"));
  Result<std::vector<TableIdentifier>> tables = this->catalog().ListTables(this->ns_);
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_EQ(*tables, (std::vector<TableIdentifier>{this->Table("alpha"), this->Table("zeta")}));
}

TYPED_TEST_P(CatalogContract, CommitsAnAppendOnTopOfTheBase) {
  const TableIdentifier table = this->Table();
  const LoadedTable v0 = this->CreateTrades(table);
  Result<TableMetadata> next = ContractAppend(v0, 3, "42");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  CommitAttempt attempt = this->Commit(table, v0, *next);
  ASSERT_TRUE(attempt.result.committed()) << attempt.result.ToString();
  Result<LoadedTable> loaded = this->catalog().LoadTable(table);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, attempt.metadata_location);
  EXPECT_NE(loaded->metadata_location, v0.metadata_location);
  ASSERT_NE(loaded->metadata.CurrentSnapshot(), nullptr);
  EXPECT_EQ(loaded->metadata.current_snapshot_id, next->current_snapshot_id);
  EXPECT_EQ(loaded->metadata.CurrentSnapshot()->SummaryInt(summary::kTradeaggWatermark), 42);
  EXPECT_EQ(loaded->metadata.refs.at(std::string(kMainBranch)).snapshot_id, *next->current_snapshot_id);
  EXPECT_EQ(loaded->metadata.last_sequence_number, 1);
}

TYPED_TEST_P(CatalogContract, RefusesACommitOnAStaleBase) {
  const TableIdentifier table = this->Table();
  const LoadedTable v0 = this->CreateTrades(table);
  ASSERT_TRUE(this->Commit(table, v0, *ContractAppend(v0, 1)).result.committed());
  CommitAttempt late = this->Commit(table, v0, *ContractAppend(v0, 2));
  EXPECT_TRUE(late.result.conflict()) << late.result.ToString();
  Result<LoadedTable> loaded = this->catalog().LoadTable(table);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata.snapshots.size(), 1u) << "the late writer's snapshot is not in the table";
  EXPECT_EQ(loaded->metadata.CurrentSnapshot()->SummaryInt(summary::kAddedRecords), 1);
}

TYPED_TEST_P(CatalogContract, CommitsATagAndAPropertyChange) {
  const TableIdentifier table = this->Table();
  const LoadedTable v0 = this->CreateTrades(table);
  ASSERT_TRUE(this->Commit(table, v0, *ContractAppend(v0, 1)).result.committed());
  LoadedTable v1 = *this->catalog().LoadTable(table);
  SnapshotRef tag;
  tag.snapshot_id = *v1.metadata.current_snapshot_id;
  tag.type = std::string(kTagRef);
  Result<TableMetadata> tagged = SetRef(v1.metadata, v1.metadata_location, "eod-2026-12-04", tag, v1.metadata.last_updated_ms);
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  tagged->properties["tradeagg.contract"] = "yes";
  CommitAttempt attempt = this->Commit(table, v1, *tagged);
  ASSERT_TRUE(attempt.result.committed()) << attempt.result.ToString();
  LoadedTable v2 = *this->catalog().LoadTable(table);
  ASSERT_TRUE(v2.metadata.refs.contains("eod-2026-12-04"));
  EXPECT_TRUE(v2.metadata.refs.at("eod-2026-12-04").is_tag());
  EXPECT_EQ(v2.metadata.refs.at("eod-2026-12-04").snapshot_id, tag.snapshot_id);
  EXPECT_EQ(v2.metadata.properties.at("tradeagg.contract"), "yes");
}

TYPED_TEST_P(CatalogContract, CommitsASchemaEvolution) {
  const TableIdentifier table = this->Table();
  const LoadedTable v0 = this->CreateTrades(table);
  Schema wider = TradesSchema();
  wider.fields.push_back(SchemaField{100, "venue_note", PrimitiveType::Of(TypeId::kString), false, ""});
  Result<TableMetadata> evolved = EvolveSchema(v0.metadata, v0.metadata_location, wider, v0.metadata.last_updated_ms);
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  CommitAttempt attempt = this->Commit(table, v0, *evolved);
  ASSERT_TRUE(attempt.result.committed()) << attempt.result.ToString();
  EXPECT_TRUE(CurrentSchemaIs(this->catalog().LoadTable(table)->metadata, wider));
}

TYPED_TEST_P(CatalogContract, ACommitToAMissingTableFails) {
  const LoadedTable v0 = this->CreateTrades(this->Table());
  CommitAttempt attempt = this->Commit(this->Table("absent"), v0, *ContractAppend(v0, 1));
  EXPECT_EQ(attempt.result.outcome, CommitOutcome::kFailed) << attempt.result.ToString();
  EXPECT_EQ(attempt.result.status.code(), StatusCode::kNotFound) << attempt.result.ToString();
}

REGISTER_TYPED_TEST_SUITE_P(CatalogContract, NamespacesExistOnceCreated, CreatesAndLoadsATableAsDefined,
                            KeepsTheDefinitionsFieldIdsOutOfOrder,
                            MissingTablesAndNamespacesAreNotFound, ListsTablesByName, CommitsAnAppendOnTopOfTheBase,
                            RefusesACommitOnAStaleBase, CommitsATagAndAPropertyChange, CommitsASchemaEvolution,
                            ACommitToAMissingTableFails);

}  // namespace tradeagg::lake::iceberg
