// FormatLogLine: what a spdlog formatter writes for one message, for the log formatters' tests.
#pragma once

#include <string>
#include <string_view>

#include <spdlog/formatter.h>

namespace tradeagg::testing {

inline std::string FormatLogLine(spdlog::formatter& formatter, spdlog::level::level_enum level,
                                 std::string_view message) {
  spdlog::details::log_msg msg("tradeagg", level, message);
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  return std::string(out.data(), out.size());
}

}  // namespace tradeagg::testing
