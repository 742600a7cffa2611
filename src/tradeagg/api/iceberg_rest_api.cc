#include "tradeagg/api/iceberg_rest_api.h"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/body_media_type.h"
#include "tradeagg/api/form_codec.h"

namespace tradeagg::api {

namespace bhttp = boost::beast::http;
using lake::iceberg::TableIdentifier;

namespace {

// What GET /config says is served, in the protocol's words, so that clients which read it
// (Java >= 1.7, PyIceberg >= 0.8) refuse writes themselves before sending anything.
const std::vector<std::string_view> kServedEndpoints = {
    "GET /v1/{prefix}/namespaces",
    "GET /v1/{prefix}/namespaces/{namespace}",
    "HEAD /v1/{prefix}/namespaces/{namespace}",
    "GET /v1/{prefix}/namespaces/{namespace}/tables",
    "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
};

// The protocol's write routes: each answered 403 (see RefuseWrite).
const std::vector<std::pair<bhttp::verb, std::string_view>> kWriteRoutes = {
    {bhttp::verb::post, "/namespaces"},
    {bhttp::verb::delete_, "/namespaces/{namespace}"},
    {bhttp::verb::post, "/namespaces/{namespace}/properties"},
    {bhttp::verb::post, "/namespaces/{namespace}/tables"},
    {bhttp::verb::post, "/namespaces/{namespace}/register"},
    {bhttp::verb::post, "/namespaces/{namespace}/tables/{table}"},
    {bhttp::verb::delete_, "/namespaces/{namespace}/tables/{table}"},
    {bhttp::verb::post, "/tables/rename"},
    {bhttp::verb::post, "/transactions/commit"},
};

std::string ShownNamespace(const NamespaceLevels& levels) {
  std::string shown;
  for (const std::string& level : levels) {
    if (!shown.empty()) shown += '.';
    shown += level;
  }
  return shown;
}

std::string FormField(const StringFields& fields, std::string_view name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

}  // namespace

IcebergRestApi::IcebergRestApi(auth::UserService& users, boost::asio::thread_pool& blocking,
                               lake::iceberg::Catalog& catalog, IcebergRestOptions options)
    : users_(users), blocking_(blocking), catalog_(catalog), options_(std::move(options)), gatekeeper_(users) {}

void IcebergRestApi::Register(http::Router& router) {
  using Method = void (IcebergRestApi::*)(http::Request&, http::Responder);
  auto add = [this, &router](bhttp::verb verb, std::string_view path, Method method) {
    router.Add(
        verb, std::string(kRoot) + std::string(path),
        [this, method](http::Request& request, http::Responder respond) {
          (this->*method)(request, std::move(respond));
        },
        gatekeeper_);
  };
  add(bhttp::verb::get, "/config", &IcebergRestApi::Config);
  add(bhttp::verb::get, "/namespaces", &IcebergRestApi::ListNamespaces);
  add(bhttp::verb::get, "/namespaces/{namespace}", &IcebergRestApi::LoadNamespace);
  add(bhttp::verb::head, "/namespaces/{namespace}", &IcebergRestApi::LoadNamespace);
  add(bhttp::verb::get, "/namespaces/{namespace}/tables", &IcebergRestApi::ListTables);
  add(bhttp::verb::get, "/namespaces/{namespace}/tables/{table}", &IcebergRestApi::LoadTable);
  add(bhttp::verb::head, "/namespaces/{namespace}/tables/{table}", &IcebergRestApi::LoadTable);
  for (const auto& [verb, path] : kWriteRoutes) add(verb, path, &IcebergRestApi::RefuseWrite);
  router.Add(bhttp::verb::post, std::string(kRoot) + "/oauth/tokens",
             [this](http::Request& request, http::Responder respond) { Token(request, std::move(respond)); },
             http::Access::kPublic);
}

std::optional<http::Response> IcebergRestApi::Gatekeeper::Refuse(const http::Request& head) const {
  auto principal = Authenticate(users_, head);
  if (principal.ok()) return std::nullopt;
  http::Response refusal = IcebergErrorFromStatus(principal.status());
  if (IsHead(head)) refusal.body.clear();
  return refusal;
}

void IcebergRestApi::Config(http::Request& request, http::Responder respond) {
  // `warehouse` (PyIceberg's warehouse, DuckDB's ATTACH name) is ignored: there is one lake.
  if (Status reader = AuthorizeReader(request); !reader.ok()) {
    return Answer(request, respond, IcebergErrorFromStatus(reader));
  }
  Answer(request, respond, http::JsonResponse(200, ConfigJson(options_.storage, {}, kServedEndpoints)));
}

void IcebergRestApi::ListNamespaces(http::Request& request, http::Responder respond) {
  if (Status reader = AuthorizeReader(request); !reader.ok()) {
    return Answer(request, respond, IcebergErrorFromStatus(reader));
  }
  NamespaceLevels parent;
  if (auto text = request.query_param("parent"); text && !text->empty()) {  // empty: absent (the spec)
    auto parsed = ParseNamespace(*text);
    if (!parsed.ok()) return Answer(request, respond, IcebergErrorFromStatus(parsed.status()));
    parent = std::move(parsed).value();
  }
  OnBlockingPool(request, std::move(respond), [this, parent = std::move(parent)]() -> http::Response {
    auto existing = ExistingNamespaces();
    if (!existing.ok()) return IcebergErrorFromStatus(existing.status(), kNoSuchNamespace);
    // The namespaces one level below `parent`; a level between served ones exists implicitly.
    std::vector<NamespaceLevels> children;
    bool parent_exists = parent.empty();
    for (const NamespaceLevels& levels : *existing) {
      if (levels.size() < parent.size() || !std::equal(parent.begin(), parent.end(), levels.begin())) continue;
      parent_exists = true;
      if (levels.size() == parent.size()) continue;
      NamespaceLevels child(levels.begin(), levels.begin() + static_cast<std::ptrdiff_t>(parent.size() + 1));
      if (std::find(children.begin(), children.end(), child) == children.end()) children.push_back(std::move(child));
    }
    if (!parent_exists) {
      return IcebergError(404, kNoSuchNamespace, "namespace does not exist: " + ShownNamespace(parent));
    }
    return http::JsonResponse(200, ListNamespacesJson(children));
  });
}

void IcebergRestApi::LoadNamespace(http::Request& request, http::Responder respond) {
  if (Status reader = AuthorizeReader(request); !reader.ok()) {
    return Answer(request, respond, IcebergErrorFromStatus(reader));
  }
  auto ns = ServedNamespace(request.param("namespace"));
  if (!ns.ok()) return Answer(request, respond, IcebergErrorFromStatus(ns.status(), kNoSuchNamespace));
  OnBlockingPool(request, std::move(respond), [this, ns = std::move(ns).value(), head = IsHead(request)] {
    auto properties = catalog_.LoadNamespaceProperties(ns);
    if (!properties.ok()) return IcebergErrorFromStatus(properties.status(), kNoSuchNamespace);
    if (head) return http::EmptyResponse(204);
    return http::JsonResponse(200, NamespaceJson(NamespaceLevelsOf(ns), *properties));
  });
}

void IcebergRestApi::ListTables(http::Request& request, http::Responder respond) {
  if (Status reader = AuthorizeReader(request); !reader.ok()) {
    return Answer(request, respond, IcebergErrorFromStatus(reader));
  }
  // pageToken and pageSize are ignored: every table comes at once (no next-page-token).
  auto ns = ServedNamespace(request.param("namespace"));
  if (!ns.ok()) return Answer(request, respond, IcebergErrorFromStatus(ns.status(), kNoSuchNamespace));
  OnBlockingPool(request, std::move(respond), [this, ns = std::move(ns).value()] {
    auto tables = catalog_.ListTables(ns);
    if (!tables.ok()) return IcebergErrorFromStatus(tables.status(), kNoSuchNamespace);
    return http::JsonResponse(200, ListTablesJson(*tables));
  });
}

void IcebergRestApi::LoadTable(http::Request& request, http::Responder respond) {
  if (Status reader = AuthorizeReader(request); !reader.ok()) {
    return Answer(request, respond, IcebergErrorFromStatus(reader));
  }
  // snapshots=refs may be answered with every snapshot (a superset); anything else is refused.
  if (auto snapshots = request.query_param("snapshots"); snapshots && *snapshots != "all" && *snapshots != "refs") {
    return Answer(request, respond,
                  IcebergError(400, kBadRequest,
                               "snapshots must be 'all' or 'refs', got '" + std::string(*snapshots) + "'"));
  }
  auto ns = ServedNamespace(request.param("namespace"));
  if (!ns.ok()) return Answer(request, respond, IcebergErrorFromStatus(ns.status(), kNoSuchNamespace));
  TableIdentifier table{std::move(ns).value(), request.param("table")};
  OnBlockingPool(request, std::move(respond), [this, table = std::move(table), head = IsHead(request)] {
    auto loaded = catalog_.LoadTable(table);
    if (!loaded.ok()) return IcebergErrorFromStatus(loaded.status(), kNoSuchTable);
    if (head) return http::EmptyResponse(204);
    // No per-table config: where the files are is the catalog's (GET /config). DuckDB reads a
    // table's s3.* config as vended credentials, and would sign nothing with a config that
    // names the endpoint but (rightly) no keys, instead of using the reader's own secret.
    return http::JsonResponse(200, LoadTableResultJson(*loaded, {}));
  });
}

void IcebergRestApi::Token(http::Request& request, http::Responder respond) {
  if (auto media = CheckBodyMediaType(request, kFormBody); !media.ok()) {
    return respond(OAuthError(400, "invalid_request", media.status().message()));
  }
  StringFields form = ParseForm(request.body());
  if (std::string grant = FormField(form, "grant_type"); grant != "client_credentials") {
    return respond(OAuthError(400, "unsupported_grant_type",
                              "grant_type '" + grant +
                                  "' is not supported: use client_credentials (client_id a tradeagg username, "
                                  "client_secret its password), or send a bearer token from /v1/auth/token"));
  }
  // The client authenticates in the form (PyIceberg, Java) or with HTTP Basic (DuckDB).
  std::string client_id = FormField(form, "client_id");
  std::string client_secret = FormField(form, "client_secret");
  if (client_id.empty() && client_secret.empty()) {
    if (auto basic = BasicClientCredentials(request.header(bhttp::field::authorization))) {
      client_id = std::move(basic->id);
      client_secret = std::move(basic->secret);
    }
  }
  if (client_id.empty() || client_secret.empty()) {
    return respond(OAuthError(401, "invalid_client",
                              "client_id and client_secret (a tradeagg username and its password) are required"));
  }
  // A login like /v1/auth/token: throttled (429) or too busy (503) before anything is hashed.
  auto admitted = users_.AdmitLogin(client_id, request.remote_address);
  if (!admitted.ok()) return respond(IcebergErrorFromStatus(admitted.status()));
  boost::asio::post(blocking_, [this, client_id = std::move(client_id), client_secret = std::move(client_secret),
                                address = request.remote_address, ticket = std::move(admitted).value(),
                                respond = std::move(respond)] {
    auto token = users_.Login({client_id, client_secret, address});
    if (!token.ok() && token.status().code() == StatusCode::kUnauthenticated) {
      return respond(OAuthError(401, "invalid_client", token.status().message()));
    }
    if (!token.ok()) return respond(IcebergErrorFromStatus(token.status()));
    http::Response response = http::JsonResponse(200, OAuthTokenJson(*token));
    response.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(response));
  });
}

void IcebergRestApi::RefuseWrite(http::Request& request, http::Responder respond) {
  Answer(request, respond,
         IcebergError(403, kForbidden,
                      "the catalog is read-only through this endpoint: tradeagg alone writes its tables "
                      "(the lake is tradeagg's export of its store)"));
}

Status IcebergRestApi::AuthorizeReader(const http::Request& request) const {
  ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(users_, request));
  if (principal.can_read_all()) return Status::Ok();
  return Status::PermissionDenied("member '" + principal.username +
                                  "' may not read the lake: its catalog is for roles risk and admin");
}

Result<std::string> IcebergRestApi::ServedNamespace(std::string_view segment) const {
  ASSIGN_OR_RETURN(NamespaceLevels levels, ParseNamespace(segment));
  std::optional<std::string> name = CatalogNamespace(levels);
  if (!name || std::find(options_.namespaces.begin(), options_.namespaces.end(), *name) == options_.namespaces.end()) {
    return Status::NotFound("namespace does not exist: " + ShownNamespace(levels));
  }
  return std::move(*name);
}

Result<std::vector<NamespaceLevels>> IcebergRestApi::ExistingNamespaces() {
  std::vector<NamespaceLevels> existing;
  for (const std::string& ns : options_.namespaces) {
    ASSIGN_OR_RETURN(bool exists, catalog_.NamespaceExists(ns));
    if (exists) existing.push_back(NamespaceLevelsOf(ns));
  }
  return existing;
}

void IcebergRestApi::OnBlockingPool(http::Request& request, http::Responder respond,
                                    std::function<http::Response()> work) {
  // The request lives in its connection until the answer is written.
  boost::asio::post(blocking_, [&request, respond = std::move(respond), work = std::move(work)] {
    Answer(request, respond, work());
  });
}

bool IcebergRestApi::IsHead(const http::Request& request) { return request.message.method() == bhttp::verb::head; }

void IcebergRestApi::Answer(const http::Request& request, const http::Responder& respond, http::Response response) {
  // A body after a HEAD answer would be read as the start of the next response.
  if (IsHead(request)) response.body.clear();
  respond(std::move(response));
}

}  // namespace tradeagg::api
