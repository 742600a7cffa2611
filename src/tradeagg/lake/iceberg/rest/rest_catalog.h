// RestCatalog: a Catalog over the Iceberg REST catalog protocol (apache/iceberg
// open-api/rest-catalog-open-api.yaml), so that tradeagg's tables live in the catalog a venue's
// Spark, Trino, PyIceberg and DuckDB already share. Tested against two real servers: the Apache
// Iceberg REST fixture (Java) and SeaweedFS's catalog (iceberg-go).
//
// Open() asks GET /v1/config (with ?warehouse= when one is configured) and uses the server's
// "prefix" override in every later path (/v1/{prefix}/namespaces/...). Namespaces go in paths
// with their levels joined by %1F, as the spec says.
//
// Commits send the change, not a file: CommitTableRequestJson (table_update_request.h) says the
// difference between the base and the updated metadata as requirements (which make the server
// refuse with 409 anything but a commit on top of the base) and updates; the server writes the
// new metadata file and answers with its location. Outcomes, by the spec's rules for
// updateTable: 200 kCommitted; 409 kFailed/kConflict; 404 kFailed/kNotFound; other 4xx
// kFailed; 5xx and answers lost after the request may have gone out (a timeout, a dropped
// connection) kStateUnknown, because the server may have applied the change: the caller reloads
// before doing anything else, and never sends the same change twice. A connection that was never
// made is kFailed/kUnavailable. A commit is sent once, on a connection of its own (SendOnce);
// reads are retried (net::HttpClient).
//
// CreateTable stages the table (stage-create: the server chooses its location, unless one is
// given, and its uuid), then creates it with a commit that asserts it does not exist and adds
// the definition's schema, spec and order (CreateTableCommitJson): a plain create would have
// the server assign field ids of its own (1, 2, 3... in order), and tradeagg's writers use the
// definition's. The created table is checked to have exactly them.
// The catalog reads no files: load and commit answers carry the metadata.
// Thread safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/lake/iceberg/rest/rest_session.h"

namespace tradeagg::lake::iceberg::rest {

struct RestCatalogOptions {
  RestSessionOptions session;
  std::string warehouse;  // sent to GET /v1/config; empty: none
};

class RestCatalog final : public Catalog {
 public:
  // Connects (GET /v1/config, authenticating as configured): kUnavailable when the server does
  // not answer, kPermissionDenied when it refuses the credentials.
  static Result<std::unique_ptr<RestCatalog>> Open(RestCatalogOptions options);

  Status CreateNamespace(std::string_view ns, const Properties& properties = {}) override;
  Result<bool> NamespaceExists(std::string_view ns) override;
  Result<Properties> LoadNamespaceProperties(std::string_view ns) override;
  Result<std::vector<TableIdentifier>> ListTables(std::string_view ns) override;
  Result<LoadedTable> LoadTable(const TableIdentifier& table) override;
  Result<LoadedTable> CreateTable(const TableIdentifier& table, const TableDefinition& definition,
                                  std::string location = "") override;
  CommitAttempt CommitTable(const TableIdentifier& table, const LoadedTable& base,
                            const TableMetadata& updated) override;

  // "/v1/" or "/v1/<prefix>/", as the server's configuration asked.
  const std::string& path_root() const { return root_; }

 private:
  RestCatalog(std::unique_ptr<RestSession> session, std::string root);
  std::string NamespacePath(std::string_view ns) const;
  std::string TablePath(const TableIdentifier& table) const;

  std::unique_ptr<RestSession> session_;
  const std::string root_;
};

}  // namespace tradeagg::lake::iceberg::rest
