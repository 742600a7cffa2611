// The Iceberg REST catalog protocol's shapes, for serving the lake read-only (IcebergRestApi):
// namespaces as path segments, the JSON of its answers, and its two error shapes.
//
// Written to apache/iceberg open-api/rest-catalog-open-api.yaml. A namespace travels as one
// path segment whose levels are joined by the unit separator 0x1F (%1F, the protocol's default
// `namespace-separator`); the Catalog names it with the levels joined by '.', so a level that
// holds a '.' has no Catalog name. Errors of the catalog routes are the ErrorModel
// {"error": {"message", "type", "code"}}; errors of the token route are OAuth2's
// {"error", "error_description"} (RFC 6749 5.2), which is what clients parse there.
// Thread safety: stateless functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/auth/user_service.h"
#include "tradeagg/core/status.h"
#include "tradeagg/http/response.h"
#include "tradeagg/lake/iceberg/catalog.h"

namespace tradeagg::api {

// A namespace as the protocol names it: its levels, outermost first.
using NamespaceLevels = std::vector<std::string>;

// ErrorModel `type`s (the Java exception names clients map them to).
inline constexpr std::string_view kBadRequest = "BadRequestException";
inline constexpr std::string_view kNotAuthorized = "NotAuthorizedException";
inline constexpr std::string_view kForbidden = "ForbiddenException";
inline constexpr std::string_view kNoSuchNamespace = "NoSuchNamespaceException";
inline constexpr std::string_view kNoSuchTable = "NoSuchTableException";

// A namespace path segment or `parent` parameter (percent-decoded) -> its levels.
// kInvalidArgument for an empty level ("", "a\x1F", "a\x1F\x1Fb").
Result<NamespaceLevels> ParseNamespace(std::string_view segment);
// {"a", "b"} -> "a.b"; nullopt when a level holds a '.' (no Catalog namespace is named so).
std::optional<std::string> CatalogNamespace(const NamespaceLevels& levels);
// "a.b" -> {"a", "b"}.
NamespaceLevels NamespaceLevelsOf(std::string_view catalog_namespace);

// The client credentials of an `Authorization: Basic` header (RFC 6749 2.3.1: base64 of the
// form-encoded id, ':', the form-encoded secret), as DuckDB sends them; nullopt for any other.
struct ClientCredentials {
  std::string id;
  std::string secret;
};
std::optional<ClientCredentials> BasicClientCredentials(std::string_view authorization);

// The ErrorModel answer; 401 adds `WWW-Authenticate: Bearer`.
http::Response IcebergError(unsigned code, std::string_view type, std::string_view message);
// A Status as an ErrorModel answer: kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied
// 403, kNotFound 404 of `not_found_type`, kResourceExhausted 429 and kUnavailable/kStateUnknown
// 503 (Retry-After when the status says when), anything else 500.
http::Response IcebergErrorFromStatus(const Status& status, std::string_view not_found_type = kNoSuchTable);
// An OAuth2 error answer of the token route: `error` one of RFC 6749's codes.
http::Response OAuthError(unsigned code, std::string_view error, std::string_view description);

// GET /v1/config: {"defaults", "overrides", "endpoints"}.
std::string ConfigJson(const lake::iceberg::Properties& defaults, const lake::iceberg::Properties& overrides,
                       const std::vector<std::string_view>& endpoints);
// GET /v1/namespaces: {"namespaces": [[levels], ...]} (everything at once: no next-page-token).
std::string ListNamespacesJson(const std::vector<NamespaceLevels>& namespaces);
// GET /v1/namespaces/{namespace}: {"namespace": [levels], "properties": {...}}.
std::string NamespaceJson(const NamespaceLevels& levels, const lake::iceberg::Properties& properties);
// GET /v1/namespaces/{namespace}/tables: {"identifiers": [{"namespace": [levels], "name"}, ...]}.
std::string ListTablesJson(const std::vector<lake::iceberg::TableIdentifier>& tables);
// GET /v1/namespaces/{namespace}/tables/{table}, the LoadTableResult:
// {"metadata-location", "metadata" (TableMetadataToJson), "config"}.
std::string LoadTableResultJson(const lake::iceberg::LoadedTable& table, const lake::iceberg::Properties& config);
// POST /v1/oauth/tokens: {"access_token", "token_type": "bearer", "expires_in", "issued_token_type"}.
std::string OAuthTokenJson(const auth::IssuedToken& token);

}  // namespace tradeagg::api
