// AuthApi: logins (POST /v1/auth/token, the OAuth2 form at POST /token), self-service
// POST /signup (off unless configured), and user management for admins (/v1/users).
// Password hashing runs on the blocking pool, never on a network thread; a login is admitted
// first on the network thread (UserService::AdmitLogin): throttled names and addresses get 429,
// and when too many password checks are queued, 503, both with Retry-After.
// See docs/api.md for the contract.
#pragma once

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class AuthApi {
 public:
  explicit AuthApi(ApiContext& context) : context_(context) {}
  void Register(http::Router& router);

 private:
  void JsonLogin(http::Request& request, http::Responder respond);
  void FormLogin(http::Request& request, http::Responder respond);
  void Signup(http::Request& request, http::Responder respond);
  void CreateUser(http::Request& request, http::Responder respond);
  void ListUsers(http::Request& request, http::Responder respond);
  void DeleteUser(http::Request& request, http::Responder respond);
  // Creates the user on the blocking pool and answers 201 with it, or the problem.
  void CreateAndRespond(auth::NewUser user, http::Responder respond, bool signup = false);
  ApiContext& context_;
};

}  // namespace tradeagg::api
