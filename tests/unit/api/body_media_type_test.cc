// The Content-Type rule of every route that reads a body (docs/api.md, "Strict input").
#include "tradeagg/api/body_media_type.h"

#include <gtest/gtest.h>

namespace tradeagg::api {
namespace {

TEST(BodyMediaTypeTest, AcceptsTheMediaTypeInAnyCaseWithAUtf8Charset) {
  for (std::string_view sent : {"application/json", "Application/JSON", "application/json; charset=utf-8",
                                "application/json;charset=UTF-8", "application/json ; charset=\"utf-8\"",
                                "application/json; CHARSET=Utf-8", "application/json;", "application/json; ;"}) {
    auto media = CheckBodyMediaType(sent, kJsonBody);
    ASSERT_TRUE(media.ok()) << sent << ": " << media.status().message();
    EXPECT_EQ(*media, "application/json");
  }
}

TEST(BodyMediaTypeTest, RefusesAMissingOrOtherMediaTypeOrCharset) {
  for (std::string_view sent : {"", " ", "text/plain", "application/jsonx", "application/json-patch+json",
                                "application/problem+json", "application / json", "application/json; charset=latin1",
                                "application/json; charset=iso-8859-1", "application/json; charset=utf8",
                                "application/json; charset=utf-16", "application/json; charset=",
                                "application/json; charset=utf-8; charset=utf-8", "application/json; boundary=x",
                                "application/json; v=1", "application/json charset=utf-8", "*/*",
                                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
    auto media = CheckBodyMediaType(sent, kJsonBody);
    EXPECT_FALSE(media.ok()) << "'" << sent << "'";
  }
}

TEST(BodyMediaTypeTest, TheMessageNamesWhatWasSentAndWhatIsAccepted) {
  auto none = CheckBodyMediaType("", kJsonBody);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(),
            "send Content-Type application/json (with no parameter but charset=utf-8), not no Content-Type");
  auto latin1 = CheckBodyMediaType("application/json; charset=latin1", kJsonBody);
  ASSERT_FALSE(latin1.ok());
  EXPECT_NE(latin1.status().message().find("'application/json; charset=latin1'"), std::string::npos)
      << latin1.status().message();
  static constexpr std::string_view kThree[] = {"application/json", "application/x-ndjson", "application/jsonl"};
  auto text = CheckBodyMediaType("text/plain", kThree);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("application/json, application/x-ndjson or application/jsonl"),
            std::string::npos)
      << text.status().message();
  const std::string long_value = "text/" + std::string(500, 'x');
  EXPECT_LT(CheckBodyMediaType(long_value, kJsonBody).status().message().size(), 250u);
}

TEST(BodyMediaTypeTest, SaysWhichOfSeveralWasSent) {
  static constexpr std::string_view kTrades[] = {"application/json", "application/x-ndjson"};
  EXPECT_EQ(*CheckBodyMediaType("Application/X-NDJSON; charset=utf-8", kTrades), "application/x-ndjson");
  EXPECT_EQ(*CheckBodyMediaType("application/json", kTrades), "application/json");
}

TEST(BodyMediaTypeTest, TheFormOfPostToken) {
  EXPECT_TRUE(CheckBodyMediaType("application/x-www-form-urlencoded", kFormBody).ok());
  EXPECT_TRUE(CheckBodyMediaType("application/x-www-form-urlencoded; charset=UTF-8", kFormBody).ok());
  EXPECT_FALSE(CheckBodyMediaType("application/json", kFormBody).ok());
  EXPECT_FALSE(CheckBodyMediaType("", kFormBody).ok());
  EXPECT_FALSE(CheckBodyMediaType("application/x-www-form-urlencoded; charset=latin1", kFormBody).ok());
}

TEST(BodyMediaTypeTest, TheRequestsHeaderAndThe415) {
  http::Request request;
  EXPECT_FALSE(CheckBodyMediaType(request, kJsonBody).ok());
  request.message.set(boost::beast::http::field::content_type, "application/json; charset=utf-8");
  EXPECT_TRUE(CheckBodyMediaType(request, kJsonBody).ok());
  http::Response problem = UnsupportedMediaType(Status::InvalidArgument("send x"));
  EXPECT_EQ(problem.status, 415u);
  EXPECT_EQ(problem.content_type, "application/problem+json");
  EXPECT_NE(problem.body.find("unsupported-media-type"), std::string::npos);
  EXPECT_NE(problem.body.find("send x"), std::string::npos);
}

}  // namespace
}  // namespace tradeagg::api
