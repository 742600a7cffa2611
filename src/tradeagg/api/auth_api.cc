#include "tradeagg/api/auth_api.h"

#include <boost/asio/post.hpp>

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/body_media_type.h"
#include "tradeagg/api/form_codec.h"
#include "tradeagg/api/query_params.h"
#include "tradeagg/core/json_writer.h"

namespace tradeagg::api {

namespace bhttp = boost::beast::http;

namespace {

void WriteUser(JsonWriter& json, const auth::User& user) {
  json.BeginObject()
      .Field("username", user.username)
      .Field("role", std::string_view(auth::RoleName(user.role)))
      .Field("participant", user.participant)
      .Field("created_at", user.created_at.ToString())
      .EndObject();
}

http::Response ValidationProblem(const std::vector<IndexedFieldError>& errors) {
  return http::ProblemResponse(422, "validation", "Invalid request",
                               std::to_string(errors.size()) + " error(s)", FieldErrorsJson(errors));
}

// Parses a JSON body of string fields; on failure fills `problem`.
std::optional<StringFields> ReadFields(const http::Request& request, const std::vector<std::string_view>& names,
                                       http::Response& problem) {
  if (auto media = CheckBodyMediaType(request, kJsonBody); !media.ok()) {
    problem = UnsupportedMediaType(media.status());
    return std::nullopt;
  }
  std::vector<IndexedFieldError> errors;
  auto fields = ParseJsonStringObject(request.body(), names, errors);
  if (!fields.ok()) {
    problem = http::ProblemResponse(400, "malformed", "Malformed body", fields.status().message());
    return std::nullopt;
  }
  if (!errors.empty()) {
    problem = ValidationProblem(errors);
    return std::nullopt;
  }
  return std::move(fields).value();
}

std::string FieldOr(const StringFields& fields, std::string_view name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

Result<auth::Principal> RequireAdmin(const ApiContext& context, const http::Request& request) {
  ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(context, request));
  if (principal.role != auth::Role::kAdmin) return Status::PermissionDenied("only admins manage users");
  return principal;
}

}  // namespace

void AuthApi::Register(http::Router& router) {
  router.Add(bhttp::verb::post, "/v1/auth/token", [this](auto& req, auto r) { JsonLogin(req, std::move(r)); },
             http::Access::kPublic);
  router.Add(bhttp::verb::post, "/token", [this](auto& req, auto r) { FormLogin(req, std::move(r)); },
             http::Access::kPublic);
  router.Add(bhttp::verb::post, "/signup", [this](auto& req, auto r) { Signup(req, std::move(r)); },
             http::Access::kPublic);
  router.Add(bhttp::verb::post, "/v1/users", [this](auto& req, auto r) { CreateUser(req, std::move(r)); });
  router.Add(bhttp::verb::get, "/v1/users", [this](auto& req, auto r) { ListUsers(req, std::move(r)); });
  router.Add(bhttp::verb::delete_, "/v1/users/{username}", [this](auto& req, auto r) { DeleteUser(req, std::move(r)); });
}

void AuthApi::JsonLogin(http::Request& request, http::Responder respond) {
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  http::Response problem;
  auto fields = ReadFields(request, {"username", "password"}, problem);
  if (!fields) return respond(std::move(problem));
  // Throttled (429) or too busy (503) before anything is queued or hashed.
  auto admitted = context_.users.AdmitLogin(FieldOr(*fields, "username"), request.remote_address);
  if (!admitted.ok()) return respond(http::ProblemFromStatus(admitted.status()));
  boost::asio::post(context_.blocking, [this, fields = std::move(*fields), address = request.remote_address,
                                        ticket = std::move(admitted).value(), respond = std::move(respond)] {
    std::string username = FieldOr(fields, "username");
    std::string password = FieldOr(fields, "password");
    auto token = context_.users.Login({username, password, address});
    if (!token.ok()) return respond(http::ProblemFromStatus(token.status()));
    JsonWriter json;
    json.BeginObject()
        .Field("access_token", token->access_token)
        .Field("token_type", std::string_view("bearer"))
        .Field("expires_in", token->expires_in)
        .EndObject();
    respond(http::JsonResponse(200, json.Take()));
  });
}

void AuthApi::FormLogin(http::Request& request, http::Responder respond) {
  if (auto media = CheckBodyMediaType(request, kFormBody); !media.ok()) return respond(UnsupportedMediaType(media.status()));
  StringFields fields = ParseForm(request.body());
  // Throttled (429) or too busy (503): problem bodies with Retry-After, as on /v1/auth/token.
  auto admitted = context_.users.AdmitLogin(FieldOr(fields, "username"), request.remote_address);
  if (!admitted.ok()) return respond(http::ProblemFromStatus(admitted.status()));
  boost::asio::post(context_.blocking, [this, fields = std::move(fields), address = request.remote_address,
                                        ticket = std::move(admitted).value(), respond = std::move(respond)] {
    std::string username = FieldOr(fields, "username");
    std::string password = FieldOr(fields, "password");
    auto token = context_.users.Login({username, password, address});
    if (!token.ok() && token.status().code() != StatusCode::kUnauthenticated) {
      return respond(http::ProblemFromStatus(token.status()));
    }
    if (!token.ok()) {
      // FastAPI's OAuth2PasswordRequestForm answer, which the proof of concept's clients expect.
      http::Response response = http::JsonResponse(401, R"({"detail":"Incorrect username or password"})");
      response.headers.emplace_back("WWW-Authenticate", "Bearer");
      return respond(std::move(response));
    }
    JsonWriter json;
    json.BeginObject()
        .Field("access_token", token->access_token)
        .Field("token_type", std::string_view("bearer"))
        .EndObject();
    respond(http::JsonResponse(200, json.Take()));
  });
}

void AuthApi::Signup(http::Request& request, http::Responder respond) {
  if (!context_.options.signup_enabled) {
    return respond(http::ProblemResponse(403, "forbidden", "Signup disabled",
                                         "self-service signup is off; ask an administrator for an account"));
  }
  http::Response problem;
  auto fields = ReadFields(request, {"username", "password", "participant"}, problem);
  if (!fields) return respond(std::move(problem));
  std::string username = FieldOr(*fields, "username");
  std::string participant = FieldOr(*fields, "participant");
  if (participant.empty()) participant = username;
  CreateAndRespond({username, FieldOr(*fields, "password"), "member", participant}, std::move(respond),
                   /*signup=*/true);
}

void AuthApi::CreateUser(http::Request& request, http::Responder respond) {
  auto admin = RequireAdmin(context_, request);
  if (!admin.ok()) return respond(http::ProblemFromStatus(admin.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  http::Response problem;
  auto fields = ReadFields(request, {"username", "password", "role", "participant"}, problem);
  if (!fields) return respond(std::move(problem));
  CreateAndRespond({FieldOr(*fields, "username"), FieldOr(*fields, "password"), FieldOr(*fields, "role"),
                    FieldOr(*fields, "participant")},
                   std::move(respond));
}

void AuthApi::CreateAndRespond(auth::NewUser user, http::Responder respond, bool signup) {
  auto errors = auth::UserService::Validate(user);
  if (!errors.empty()) return respond(ValidationProblem(WithoutIndex(errors)));
  auto admitted = context_.users.AdmitHashing();  // 503 with Retry-After when too busy
  if (!admitted.ok()) return respond(http::ProblemFromStatus(admitted.status()));
  boost::asio::post(context_.blocking, [this, user = std::move(user), ticket = std::move(admitted).value(),
                                        respond = std::move(respond), signup] {
    auto created = signup ? context_.users.Signup(user) : context_.users.CreateUser(user);
    if (!created.ok()) return respond(http::ProblemFromStatus(created.status()));
    JsonWriter json;
    WriteUser(json, *created);
    respond(http::JsonResponse(201, json.Take()));
  });
}

void AuthApi::ListUsers(http::Request& request, http::Responder respond) {
  auto admin = RequireAdmin(context_, request);
  if (!admin.ok()) return respond(http::ProblemFromStatus(admin.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  JsonWriter json;
  json.BeginObject().Key("users").BeginArray();
  for (const auto& user : context_.users.ListUsers()) WriteUser(json, user);
  json.EndArray().EndObject();
  respond(http::JsonResponse(200, json.Take()));
}

void AuthApi::DeleteUser(http::Request& request, http::Responder respond) {
  auto admin = RequireAdmin(context_, request);
  if (!admin.ok()) return respond(http::ProblemFromStatus(admin.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  boost::asio::post(context_.blocking, [this, &request, respond = std::move(respond)] {
    Status deleted = context_.users.DeleteUser(request.param("username"));
    if (!deleted.ok()) return respond(http::ProblemFromStatus(deleted));
    respond(http::EmptyResponse(204));
  });
}

}  // namespace tradeagg::api
