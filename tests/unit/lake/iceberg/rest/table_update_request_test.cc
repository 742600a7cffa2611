// The REST commit request for each kind of change tradeagg makes, checked member by member
// with simdjson (the servers' acceptance is the contract suite's, in rest_catalog_test.cc).
#include "tradeagg/lake/iceberg/rest/table_update_request.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "lake/iceberg/catalog_contract.h"
#include "tradeagg/lake/iceberg/trades_table.h"

namespace tradeagg::lake::iceberg::rest {
namespace {

const TableIdentifier kTable{"tradeagg", "trades"};

LoadedTable Empty() {
  LoadedTable base;
  base.metadata_location = "s3://lake/tradeagg/trades/metadata/v1.metadata.json";
  base.metadata = *NewTradesTableMetadata("s3://lake/tradeagg/trades", "9e5b0c34-0000-4000-8000-000000000001", 1000);
  return base;
}

// The request's members as compact JSON strings, by path ("requirements", "updates").
class Request {
 public:
  explicit Request(const std::string& text) : text_(text) { doc_ = parser_.parse(text_).value(); }
  simdjson::dom::array Array(std::string_view key) { return doc_[key].get_array().value(); }
  std::vector<std::string> Types(std::string_view key, std::string_view member) {
    std::vector<std::string> out;
    for (simdjson::dom::element e : Array(key)) out.emplace_back(std::string_view(e[member]));
    return out;
  }
  simdjson::dom::element Find(std::string_view key, std::string_view member, std::string_view value) {
    for (simdjson::dom::element e : Array(key)) {
      if (std::string_view(e[member]) == value) return e;
    }
    ADD_FAILURE() << "no " << member << " " << value << " in " << text_;
    return doc_;
  }
  simdjson::dom::element doc() { return doc_; }

 private:
  std::string text_;
  simdjson::dom::parser parser_;
  simdjson::dom::element doc_;
};

TEST(CommitTableRequest, FirstAppendAssertsMainDoesNotExistYet) {
  const LoadedTable base = Empty();
  Result<TableMetadata> updated = ContractAppend(base, 5, "7");
  ASSERT_TRUE(updated.ok());
  Result<std::string> json = CommitTableRequestJson(kTable, base.metadata, *updated);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  Request request(*json);
  EXPECT_EQ(std::string_view(request.doc()["identifier"]["name"]), "trades");
  EXPECT_EQ(std::string_view(request.doc()["identifier"]["namespace"].at(0)), "tradeagg");
  EXPECT_EQ(request.Types("requirements", "type"),
            (std::vector<std::string>{"assert-table-uuid", "assert-ref-snapshot-id"}));
  EXPECT_EQ(std::string_view(request.Find("requirements", "type", "assert-table-uuid")["uuid"]),
            base.metadata.table_uuid);
  EXPECT_TRUE(request.Find("requirements", "type", "assert-ref-snapshot-id")["snapshot-id"].is_null());
  EXPECT_EQ(request.Types("updates", "action"), (std::vector<std::string>{"add-snapshot", "set-snapshot-ref"}));
  simdjson::dom::element snapshot = request.Find("updates", "action", "add-snapshot")["snapshot"];
  EXPECT_EQ(int64_t(snapshot["snapshot-id"]), *updated->current_snapshot_id);
  EXPECT_EQ(int64_t(snapshot["sequence-number"]), 1);
  EXPECT_EQ(std::string_view(snapshot["summary"]["operation"]), "append");
  EXPECT_EQ(std::string_view(snapshot["summary"]["tradeagg.watermark"]), "7");
  simdjson::dom::element ref = request.Find("updates", "action", "set-snapshot-ref");
  EXPECT_EQ(std::string_view(ref["ref-name"]), "main");
  EXPECT_EQ(std::string_view(ref["type"]), "branch");
  EXPECT_EQ(int64_t(ref["snapshot-id"]), *updated->current_snapshot_id);
}

TEST(CommitTableRequest, LaterAppendAssertsTheBaseSnapshot) {
  LoadedTable base = Empty();
  base.metadata = *ContractAppend(base, 1);
  Result<TableMetadata> updated = ContractAppend(base, 2);
  Request request(*CommitTableRequestJson(kTable, base.metadata, *updated));
  EXPECT_EQ(int64_t(request.Find("requirements", "type", "assert-ref-snapshot-id")["snapshot-id"]),
            *base.metadata.current_snapshot_id);
  EXPECT_EQ(request.Types("updates", "action"), (std::vector<std::string>{"add-snapshot", "set-snapshot-ref"}));
}

TEST(CommitTableRequest, ExpiryTagsAndPropertiesBecomeTheirUpdates) {
  LoadedTable base = Empty();
  base.metadata = *ContractAppend(base, 1);
  const int64_t first = *base.metadata.current_snapshot_id;
  base.metadata = *ContractAppend(base, 1);
  SnapshotRef old_tag;
  old_tag.snapshot_id = first;
  old_tag.type = std::string(kTagRef);
  base.metadata.refs["eod-old"] = old_tag;
  base.metadata.properties["gone"] = "x";

  TableMetadata updated = base.metadata;
  updated.snapshots.erase(updated.snapshots.begin());  // the first snapshot expired
  updated.refs.erase("eod-old");
  SnapshotRef tag;
  tag.snapshot_id = *base.metadata.current_snapshot_id;
  tag.type = std::string(kTagRef);
  updated.refs["eod-new"] = tag;
  updated.properties.erase("gone");
  updated.properties["kept"] = "y";
  Request request(*CommitTableRequestJson(kTable, base.metadata, updated));
  EXPECT_EQ(request.Types("updates", "action"),
            (std::vector<std::string>{"remove-snapshots", "remove-snapshot-ref", "set-snapshot-ref", "set-properties",
                                      "remove-properties"}));
  EXPECT_EQ(int64_t(request.Find("updates", "action", "remove-snapshots")["snapshot-ids"].at(0)), first);
  EXPECT_EQ(std::string_view(request.Find("updates", "action", "set-snapshot-ref")["type"]), "tag");
  EXPECT_EQ(std::string_view(request.Find("updates", "action", "set-properties")["updates"]["kept"]), "y");
  EXPECT_EQ(std::string_view(request.Find("updates", "action", "remove-properties")["removals"].at(0)), "gone");
  // Both refs the change touches are asserted at their base snapshots (eod-new: not existing).
  EXPECT_EQ(request.Types("requirements", "type"),
            (std::vector<std::string>{"assert-table-uuid", "assert-ref-snapshot-id", "assert-ref-snapshot-id"}));
}

TEST(CommitTableRequest, SchemaEvolutionAssertsTheCurrentSchema) {
  const LoadedTable base = Empty();
  Schema wider = TradesSchema();
  wider.fields.push_back(SchemaField{100, "venue_note", PrimitiveType::Of(TypeId::kString), false, ""});
  Result<TableMetadata> evolved = EvolveSchema(base.metadata, base.metadata_location, wider, 2000);
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  Request request(*CommitTableRequestJson(kTable, base.metadata, *evolved));
  EXPECT_EQ(request.Types("requirements", "type"),
            (std::vector<std::string>{"assert-table-uuid", "assert-current-schema-id", "assert-last-assigned-field-id"}));
  EXPECT_EQ(request.Types("updates", "action"), (std::vector<std::string>{"add-schema", "set-current-schema"}));
  EXPECT_EQ(int64_t(request.Find("updates", "action", "add-schema")["last-column-id"]), 100);
  EXPECT_EQ(int64_t(request.Find("updates", "action", "set-current-schema")["schema-id"]), evolved->current_schema_id);
}

TEST(CommitTableRequest, RefusesChangesTradeaggNeverMakes) {
  const LoadedTable base = Empty();
  TableMetadata moved = base.metadata;
  moved.location = "s3://elsewhere/trades";
  EXPECT_EQ(CommitTableRequestJson(kTable, base.metadata, moved).status().code(), StatusCode::kInvalidArgument);
  TableMetadata respecced = base.metadata;
  respecced.default_spec_id = 1;
  EXPECT_EQ(CommitTableRequestJson(kTable, base.metadata, respecced).status().code(), StatusCode::kInvalidArgument);
}

TEST(CommitTableRequest, NamespaceLevelsSplitOnDots) {
  EXPECT_EQ(NamespaceLevels("tradeagg"), (std::vector<std::string>{"tradeagg"}));
  EXPECT_EQ(NamespaceLevels("venue.risk"), (std::vector<std::string>{"venue", "risk"}));
}

}  // namespace
}  // namespace tradeagg::lake::iceberg::rest
