// Bearer-token authentication and role checks shared by the handlers.
#pragma once

#include <optional>

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/request.h"
#include "tradeagg/http/response.h"

namespace tradeagg::api {

// The caller, or the 401 problem to answer with.
Result<auth::Principal> Authenticate(const ApiContext& context, const http::Request& request);
// The same against `users` alone (for handlers that need nothing else of the context).
Result<auth::Principal> Authenticate(const auth::UserService& users, const http::Request& request);

// 403 unless the principal may read `participant`'s data.
Status AuthorizeRead(const auth::Principal& principal, std::string_view participant);

// For list-style reads: a member's participant filter defaults to its own; another is 403.
Result<std::optional<std::string>> ParticipantFilter(const auth::Principal& principal,
                                                     std::optional<std::string_view> requested);

}  // namespace tradeagg::api
