// Body media type: the Content-Type a route requires of the body it reads.
//
// A body is read only as what its sender declared it to be: a missing Content-Type, or one the
// route does not read, is 415, never guessed to be JSON. The media type is compared without
// regard to case (RFC 9110); the only parameter allowed is charset=utf-8 (any case, optionally
// quoted), since the API reads UTF-8 only: a body declared latin1 would have its non-ASCII
// characters read as something else. docs/api.md, "Strict input", lists the rule.
// Thread safety: stateless functions.
#pragma once

#include <span>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/http/request.h"
#include "tradeagg/http/response.h"

namespace tradeagg::api {

// What the JSON routes read, and the form of POST /token (OAuth2's password flow).
inline constexpr std::string_view kJsonBody[] = {"application/json"};
inline constexpr std::string_view kFormBody[] = {"application/x-www-form-urlencoded"};

// The entry of `accepted` (lower-case media types) that the Content-Type header value
// `content_type` declares, or kInvalidArgument with a message naming what was sent and what is
// accepted.
Result<std::string_view> CheckBodyMediaType(std::string_view content_type, std::span<const std::string_view> accepted);

// The same for a request's Content-Type header.
Result<std::string_view> CheckBodyMediaType(const http::Request& request, std::span<const std::string_view> accepted);

// The 415 problem ("unsupported-media-type") for a refusal of CheckBodyMediaType.
http::Response UnsupportedMediaType(const Status& refused);

}  // namespace tradeagg::api
