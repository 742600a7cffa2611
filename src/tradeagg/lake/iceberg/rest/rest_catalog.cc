#include "tradeagg/lake/iceberg/rest/rest_catalog.h"

#include <simdjson.h>

#include "tradeagg/core/json_writer.h"
#include "tradeagg/lake/iceberg/json_reading.h"
#include "tradeagg/lake/iceberg/partition_spec_json.h"
#include "tradeagg/lake/iceberg/rest/table_update_request.h"
#include "tradeagg/lake/iceberg/schema_json.h"
#include "tradeagg/lake/iceberg/table_metadata_json.h"
#include "tradeagg/net/percent_encoding.h"

namespace tradeagg::lake::iceberg::rest {

namespace {

// The prefix override of a GET /v1/config answer, or "".
Result<std::string> PrefixOf(std::string_view config) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(json::Element doc, json::ParseDocument(parser, config, "catalog config"));
  std::optional<json::Element> overrides = json::Member(doc, "overrides");
  if (!overrides) return std::string();
  TRY(json::ExpectObject(*overrides, "overrides"));
  std::optional<json::Element> prefix = json::Member(*overrides, "prefix");
  if (!prefix) return std::string();
  return json::AsString(*prefix, "overrides.prefix");
}

// A LoadTableResult (load, create and commit answers): the metadata location and metadata.
Result<LoadedTable> ParseLoadTableResult(std::string_view body, std::string_view what) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(json::Element doc, json::ParseDocument(parser, body, what));
  LoadedTable loaded;
  ASSIGN_OR_RETURN(loaded.metadata_location, json::StringMember(doc, "metadata-location", what));
  ASSIGN_OR_RETURN(json::Element metadata, json::RequiredMember(doc, "metadata", what));
  Result<TableMetadata> parsed = ParseTableMetadataJson(simdjson::minify(metadata));
  if (!parsed.ok()) {
    return Status(parsed.status().code(), std::string(what) + ": metadata: " + parsed.status().message());
  }
  loaded.metadata = std::move(parsed).value();
  return loaded;
}

Result<Properties> ParseNamespaceProperties(std::string_view body) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(json::Element doc, json::ParseDocument(parser, body, "namespace"));
  Properties properties;
  std::optional<json::Element> members = json::Member(doc, "properties");
  if (!members) return properties;
  TRY(json::ExpectObject(*members, "properties"));
  for (auto [key, value] : members->get_object()) {
    ASSIGN_OR_RETURN(std::string text, json::AsString(value, "properties." + std::string(key)));
    properties.emplace(std::string(key), std::move(text));
  }
  return properties;
}

// One page of a ListTablesResponse, appended to `tables`; the next page token or "".
Result<std::string> ParseTablesPage(std::string_view body, std::vector<TableIdentifier>& tables) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(json::Element doc, json::ParseDocument(parser, body, "table list"));
  ASSIGN_OR_RETURN(json::Element identifiers, json::RequiredMember(doc, "identifiers", "table list"));
  TRY(json::ExpectArray(identifiers, "identifiers"));
  for (json::Element identifier : identifiers.get_array()) {
    TableIdentifier table;
    ASSIGN_OR_RETURN(table.name, json::StringMember(identifier, "name", "identifiers[]"));
    ASSIGN_OR_RETURN(json::Element levels, json::RequiredMember(identifier, "namespace", "identifiers[]"));
    TRY(json::ExpectArray(levels, "identifiers[].namespace"));
    for (json::Element level : levels.get_array()) {
      ASSIGN_OR_RETURN(std::string text, json::AsString(level, "identifiers[].namespace[]"));
      table.ns += (table.ns.empty() ? "" : ".") + text;
    }
    tables.push_back(std::move(table));
  }
  std::optional<json::Element> next = json::Member(doc, "next-page-token");
  if (!next) return std::string();
  return json::AsString(*next, "next-page-token");
}

// Where the server placed a staged table, and its uuid.
struct StagedTable {
  std::string location;
  std::string uuid;
};

Result<StagedTable> ParseStagedTable(std::string_view body, const std::string& what) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(json::Element doc, json::ParseDocument(parser, body, what));
  ASSIGN_OR_RETURN(json::Element metadata, json::RequiredMember(doc, "metadata", what));
  StagedTable staged;
  ASSIGN_OR_RETURN(staged.location, json::StringMember(metadata, "location", what + ".metadata"));
  ASSIGN_OR_RETURN(staged.uuid, json::StringMember(metadata, "table-uuid", what + ".metadata"));
  return staged;
}

// A staged create (CreateTableRequest with stage-create): the server answers where the table
// would be, and keeps nothing until the commit that creates it.
std::string CreateTableRequestJson(const TableIdentifier& table, const TableDefinition& definition,
                                   const std::string& location) {
  JsonWriter out;
  out.BeginObject();
  out.Field("name", table.name);
  if (!location.empty()) out.Field("location", location);
  out.Key("schema");
  WriteSchemaJson(out, definition.schema);
  out.Key("partition-spec");
  WritePartitionSpecJson(out, definition.spec);
  out.Key("write-order");
  WriteSortOrderJson(out, definition.sort_order);
  out.Field("stage-create", true);
  out.Key("properties").BeginObject();
  out.Field("format-version", "2");
  for (const auto& [key, value] : definition.properties) out.Field(key, value);
  out.EndObject();
  out.EndObject();
  return out.Take();
}

// tradeagg's writers use the definition's field ids, so the table must have them (a server
// that reassigned them in the creating commit would be caught here).
Status CheckCreatedAsDefined(const TableIdentifier& table, const TableMetadata& created,
                             const TableDefinition& definition) {
  const PartitionSpec* spec = created.DefaultSpec();
  if (CurrentSchemaIs(created, definition.schema) && spec != nullptr && spec->fields == definition.spec.fields) {
    return Status::Ok();
  }
  return Status::InvalidArgument("the REST catalog created " + table.ToString() +
                                    " with field ids other than tradeagg's definition: schema " +
                                    SchemaToJson(*created.CurrentSchema()) + ", expected " +
                                    SchemaToJson(definition.schema));
}

CommitAttempt Classify(const std::string& what, std::variant<net::HttpResponse, net::HttpFailure> outcome) {
  if (auto* failure = std::get_if<net::HttpFailure>(&outcome)) {
    Status status(failure->status.code(), what + ": " + failure->status.message());
    if (failure->failure == net::TransportFailure::kNotSent) return {CommitResult::Failed(status), ""};
    return {CommitResult::Unknown(Status::StateUnknown(status.message())), ""};
  }
  const net::HttpResponse& answer = std::get<net::HttpResponse>(outcome);
  if (answer.status == 200) {
    Result<LoadedTable> committed = ParseLoadTableResult(answer.body, what);
    // Applied, but the answer cannot be read: the new location is unknown, so is the outcome.
    if (!committed.ok()) return {CommitResult::Unknown(Status::StateUnknown(committed.status().message())), ""};
    return {CommitResult::Committed(), committed->metadata_location};
  }
  Status status = RestSession::ErrorStatus(what, answer);
  if (answer.status >= 500) return {CommitResult::Unknown(Status::StateUnknown(status.message())), ""};
  return {CommitResult::Failed(status), ""};
}

}  // namespace

Result<std::unique_ptr<RestCatalog>> RestCatalog::Open(RestCatalogOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<RestSession> session, RestSession::Create(std::move(options.session)));
  std::string path = "/v1/config";
  if (!options.warehouse.empty()) path += "?warehouse=" + net::PercentEncode(options.warehouse);
  ASSIGN_OR_RETURN(net::HttpResponse config, session->Send("GET", path));
  ASSIGN_OR_RETURN(std::string prefix, PrefixOf(config.body));
  std::string root = prefix.empty() ? "/v1/" : "/v1/" + net::PercentEncode(prefix, /*encode_slash=*/false) + "/";
  return std::unique_ptr<RestCatalog>(new RestCatalog(std::move(session), std::move(root)));
}

RestCatalog::RestCatalog(std::unique_ptr<RestSession> session, std::string root)
    : session_(std::move(session)), root_(std::move(root)) {}

std::string RestCatalog::NamespacePath(std::string_view ns) const {
  std::string joined;
  for (const std::string& level : NamespaceLevels(ns)) joined += (joined.empty() ? "" : "%1F") + net::PercentEncode(level);
  return root_ + "namespaces/" + joined;
}

std::string RestCatalog::TablePath(const TableIdentifier& table) const {
  return NamespacePath(table.ns) + "/tables/" + net::PercentEncode(table.name);
}

Status RestCatalog::CreateNamespace(std::string_view ns, const Properties& properties) {
  JsonWriter body;
  body.BeginObject().Key("namespace").BeginArray();
  for (const std::string& level : NamespaceLevels(ns)) body.String(level);
  body.EndArray().Key("properties").BeginObject();
  for (const auto& [key, value] : properties) body.Field(key, value);
  body.EndObject().EndObject();
  Result<net::HttpResponse> created = session_->Send("POST", root_ + "namespaces", body.str());
  if (!created.ok() && created.status().code() == StatusCode::kConflict) {
    return Status::AlreadyExists("namespace " + std::string(ns) + " exists: " + created.status().message());
  }
  return created.status();
}

Result<bool> RestCatalog::NamespaceExists(std::string_view ns) {
  Result<net::HttpResponse> found = session_->Send("GET", NamespacePath(ns));
  if (found.ok()) return true;
  if (found.status().code() == StatusCode::kNotFound) return false;
  return found.status();
}

Result<Properties> RestCatalog::LoadNamespaceProperties(std::string_view ns) {
  ASSIGN_OR_RETURN(net::HttpResponse found, session_->Send("GET", NamespacePath(ns)));
  return ParseNamespaceProperties(found.body);
}

Result<std::vector<TableIdentifier>> RestCatalog::ListTables(std::string_view ns) {
  std::vector<TableIdentifier> tables;
  std::string page_token;
  do {
    std::string path = NamespacePath(ns) + "/tables";
    if (!page_token.empty()) path += "?pageToken=" + net::PercentEncode(page_token);
    ASSIGN_OR_RETURN(net::HttpResponse page, session_->Send("GET", path));
    ASSIGN_OR_RETURN(page_token, ParseTablesPage(page.body, tables));
  } while (!page_token.empty());
  // Some servers (SeaweedFS) list no tables for a namespace that does not exist.
  if (tables.empty()) {
    ASSIGN_OR_RETURN(bool exists, NamespaceExists(ns));
    if (!exists) return Status::NotFound("namespace " + std::string(ns) + " does not exist");
  }
  std::sort(tables.begin(), tables.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return tables;
}

Result<LoadedTable> RestCatalog::LoadTable(const TableIdentifier& table) {
  ASSIGN_OR_RETURN(net::HttpResponse loaded, session_->Send("GET", TablePath(table)));
  return ParseLoadTableResult(loaded.body, "table " + table.ToString());
}

Result<LoadedTable> RestCatalog::CreateTable(const TableIdentifier& table, const TableDefinition& definition,
                                             std::string location) {
  auto exists = [&](const Status& status) {
    return Status::AlreadyExists("table " + table.ToString() + " exists: " + status.message());
  };
  // Staged: the server chooses the location and uuid and keeps nothing yet.
  const std::string stage = CreateTableRequestJson(table, definition, location);
  Result<net::HttpResponse> staged = session_->Send("POST", NamespacePath(table.ns) + "/tables", stage);
  if (!staged.ok()) return staged.status().code() == StatusCode::kConflict ? exists(staged.status()) : staged.status();
  ASSIGN_OR_RETURN(StagedTable placed, ParseStagedTable(staged->body, "staged table " + table.ToString()));
  // Created by a commit that carries the definition's own ids.
  const std::string create = CreateTableCommitJson(table, definition, placed.location, placed.uuid);
  Result<net::HttpResponse> created = session_->Send("POST", TablePath(table), create);
  if (!created.ok()) return created.status().code() == StatusCode::kConflict ? exists(created.status()) : created.status();
  ASSIGN_OR_RETURN(LoadedTable loaded, ParseLoadTableResult(created->body, "table " + table.ToString()));
  TRY(CheckCreatedAsDefined(table, loaded.metadata, definition));
  return loaded;
}

CommitAttempt RestCatalog::CommitTable(const TableIdentifier& table, const LoadedTable& base,
                                       const TableMetadata& updated) {
  Result<std::string> body = CommitTableRequestJson(table, base.metadata, updated);
  if (!body.ok()) return {CommitResult::Failed(body.status()), ""};
  const std::string path = TablePath(table);
  return Classify("commit " + table.ToString() + " (POST " + session_->uri() + path + ")",
                  session_->SendOnce("POST", path, *body));
}

}  // namespace tradeagg::lake::iceberg::rest
