#include "tradeagg/api/body_media_type.h"

#include <string>

namespace tradeagg::api {

namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// True when every parameter after the media type (";"-separated) is charset=utf-8 (or empty,
// which RFC 9110's grammar allows), and there is at most one.
bool ParametersAreUtf8(std::string_view parameters) {
  int charsets = 0;
  while (!parameters.empty()) {
    const size_t end = parameters.find(';');
    const std::string_view parameter = Trim(parameters.substr(0, end));
    parameters = end == std::string_view::npos ? std::string_view() : parameters.substr(end + 1);
    if (parameter.empty()) continue;
    const size_t eq = parameter.find('=');
    if (eq == std::string_view::npos || !EqualsIgnoringCase(parameter.substr(0, eq), "charset")) return false;
    std::string_view value = parameter.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (!EqualsIgnoringCase(value, "utf-8") || ++charsets > 1) return false;
  }
  return true;
}

std::string AcceptedList(std::span<const std::string_view> accepted) {
  std::string list;
  for (size_t i = 0; i < accepted.size(); ++i) {
    if (i > 0) list += i + 1 == accepted.size() ? " or " : ", ";
    list += accepted[i];
  }
  return list;
}

}  // namespace

Result<std::string_view> CheckBodyMediaType(std::string_view content_type, std::span<const std::string_view> accepted) {
  const size_t semicolon = content_type.find(';');
  const std::string_view media_type = Trim(content_type.substr(0, semicolon));
  const std::string_view parameters =
      semicolon == std::string_view::npos ? std::string_view() : content_type.substr(semicolon + 1);
  for (std::string_view candidate : accepted) {
    if (EqualsIgnoringCase(media_type, candidate) && ParametersAreUtf8(parameters)) return candidate;
  }
  constexpr size_t kShown = 100;
  const std::string sent = Trim(content_type).empty()
                               ? std::string("no Content-Type")
                               : "Content-Type '" + std::string(Trim(content_type).substr(0, kShown)) + "'" +
                                     (Trim(content_type).size() > kShown ? " (cut)" : "");
  return Status::InvalidArgument("send Content-Type " + AcceptedList(accepted) +
                                 " (with no parameter but charset=utf-8), not " + sent);
}

Result<std::string_view> CheckBodyMediaType(const http::Request& request, std::span<const std::string_view> accepted) {
  return CheckBodyMediaType(request.header(boost::beast::http::field::content_type), accepted);
}

http::Response UnsupportedMediaType(const Status& refused) {
  return http::ProblemResponse(415, "unsupported-media-type", "Unsupported media type", refused.message());
}

}  // namespace tradeagg::api
