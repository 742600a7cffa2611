#include "tradeagg/api/bearer_gatekeeper.h"

#include "tradeagg/api/authentication.h"

namespace tradeagg::api {

std::optional<http::Response> BearerGatekeeper::Refuse(const http::Request& head) const {
  auto principal = Authenticate(context_, head);
  if (principal.ok()) return std::nullopt;
  return refusal_(principal.status());
}

}  // namespace tradeagg::api
