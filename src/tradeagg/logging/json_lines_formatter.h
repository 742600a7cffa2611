// JsonLinesFormatter: spdlog lines as JSON objects, one per line (log.format = "json"), for log
// pipelines that parse rather than grep: {"ts","level","logger","msg", ...the thread's
// LogFields}. Strings are escaped as JSON requires, so a message can never break its line.
// Thread safety: spdlog clones a formatter per sink; format is called under the sink's lock.
#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace tradeagg::logging {

class JsonLinesFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLinesFormatter>(); }
};

}  // namespace tradeagg::logging
