#include "tradeagg/http/request_head.h"

#include <gtest/gtest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace tradeagg::http {
namespace {

namespace bhttp = boost::beast::http;

// Parses `raw` as far as it goes: the parser's error, or success once the head is complete.
boost::system::error_code ParseHead(std::string_view raw, bhttp::request_parser<bhttp::string_body>& parser) {
  boost::system::error_code ec;
  parser.header_limit(1024);
  parser.body_limit(4096);
  parser.eager(true);
  parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  return ec;
}

TEST(RequestHeadTest, FramingErrorsAreNamed400s) {
  for (std::string_view raw : {
           "POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
           "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
           "POST / HTTP/1.1\r\nNo colon here\r\n\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       }) {
    bhttp::request_parser<bhttp::string_body> parser;
    auto ec = ParseHead(raw, parser);
    ASSERT_TRUE(ec) << raw;
    Response response = FramingErrorResponse(ec, {1024, 4096});
    EXPECT_EQ(response.status, 400u) << raw;
    EXPECT_EQ(response.body.find("not valid HTTP/1.1"), std::string::npos) << response.body;
  }
}

TEST(RequestHeadTest, LimitsAre431ForTheHeadAnd413ForTheBody) {
  FramingLimits limits{1024, 4096};
  EXPECT_EQ(FramingErrorResponse(bhttp::error::header_limit, limits).status, 431u);
  EXPECT_NE(FramingErrorResponse(bhttp::error::header_limit, limits).body.find("1024 bytes"), std::string::npos);
  EXPECT_EQ(FramingErrorResponse(bhttp::error::body_limit, limits).status, 413u);
  EXPECT_NE(FramingErrorResponse(bhttp::error::body_limit, limits).body.find("4096 bytes"), std::string::npos);
}

bhttp::request_header<> Head(std::initializer_list<std::pair<bhttp::field, std::string_view>> fields) {
  bhttp::request_header<> head;
  head.version(11);
  head.method(bhttp::verb::post);
  for (auto& [name, value] : fields) head.insert(name, value);
  return head;
}

TEST(RequestHeadTest, RefusesCodingsAndExpectationsItCannotMeet) {
  EXPECT_FALSE(CheckHead(Head({{bhttp::field::content_type, "application/json"}})));
  EXPECT_FALSE(CheckHead(Head({{bhttp::field::transfer_encoding, "chunked"}})));
  EXPECT_FALSE(CheckHead(Head({{bhttp::field::content_encoding, "identity"}})));
  EXPECT_EQ(CheckHead(Head({{bhttp::field::content_encoding, "gzip"}}))->status, 415u);
  EXPECT_EQ(CheckHead(Head({{bhttp::field::transfer_encoding, "gzip"}}))->status, 501u);
  EXPECT_EQ(CheckHead(Head({{bhttp::field::expect, "200-ok"}}))->status, 417u);
  EXPECT_FALSE(CheckHead(Head({{bhttp::field::expect, "100-Continue"}})));
  EXPECT_TRUE(ExpectsContinue(Head({{bhttp::field::expect, "100-continue"}})));
  EXPECT_FALSE(ExpectsContinue(Head({})));
}

TEST(RequestHeadTest, DecodesTheTargetAndRefusesARepeatedParameter) {
  Request request;
  EXPECT_FALSE(DecodeTarget("/v1/trades?participant=A%20B&limit=5", request));
  EXPECT_EQ(request.path, "/v1/trades");
  EXPECT_EQ(request.query.at("participant"), "A B");
  EXPECT_EQ(request.query.at("limit"), "5");

  EXPECT_FALSE(DecodeTarget("/v1/trades?", request));
  EXPECT_TRUE(request.query.empty());

  auto repeated = DecodeTarget("/v1/trades?participant=A&participant=B", request);
  ASSERT_TRUE(repeated);
  EXPECT_EQ(repeated->status, 400u);
  EXPECT_NE(repeated->body.find("'participant'"), std::string::npos);

  EXPECT_EQ(DecodeTarget("/v1/trades?=x", request)->status, 400u);
  EXPECT_EQ(DecodeTarget("http://host/v1/trades", request)->status, 400u);
}

}  // namespace
}  // namespace tradeagg::http
