#include "tradeagg/logging/json_lines_formatter.h"

#include "tradeagg/core/json_writer.h"
#include "tradeagg/core/time.h"
#include "tradeagg/logging/log_fields.h"

namespace tradeagg::logging {

void JsonLinesFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
  const auto level = spdlog::level::to_string_view(msg.level);
  JsonWriter json;
  json.BeginObject()
      .Field("ts", Timestamp::FromMicros(micros).ToString())
      .Field("level", std::string_view(level.data(), level.size()))
      .Field("logger", std::string_view(msg.logger_name.data(), msg.logger_name.size()))
      .Field("msg", std::string_view(msg.payload.data(), msg.payload.size()));
  for (const LogField& field : ScopedLogFields::Current()) {
    json.Key(field.key);
    if (field.number) json.Raw(field.value);
    else json.String(field.value);
  }
  json.EndObject();
  std::string line = json.Take();
  line += '\n';
  dest.append(line.data(), line.data() + line.size());
}

}  // namespace tradeagg::logging
