// Response: what a handler answers; Problem helpers for RFC 7807 errors.
//
// Every error response of the API is application/problem+json with `type`, `title`, `status`,
// `detail` and, for field errors, `errors` (an array of {index?, field, message}).
// Thread safety: value types.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/http/event_sink.h"

namespace tradeagg::http {

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a streamed response (server-sent events): the head is sent without a length, the
  // body is ignored, and this gets the sink once the head is written. The connection is the
  // stream's until the sink closes.
  std::function<void(std::shared_ptr<EventSink>)> on_stream;
};

Response JsonResponse(unsigned status, std::string body);
Response EmptyResponse(unsigned status);

// `slug` names the problem type (".../problems/<slug>"); `errors_json` is a pre-serialised JSON
// array or empty.
Response ProblemResponse(unsigned status, std::string_view slug, std::string_view title, std::string_view detail,
                         std::string_view errors_json = {});

// Maps a Status to its HTTP problem: kInvalidArgument 422, kNotFound 404, kAlreadyExists and
// kConflict 409, kUnauthenticated 401, kPermissionDenied 403, kResourceExhausted 429
// ("too-many-requests"), kUnavailable and kStateUnknown 503, kInternal 500. A status that says
// when to retry (Status::retry_after_seconds) adds a Retry-After header.
Response ProblemFromStatus(const Status& status);

}  // namespace tradeagg::http
