#include "tradeagg/http/request_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace tradeagg::http {

namespace bhttp = boost::beast::http;

namespace {

Response Malformed(std::string_view detail) { return ProblemResponse(400, "malformed", "Malformed request", detail); }

std::string_view FramingErrorDetail(const boost::system::error_code& ec) {
  switch (static_cast<bhttp::error>(ec.value())) {
    case bhttp::error::bad_content_length: return "Content-Length is not a number, or is sent with Transfer-Encoding";
    case bhttp::error::multiple_content_length: return "two different Content-Length values";
    case bhttp::error::bad_transfer_encoding:
      return "Transfer-Encoding is repeated, or is sent with Content-Length";
    case bhttp::error::bad_chunk: return "a chunk size is not a hexadecimal number, or overflows";
    case bhttp::error::bad_chunk_extension: return "a chunk extension is malformed";
    case bhttp::error::bad_field: return "a header line has no colon, or its name is not a token";
    case bhttp::error::bad_value: return "a header value has a forbidden character";
    case bhttp::error::bad_obs_fold: return "a header is folded over lines (obsolete line folding)";
    case bhttp::error::bad_line_ending: return "a line does not end in CRLF";
    case bhttp::error::bad_method: return "the method is not a token";
    case bhttp::error::bad_target: return "the request target is malformed";
    case bhttp::error::bad_version: return "the HTTP version is malformed";
    case bhttp::error::partial_message: return "the connection ended inside the request";
    default: return "the request is not valid HTTP/1.1";
  }
}

}  // namespace

Response FramingErrorResponse(const boost::system::error_code& ec, const FramingLimits& limits) {
  if (ec == bhttp::error::header_limit) {
    return ProblemResponse(431, "header-too-large", "Request header fields too large",
                           "the request line and headers exceed " + std::to_string(limits.max_header_bytes) + " bytes");
  }
  if (ec == bhttp::error::body_limit) {
    return ProblemResponse(413, "too-large", "Content too large",
                           "the body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
  }
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_field).category()) {
    return Malformed("the request could not be read");
  }
  return Malformed(FramingErrorDetail(ec));
}

std::optional<Response> CheckHead(const bhttp::request_header<>& head) {
  if (head.version() != 11 && head.version() != 10) {
    return ProblemResponse(505, "http-version", "HTTP version not supported", "send HTTP/1.1");
  }
  // Beast frames chunked bodies; any other transfer coding would be read as raw bytes.
  auto transfer_encoding = head.find(bhttp::field::transfer_encoding);
  if (transfer_encoding != head.end() && !boost::beast::iequals(transfer_encoding->value(), "chunked")) {
    return ProblemResponse(501, "transfer-coding", "Transfer coding not implemented",
                           "only Transfer-Encoding: chunked is understood, got '" +
                               std::string(transfer_encoding->value()) + "'");
  }
  auto [encoding, encodings_end] = head.equal_range(bhttp::field::content_encoding);
  for (; encoding != encodings_end; ++encoding) {
    if (!boost::beast::iequals(encoding->value(), "identity")) {
      Response response = ProblemResponse(415, "content-encoding", "Content encoding not supported",
                                          "the server decodes no Content-Encoding, got '" +
                                              std::string(encoding->value()) + "'; send the body unencoded");
      response.headers.emplace_back("Accept-Encoding", "identity");
      return response;
    }
  }
  auto expect = head.find(bhttp::field::expect);
  if (expect != head.end() && !boost::beast::iequals(expect->value(), "100-continue")) {
    return ProblemResponse(417, "expectation-failed", "Expectation failed",
                           "only Expect: 100-continue is supported, got '" + std::string(expect->value()) + "'");
  }
  return std::nullopt;
}

bool ExpectsContinue(const bhttp::request_header<>& head) {
  auto expect = head.find(bhttp::field::expect);
  return head.version() >= 11 && expect != head.end() && boost::beast::iequals(expect->value(), "100-continue");
}

std::optional<Response> DecodeTarget(std::string_view target, Request& request) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return Malformed("the request target is not a valid URL");
  boost::urls::url_view url = *parsed;
  request.path = url.path();
  if (request.path.empty()) request.path = "/";
  request.query.clear();
  for (auto param : url.params()) {
    if (param.key.empty() && !param.has_value) continue;  // "?" or "a=1&&b=2"
    if (param.key.empty()) return Malformed("a query parameter has no name");
    if (!request.query.emplace(param.key, param.value).second) {
      return Malformed("the query parameter '" + param.key + "' is given more than once");
    }
  }
  return std::nullopt;
}

}  // namespace tradeagg::http
