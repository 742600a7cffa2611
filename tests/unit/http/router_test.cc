#include "tradeagg/http/router.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tradeagg::http {
namespace {

namespace bhttp = boost::beast::http;

class TokenGatekeeper : public Gatekeeper {
 public:
  std::optional<Response> Refuse(const Request& head) const override {
    if (head.header(bhttp::field::authorization) == "Bearer good") return std::nullopt;
    return ProblemResponse(401, "unauthenticated", "Unauthenticated", "no");
  }
};

Request Make(bhttp::verb method, std::string path, std::string_view authorization = {}) {
  Request request;
  request.message.method(method);
  request.path = std::move(path);
  if (!authorization.empty()) request.message.set(bhttp::field::authorization, authorization);
  return request;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(&gatekeeper_) {
    router_.Add(bhttp::verb::get, "/healthz", [](Request&, Responder) {}, Access::kPublic);
    router_.Add(bhttp::verb::post, "/v1/trades", [](Request&, Responder) {});
    router_.Add(bhttp::verb::get, "/v1/trades/{participant}/{trade_id}", [](Request&, Responder) {});
  }
  TokenGatekeeper gatekeeper_;
  Router router_;
};

TEST_F(RouterTest, PublicRoutesNeedNoToken) {
  auto request = Make(bhttp::verb::get, "/healthz");
  EXPECT_NE(router_.Admit(request).handler, nullptr);
}

TEST_F(RouterTest, AuthenticatedRoutesAskTheGatekeeperFromTheHead) {
  auto stranger = Make(bhttp::verb::post, "/v1/trades");
  auto refused = router_.Admit(stranger);
  EXPECT_EQ(refused.handler, nullptr);
  EXPECT_EQ(refused.refusal.status, 401u);
  auto member = Make(bhttp::verb::post, "/v1/trades", "Bearer good");
  EXPECT_NE(router_.Admit(member).handler, nullptr);
}

TEST_F(RouterTest, UnknownPathsAre404AndOtherMethods405BeforeCredentials) {
  auto unknown = Make(bhttp::verb::post, "/nothing");
  EXPECT_EQ(router_.Admit(unknown).refusal.status, 404u);
  auto wrong_method = Make(bhttp::verb::delete_, "/v1/trades");
  Response refusal = router_.Admit(wrong_method).refusal;
  EXPECT_EQ(refusal.status, 405u);
  const std::pair<std::string, std::string> allow{"Allow", "POST"};  // RFC 9110: a 405 names them
  EXPECT_NE(std::find(refusal.headers.begin(), refusal.headers.end(), allow), refusal.headers.end());
}

TEST_F(RouterTest, BindsPathParameters) {
  auto request = Make(bhttp::verb::get, "/v1/trades/ALPHA/T-1", "Bearer good");
  ASSERT_NE(router_.Admit(request).handler, nullptr);
  EXPECT_EQ(request.param("participant"), "ALPHA");
  EXPECT_EQ(request.param("trade_id"), "T-1");
}

TEST_F(RouterTest, ARouteMayWordItsOwnRefusals) {
  class Shy : public Gatekeeper {
   public:
    std::optional<Response> Refuse(const Request&) const override { return JsonResponse(401, R"({"detail":"x"})"); }
  } shy;
  router_.Add(bhttp::verb::post, "/submit_trade", [](Request&, Responder) {}, shy);
  auto request = Make(bhttp::verb::post, "/submit_trade", "Bearer good");
  auto refused = router_.Admit(request);
  EXPECT_EQ(refused.handler, nullptr);
  EXPECT_EQ(refused.refusal.body, R"({"detail":"x"})");
}

TEST_F(RouterTest, ListsItsRoutesAndNamesTheMatchedPattern) {
  auto routes = router_.Routes();
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[2], (std::pair<std::string, std::string>{"GET", "/v1/trades/{participant}/{trade_id}"}));
  auto request = Make(bhttp::verb::get, "/v1/trades/ALPHA/T-1", "Bearer good");
  router_.Admit(request);
  EXPECT_EQ(request.route, "/v1/trades/{participant}/{trade_id}");
  auto unknown = Make(bhttp::verb::get, "/v2/nothing");
  router_.Admit(unknown);
  EXPECT_EQ(unknown.route, "unmatched");
}

}  // namespace
}  // namespace tradeagg::http
