#include "tradeagg/api/web_assets_api.h"

#include <array>
#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include <spdlog/spdlog.h>

namespace tradeagg::api {

namespace bhttp = boost::beast::http;

namespace {

// Pages may load their own scripts and styles and call this server, nothing else.
constexpr std::string_view kPagePolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
// Swagger UI sets style attributes from its scripts; its page allows inline styles, no more.
constexpr std::string_view kDocsPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Vendor packages by the name the pages use, and where their files are.
constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kVendorPackages = {{
    {"uplot", "node_modules/uplot/dist"},
    {"swagger-ui", "node_modules/swagger-ui-dist"},
}};

bool IsSafeFileName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.size() > 128) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

std::string_view ContentType(std::string_view name) {
  auto ends = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

http::Response NotFound(std::string_view what) {
  return http::ProblemResponse(404, "not-found", "Not found", std::string(what) + " is not among this server's assets");
}

}  // namespace

void WebAssetsApi::Register(http::Router& router) {
  if (!std::filesystem::is_directory(web_dir_)) {
    spdlog::warn("web assets: {} is not a directory: the dashboard and docs answer 404 (run scripts/setup.sh, "
                 "or set web_dir)", web_dir_.string());
  }
  const auto kPublic = http::Access::kPublic;
  router.Add(bhttp::verb::get, "/", [this](auto&, auto respond) { respond(Serve("dashboard", "index.html")); }, kPublic);
  router.Add(bhttp::verb::get, "/dashboard/{file}",
             [this](auto& req, auto respond) { respond(Serve("dashboard", req.param("file"))); }, kPublic);
  router.Add(bhttp::verb::get, "/docs",
             [this](auto&, auto respond) { respond(Serve("docs", "index.html", /*relaxed_styles=*/true)); }, kPublic);
  router.Add(bhttp::verb::get, "/docs/{file}",
             [this](auto& req, auto respond) { respond(Serve("docs", req.param("file"), true)); }, kPublic);
  router.Add(bhttp::verb::get, "/openapi.json", [this](auto&, auto respond) { respond(Serve("", "openapi.json")); },
             kPublic);
  router.Add(bhttp::verb::get, "/vendor/{package}/{file}",
             [this](auto& req, auto respond) {
               const std::string& package = req.param("package");
               for (const auto& [name, dir] : kVendorPackages) {
                 if (name == package) return respond(Serve(dir, req.param("file"), true));
               }
               respond(NotFound("package " + package));
             },
             kPublic);
}

std::shared_ptr<const std::string> WebAssetsApi::Load(const std::filesystem::path& path) const {
  std::lock_guard lock(mutex_);
  if (auto it = files_.find(path); it != files_.end()) return it->second;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream content;
  content << in.rdbuf();
  auto loaded = std::make_shared<const std::string>(std::move(content).str());
  files_.emplace(path, loaded);
  return loaded;
}

http::Response WebAssetsApi::Serve(std::string_view dir, std::string_view file, bool relaxed_styles) const {
  if (!IsSafeFileName(file)) return NotFound("'" + std::string(file) + "'");
  std::shared_ptr<const std::string> content = Load(web_dir_ / dir / file);
  if (content == nullptr) return NotFound(std::string(file));
  http::Response response;
  response.content_type = std::string(ContentType(file));
  response.body = *content;
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  // Pages and the document change with the build; vendor files only with their pinned version.
  const bool vendor = dir.starts_with("node_modules");
  response.headers.emplace_back("Cache-Control", vendor ? "public, max-age=86400" : "no-cache");
  if (file.ends_with(".html")) {
    response.headers.emplace_back("Content-Security-Policy", std::string(relaxed_styles ? kDocsPolicy : kPagePolicy));
  }
  return response;
}

}  // namespace tradeagg::api
