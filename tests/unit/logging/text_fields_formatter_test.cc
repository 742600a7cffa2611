#include "tradeagg/logging/text_fields_formatter.h"

#include <gtest/gtest.h>

#include "testing/log_line.h"
#include "tradeagg/logging/log_fields.h"

namespace tradeagg::logging {
namespace {

std::string Format(spdlog::formatter& formatter, std::string_view message) {
  return testing::FormatLogLine(formatter, spdlog::level::info, message);
}

TEST(TextFieldsFormatterTest, AppendsFieldsToTheLine) {
  TextFieldsFormatter formatter;
  ScopedLogFields fields(std::vector<LogField>{{"request_id", "abc"}});
  std::string line = Format(formatter, "answered");
  EXPECT_NE(line.find("answered request_id=abc\n"), std::string::npos);
}

}  // namespace
}  // namespace tradeagg::logging
