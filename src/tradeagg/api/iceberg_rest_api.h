// IcebergRestApi: the lake's catalog served read-only over the Iceberg REST catalog protocol,
// under /iceberg/v1/..., so that outside engines (PyIceberg's RestCatalog, DuckDB's iceberg
// ATTACH, Spark, Trino) reach tradeagg's tables through tradeagg alone, whatever Catalog it
// uses itself. docs/api.md ("Iceberg REST catalog") is the contract.
//
// Routes (the protocol's, without a {prefix}):
//   GET  /iceberg/v1/config                                 defaults: where the files are
//   GET  /iceberg/v1/namespaces[?parent=]                   the served namespaces
//   GET  /iceberg/v1/namespaces/{namespace}                 its properties; HEAD: 204 / 404
//   GET  /iceberg/v1/namespaces/{namespace}/tables          its tables
//   GET  /iceberg/v1/namespaces/{namespace}/tables/{table}  LoadTableResult; HEAD: 204 / 404
//   POST /iceberg/v1/oauth/tokens                           OAuth2 client credentials = a login
// and every write route of the protocol, answered 403 ForbiddenException ("read-only").
//
// Who may read: the API's bearer tokens, roles risk and admin (a member 403, no token 401),
// every answer but a success in the protocol's ErrorModel. Only the namespaces in `options`
// (tradeagg's own) are served, with every table the Catalog holds in them. Catalog reads (SQLite,
// metadata files from the object store) run on the blocking pool; HEAD answers carry no body.
// Thread safety: Register before serving; handlers run concurrently.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "tradeagg/api/iceberg_rest_codec.h"
#include "tradeagg/auth/user_service.h"
#include "tradeagg/http/router.h"
#include "tradeagg/lake/iceberg/catalog.h"

namespace tradeagg::api {

struct IcebergRestOptions {
  // The namespaces served, as the Catalog names them.
  std::vector<std::string> namespaces;
  // GET /config's defaults: where readers find the files (s3.endpoint, s3.region,
  // s3.path-style-access). Never credentials: readers bring their own.
  lake::iceberg::Properties storage;
};

class IcebergRestApi {
 public:
  static constexpr std::string_view kRoot = "/iceberg/v1";

  IcebergRestApi(auth::UserService& users, boost::asio::thread_pool& blocking, lake::iceberg::Catalog& catalog,
                 IcebergRestOptions options);
  void Register(http::Router& router);

 private:
  // Refuses a request without a valid token in the ErrorModel (no body for HEAD).
  class Gatekeeper final : public http::Gatekeeper {
   public:
    explicit Gatekeeper(const auth::UserService& users) : users_(users) {}
    std::optional<http::Response> Refuse(const http::Request& head) const override;

   private:
    const auth::UserService& users_;
  };

  void Config(http::Request& request, http::Responder respond);
  void ListNamespaces(http::Request& request, http::Responder respond);
  void LoadNamespace(http::Request& request, http::Responder respond);
  void ListTables(http::Request& request, http::Responder respond);
  void LoadTable(http::Request& request, http::Responder respond);
  void Token(http::Request& request, http::Responder respond);
  void RefuseWrite(http::Request& request, http::Responder respond);

  // OK for a reader of the lake (risk, admin); kUnauthenticated or kPermissionDenied.
  Status AuthorizeReader(const http::Request& request) const;
  // The served namespace (Catalog name) of the {namespace} parameter: kInvalidArgument for a
  // malformed one, kNotFound for one not served.
  Result<std::string> ServedNamespace(std::string_view segment) const;
  // The served namespaces that exist in the catalog, as levels (blocking).
  Result<std::vector<NamespaceLevels>> ExistingNamespaces();
  // Runs `work` on the blocking pool and answers what it returns.
  void OnBlockingPool(http::Request& request, http::Responder respond, std::function<http::Response()> work);
  static bool IsHead(const http::Request& request);
  // Answers `response`, without its body for a HEAD request.
  static void Answer(const http::Request& request, const http::Responder& respond, http::Response response);

  auth::UserService& users_;
  boost::asio::thread_pool& blocking_;
  lake::iceberg::Catalog& catalog_;
  const IcebergRestOptions options_;
  Gatekeeper gatekeeper_;
};

}  // namespace tradeagg::api
