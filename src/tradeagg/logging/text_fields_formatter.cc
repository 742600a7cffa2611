#include "tradeagg/logging/text_fields_formatter.h"

#include <spdlog/pattern_formatter.h>

#include "tradeagg/logging/log_fields.h"

namespace tradeagg::logging {

TextFieldsFormatter::TextFieldsFormatter() : pattern_(std::make_unique<spdlog::pattern_formatter>()) {}

void TextFieldsFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  pattern_->format(msg, dest);
  const auto& fields = ScopedLogFields::Current();
  if (fields.empty()) return;
  // Before the pattern's line end.
  if (dest.size() > 0 && dest.data()[dest.size() - 1] == '\n') dest.resize(dest.size() - 1);
  for (const LogField& field : fields) {
    dest.push_back(' ');
    dest.append(field.key.data(), field.key.data() + field.key.size());
    dest.push_back('=');
    dest.append(field.value.data(), field.value.data() + field.value.size());
  }
  dest.push_back('\n');
}

}  // namespace tradeagg::logging
