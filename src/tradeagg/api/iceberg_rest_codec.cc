#include "tradeagg/api/iceberg_rest_codec.h"

#include <algorithm>
#include <cctype>

#include <sodium.h>

#include "tradeagg/api/form_codec.h"
#include "tradeagg/core/json_writer.h"
#include "tradeagg/lake/iceberg/table_metadata_json.h"

namespace tradeagg::api {

namespace {

constexpr char kUnitSeparator = '\x1F';

void WriteLevels(JsonWriter& json, const NamespaceLevels& levels) {
  json.BeginArray();
  for (const std::string& level : levels) json.String(level);
  json.EndArray();
}

void WriteProperties(JsonWriter& json, const lake::iceberg::Properties& properties) {
  json.BeginObject();
  for (const auto& [key, value] : properties) json.Field(key, value);
  json.EndObject();
}

}  // namespace

Result<NamespaceLevels> ParseNamespace(std::string_view segment) {
  NamespaceLevels levels;
  size_t start = 0;
  while (true) {
    size_t end = segment.find(kUnitSeparator, start);
    std::string_view level = segment.substr(start, end == std::string_view::npos ? end : end - start);
    if (level.empty()) {
      return Status::InvalidArgument("namespace '" + std::string(segment) +
                                     "' has an empty level (levels are separated by %1F)");
    }
    levels.emplace_back(level);
    if (end == std::string_view::npos) return levels;
    start = end + 1;
  }
}

std::optional<std::string> CatalogNamespace(const NamespaceLevels& levels) {
  std::string name;
  for (const std::string& level : levels) {
    if (level.find('.') != std::string::npos) return std::nullopt;
    if (!name.empty()) name += '.';
    name += level;
  }
  return name;
}

NamespaceLevels NamespaceLevelsOf(std::string_view catalog_namespace) {
  NamespaceLevels levels;
  size_t start = 0;
  while (true) {
    size_t dot = catalog_namespace.find('.', start);
    levels.emplace_back(catalog_namespace.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return levels;
    start = dot + 1;
  }
}

std::optional<ClientCredentials> BasicClientCredentials(std::string_view authorization) {
  constexpr std::string_view kScheme = "basic ";
  if (authorization.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), authorization.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    return std::nullopt;
  }
  std::string_view encoded = authorization.substr(kScheme.size());
  std::string decoded(encoded.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), encoded.data(),
                        encoded.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  decoded.resize(length);
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return ClientCredentials{FormDecode(std::string_view(decoded).substr(0, colon)),
                           FormDecode(std::string_view(decoded).substr(colon + 1))};
}

http::Response IcebergError(unsigned code, std::string_view type, std::string_view message) {
  JsonWriter json;
  json.BeginObject().Key("error").BeginObject();
  json.Field("message", message).Field("type", type).Field("code", static_cast<int64_t>(code));
  json.EndObject().EndObject();
  http::Response response = http::JsonResponse(code, json.Take());
  if (code == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

http::Response IcebergErrorFromStatus(const Status& status, std::string_view not_found_type) {
  const std::string& message = status.message();
  http::Response response;
  switch (status.code()) {
    case StatusCode::kInvalidArgument: response = IcebergError(400, kBadRequest, message); break;
    case StatusCode::kUnauthenticated: response = IcebergError(401, kNotAuthorized, message); break;
    case StatusCode::kPermissionDenied: response = IcebergError(403, kForbidden, message); break;
    case StatusCode::kNotFound: response = IcebergError(404, not_found_type, message); break;
    case StatusCode::kResourceExhausted: response = IcebergError(429, "TooManyRequestsException", message); break;
    case StatusCode::kUnavailable:
    case StatusCode::kStateUnknown:
      response = IcebergError(503, "ServiceUnavailableException", message + "; retrying is safe");
      break;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
    case StatusCode::kOk:
    case StatusCode::kInternal: response = IcebergError(500, "InternalServerError", message); break;
  }
  if (status.retry_after_seconds() > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(status.retry_after_seconds()));
  }
  return response;
}

http::Response OAuthError(unsigned code, std::string_view error, std::string_view description) {
  JsonWriter json;
  json.BeginObject().Field("error", error).Field("error_description", description).EndObject();
  http::Response response = http::JsonResponse(code, json.Take());
  // RFC 6749 5.2: no cache of a token endpoint's answer.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

std::string ConfigJson(const lake::iceberg::Properties& defaults, const lake::iceberg::Properties& overrides,
                       const std::vector<std::string_view>& endpoints) {
  JsonWriter json;
  json.BeginObject().Key("defaults");
  WriteProperties(json, defaults);
  json.Key("overrides");
  WriteProperties(json, overrides);
  json.Key("endpoints").BeginArray();
  for (std::string_view endpoint : endpoints) json.String(endpoint);
  json.EndArray().EndObject();
  return json.Take();
}

std::string ListNamespacesJson(const std::vector<NamespaceLevels>& namespaces) {
  JsonWriter json;
  json.BeginObject().Key("namespaces").BeginArray();
  for (const NamespaceLevels& levels : namespaces) WriteLevels(json, levels);
  json.EndArray().EndObject();
  return json.Take();
}

std::string NamespaceJson(const NamespaceLevels& levels, const lake::iceberg::Properties& properties) {
  JsonWriter json;
  json.BeginObject().Key("namespace");
  WriteLevels(json, levels);
  json.Key("properties");
  WriteProperties(json, properties);
  json.EndObject();
  return json.Take();
}

std::string ListTablesJson(const std::vector<lake::iceberg::TableIdentifier>& tables) {
  JsonWriter json;
  json.BeginObject().Key("identifiers").BeginArray();
  for (const lake::iceberg::TableIdentifier& table : tables) {
    json.BeginObject().Key("namespace");
    WriteLevels(json, NamespaceLevelsOf(table.ns));
    json.Field("name", table.name).EndObject();
  }
  json.EndArray().EndObject();
  return json.Take();
}

std::string LoadTableResultJson(const lake::iceberg::LoadedTable& table, const lake::iceberg::Properties& config) {
  JsonWriter json;
  json.BeginObject()
      .Field("metadata-location", table.metadata_location)
      .Key("metadata")
      .Raw(lake::iceberg::TableMetadataToJson(table.metadata))
      .Key("config");
  WriteProperties(json, config);
  json.EndObject();
  return json.Take();
}

std::string OAuthTokenJson(const auth::IssuedToken& token) {
  JsonWriter json;
  json.BeginObject()
      .Field("access_token", token.access_token)
      .Field("token_type", std::string_view("bearer"))
      .Field("expires_in", token.expires_in)
      .Field("issued_token_type", std::string_view("urn:ietf:params:oauth:token-type:access_token"))
      .EndObject();
  return json.Take();
}

}  // namespace tradeagg::api
