// Query parameters of the read routes: values as strict as a trade's, unknown names refused.
#include "tradeagg/api/query_params.h"

#include <gtest/gtest.h>

namespace tradeagg::api {
namespace {

http::Request With(std::initializer_list<std::pair<const char*, const char*>> query) {
  http::Request request;
  for (auto [name, value] : query) request.query[name] = value;
  return request;
}

TEST(QueryParamsTest, AbsentParametersAreFine) {
  http::Request request = With({});
  QueryParams params(request, {"participant", "instrument", "business_date", "limit"});
  EXPECT_FALSE(params.MemberId("participant"));
  EXPECT_FALSE(params.Isin("instrument"));
  EXPECT_FALSE(params.DateParam("business_date"));
  EXPECT_FALSE(params.PositiveInt("limit", 10));
  EXPECT_TRUE(params.ok());
  EXPECT_FALSE(params.Problem());
}

TEST(QueryParamsTest, ValidValuesAreRead) {
  http::Request request =
      With({{"participant", "ALPHA_1-x"}, {"instrument", "XS2021471433"}, {"business_date", "2026-11-24"}, {"limit", "10"}});
  QueryParams params(request, {"participant", "instrument", "business_date", "limit"});
  EXPECT_EQ(params.MemberId("participant"), "ALPHA_1-x");
  EXPECT_EQ(params.Isin("instrument"), "XS2021471433");
  EXPECT_EQ(params.DateParam("business_date")->ToString(), "2026-11-24");
  EXPECT_EQ(params.PositiveInt("limit", 10), 10);
  EXPECT_FALSE(params.Problem());
}

TEST(QueryParamsTest, AValueNoTradeCouldHaveIs422NamingTheParameter) {
  http::Request request = With({{"participant", "not a member!"},
                                {"instrument", "XX0000000001"},
                                {"business_date", "2026-02-30"},
                                {"limit", "011"}});
  QueryParams params(request, {"participant", "instrument", "business_date", "limit"});
  EXPECT_FALSE(params.MemberId("participant"));
  EXPECT_FALSE(params.Isin("instrument"));
  EXPECT_FALSE(params.DateParam("business_date"));
  EXPECT_FALSE(params.PositiveInt("limit", 1000));
  ASSERT_EQ(params.errors().size(), 4u);
  EXPECT_EQ(params.errors()[0].field, "participant");
  EXPECT_EQ(params.errors()[1].field, "instrument");
  EXPECT_NE(params.errors()[1].message.find("'XX'"), std::string::npos) << params.errors()[1].message;
  EXPECT_EQ(params.errors()[2].field, "business_date");
  EXPECT_EQ(params.errors()[3].field, "limit");
  auto problem = params.Problem();
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 422u);
  EXPECT_NE(problem->body.find("\"field\":\"participant\""), std::string::npos) << problem->body;
}

TEST(QueryParamsTest, AnEmptyParticipantIsNoParticipant) {
  http::Request request = With({{"participant", ""}});
  QueryParams params(request, {"participant"});
  EXPECT_FALSE(params.MemberId("participant"));
  EXPECT_EQ(params.Problem()->status, 422u);
}

TEST(QueryParamsTest, PositiveIntIsDigitsWithoutALeadingZeroUpToMax) {
  for (const char* bad : {"0", "01", "-1", "+1", "1.0", "1e3", " 1", "", "1001", "99999999999999999999"}) {
    http::Request request = With({{"limit", bad}});
    QueryParams params(request, {"limit"});
    EXPECT_FALSE(params.PositiveInt("limit", 1000)) << bad;
    EXPECT_EQ(params.errors().size(), 1u) << bad;
  }
  http::Request request = With({{"run", "9223372036854775807"}});
  QueryParams params(request, {"run"});
  EXPECT_EQ(params.PositiveInt("run", INT64_MAX), INT64_MAX);
  http::Request over = With({{"run", "9223372036854775808"}});
  QueryParams too_big(over, {"run"});
  EXPECT_FALSE(too_big.PositiveInt("run", INT64_MAX));
}

TEST(QueryParamsTest, AnUnknownParameterIs400NamingItAndTheRoutesOwn) {
  http::Request request = With({{"partcipant", "ALPHA"}, {"business_date", "x"}});
  QueryParams params(request, {"participant", "business_date"});
  params.DateParam("business_date");
  EXPECT_FALSE(params.ok());
  auto problem = params.Problem();
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 400u);  // before the 422 of business_date
  EXPECT_NE(problem->body.find("unknown query parameter 'partcipant'; this route takes participant, business_date"),
            std::string::npos)
      << problem->body;
  EXPECT_NE(problem->body.find("\"field\":\"partcipant\""), std::string::npos) << problem->body;
}

TEST(QueryParamsTest, RoutesWithoutParametersRefuseAny) {
  EXPECT_FALSE(RefuseQueryParams(With({})));
  auto problem = RefuseQueryParams(With({{"x", "1"}}));
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 400u);
  EXPECT_NE(problem->body.find("this route takes none"), std::string::npos) << problem->body;
}

}  // namespace
}  // namespace tradeagg::api
