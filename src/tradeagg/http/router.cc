#include "tradeagg/http/router.h"

namespace tradeagg::http {

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

}  // namespace

void Router::Add(boost::beast::http::verb method, std::string_view pattern, Handler handler, Access access) {
  Route route{method, std::string(pattern), {}, std::move(handler), access, nullptr};
  for (std::string_view segment : SplitPath(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

void Router::Add(boost::beast::http::verb method, std::string_view pattern, Handler handler,
                 const Gatekeeper& gatekeeper) {
  Add(method, pattern, std::move(handler), Access::kAuthenticated);
  routes_.back().gatekeeper = &gatekeeper;
}

bool Router::Match(const Route& route, const std::vector<std::string_view>& path, Request& request) {
  if (route.segments.size() != path.size()) return false;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& want = route.segments[i];
    bool is_param = want.size() > 2 && want.front() == '{' && want.back() == '}';
    if (is_param) {
      if (path[i].empty()) return false;
    } else if (want != path[i]) {
      return false;
    }
  }
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& want = route.segments[i];
    if (want.size() > 2 && want.front() == '{') request.params[want.substr(1, want.size() - 2)] = std::string(path[i]);
  }
  return true;
}

Router::Admission Router::Admit(Request& request) const {
  auto path = SplitPath(request.path);
  bool path_known = false;
  for (const Route& route : routes_) {
    if (!Match(route, path, request)) continue;
    if (route.method == request.message.method()) {
      request.route = route.pattern;
      const Gatekeeper* gatekeeper = route.gatekeeper != nullptr ? route.gatekeeper : gatekeeper_;
      if (route.access == Access::kAuthenticated && gatekeeper != nullptr) {
        if (auto refusal = gatekeeper->Refuse(request)) return {nullptr, std::move(*refusal)};
      }
      return {&route.handler, {}};
    }
    path_known = true;
    request.params.clear();
  }
  if (path_known) return {nullptr, MethodNotAllowed(request, path)};
  return {nullptr, ProblemResponse(404, "not-found", "Not found", "no route for " + request.path)};
}

// A second pass over the routes, so that routing itself builds no list of methods.
Response Router::MethodNotAllowed(Request& request, const std::vector<std::string_view>& path) const {
  std::string allowed;
  for (const Route& route : routes_) {
    if (!Match(route, path, request)) continue;
    if (!allowed.empty()) allowed += ", ";
    allowed += boost::beast::http::to_string(route.method);
  }
  request.params.clear();
  Response refusal = ProblemResponse(405, "method-not-allowed", "Method not allowed",
                                     std::string(request.message.method_string()) + " is not allowed on " +
                                         request.path + " (allowed: " + allowed + ")");
  refusal.headers.emplace_back("Allow", std::move(allowed));  // RFC 9110 15.5.6: a 405 must name them
  return refusal;
}

void Router::Dispatch(Request& request, Responder respond) const {
  Admission admission = Admit(request);
  if (admission.handler == nullptr) return respond(std::move(admission.refusal));
  (*admission.handler)(request, std::move(respond));
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> routes;
  routes.reserve(routes_.size());
  for (const Route& route : routes_) routes.emplace_back(std::string(boost::beast::http::to_string(route.method)), route.pattern);
  return routes;
}

}  // namespace tradeagg::http
