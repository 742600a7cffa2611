// WebAssetsApi: the pages tradeagg serves from its installed assets (`web_dir`), public:
//   GET /                          the risk dashboard (web/dashboard/index.html)
//   GET /dashboard/{file}          its scripts and styles
//   GET /docs, GET /docs/{file}    the interactive API reference (Swagger UI)
//   GET /openapi.json              the OpenAPI 3.1 document of every route
//   GET /vendor/{package}/{file}   the pinned front-end packages the pages use (uplot,
//                                  swagger-ui), from web/node_modules as the set-up installed them
// A file is read from disk once, at its first request, and kept (an upgrade restarts the
// server); a file name is one path segment of [A-Za-z0-9._-] not starting with a dot, so no request
// can leave the assets. Pages carry a Content-Security-Policy that allows only their own
// scripts and connections: the dashboard holds a bearer token in memory.
// Thread safety: handlers from any I/O thread; the assets are read-only.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "tradeagg/http/router.h"

namespace tradeagg::api {

class WebAssetsApi {
 public:
  explicit WebAssetsApi(std::filesystem::path web_dir) : web_dir_(std::move(web_dir)) {}
  void Register(http::Router& router);

 private:
  // `dir` relative to the web directory; `file` one sanitised segment.
  http::Response Serve(std::string_view dir, std::string_view file, bool relaxed_styles = false) const;
  // The file's content, or null when it cannot be read.
  std::shared_ptr<const std::string> Load(const std::filesystem::path& path) const;

  std::filesystem::path web_dir_;
  mutable std::mutex mutex_;
  mutable std::map<std::filesystem::path, std::shared_ptr<const std::string>> files_;  // guarded by mutex_
};

}  // namespace tradeagg::api
