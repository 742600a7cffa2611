// TextFieldsFormatter: spdlog's usual text line (log.format = "text"), with the thread's
// LogFields appended as ` key=value`, so an access line reads the same in either format.
// Thread safety: spdlog clones a formatter per sink; format is called under the sink's lock.
#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace tradeagg::logging {

class TextFieldsFormatter : public spdlog::formatter {
 public:
  TextFieldsFormatter();
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<TextFieldsFormatter>(); }

 private:
  std::unique_ptr<spdlog::formatter> pattern_;
};

}  // namespace tradeagg::logging
