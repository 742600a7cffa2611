#include "tradeagg/logging/json_lines_formatter.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "testing/log_line.h"
#include "tradeagg/logging/log_fields.h"

namespace tradeagg::logging {
namespace {

std::string Format(spdlog::formatter& formatter, std::string_view message) {
  return testing::FormatLogLine(formatter, spdlog::level::warn, message);
}

TEST(JsonLinesFormatterTest, WritesOneParsableLineEvenForHostileMessages) {
  JsonLinesFormatter formatter;
  std::string line = Format(formatter, "quote \" backslash \\ newline \n tab \t end");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(line);
  EXPECT_EQ(std::string_view(doc["msg"]), "quote \" backslash \\ newline \n tab \t end");
  EXPECT_EQ(std::string_view(doc["level"]), "warning");
  EXPECT_TRUE(std::string_view(doc["ts"]).ends_with("Z"));
}

TEST(JsonLinesFormatterTest, AddsTheThreadsFieldsAsKeysWhileInScope) {
  JsonLinesFormatter formatter;
  simdjson::dom::parser parser;
  {
    ScopedLogFields fields({{"request_id", "abc"}, {"status", "503", true}});
    simdjson::dom::element doc = parser.parse(Format(formatter, "answered"));
    EXPECT_EQ(std::string_view(doc["request_id"]), "abc");
    EXPECT_EQ(int64_t(doc["status"]), 503);
  }
  simdjson::dom::element doc = parser.parse(Format(formatter, "later"));
  EXPECT_TRUE(doc["request_id"].error());
}

}  // namespace
}  // namespace tradeagg::logging
