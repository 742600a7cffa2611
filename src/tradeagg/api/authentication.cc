#include "tradeagg/api/authentication.h"

namespace tradeagg::api {

Result<auth::Principal> Authenticate(const ApiContext& context, const http::Request& request) {
  return Authenticate(context.users, request);
}

Result<auth::Principal> Authenticate(const auth::UserService& users, const http::Request& request) {
  std::string_view header = request.header(boost::beast::http::field::authorization);
  if (header.empty()) return Status::Unauthenticated("missing bearer token");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || !std::equal(kScheme.begin(), kScheme.end(), header.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      })) {
    return Status::Unauthenticated("the Authorization header must be 'Bearer <token>'");
  }
  return users.Authenticate(header.substr(kScheme.size()));
}

Status AuthorizeRead(const auth::Principal& principal, std::string_view participant) {
  if (principal.can_read_all() || principal.participant == participant) return Status::Ok();
  return Status::PermissionDenied("member '" + principal.username + "' may read only participant '" +
                                  principal.participant + "'");
}

Result<std::optional<std::string>> ParticipantFilter(const auth::Principal& principal,
                                                     std::optional<std::string_view> requested) {
  if (principal.can_read_all()) {
    if (!requested) return std::optional<std::string>();
    return std::optional<std::string>(std::string(*requested));
  }
  if (requested && *requested != principal.participant) {
    return AuthorizeRead(principal, *requested);
  }
  return std::optional<std::string>(principal.participant);
}

}  // namespace tradeagg::api
