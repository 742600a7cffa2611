// The rules a request's head must meet before the server reads its body, and the answers to
// requests the HTTP parser could not frame.
//
// Framing is where request smuggling and silent truncation live, so every doubt is answered
// with an error and a closed connection, never a guess: both Content-Length and
// Transfer-Encoding, two different Content-Lengths, a bad chunk size or a header line without
// a colon are 400; a head over the limit is 431; a body over the limit is 413. A head asking
// for what the server does not do is refused before its body arrives: a transfer coding other
// than chunked (501), a Content-Encoding (415: the server decodes none, and reading gzip as
// JSON would be a guess), an Expect other than 100-continue (417).
// Thread safety: stateless functions.
#pragma once

#include <optional>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/system/error_code.hpp>

#include "tradeagg/http/request.h"
#include "tradeagg/http/response.h"

namespace tradeagg::http {

struct FramingLimits {
  size_t max_header_bytes = 0;
  size_t max_body_bytes = 0;
};

// The answer to a parser error while reading a request (400, 413 or 431). The connection is
// closed after it: once framing is in doubt, nothing further on it can be trusted.
Response FramingErrorResponse(const boost::system::error_code& ec, const FramingLimits& limits);

// The refusal for a head whose body the server will not read, or nullopt when it is fine.
std::optional<Response> CheckHead(const boost::beast::http::request_header<>& head);

// True when the client sent `Expect: 100-continue` and waits for a 100 before its body.
bool ExpectsContinue(const boost::beast::http::request_header<>& head);

// Decodes the request target into request.path and request.query; 400 when the target is not
// an origin-form URL or names a query parameter twice (a repeated parameter is ambiguous:
// answering for one of its values would be a guess).
std::optional<Response> DecodeTarget(std::string_view target, Request& request);

}  // namespace tradeagg::http
