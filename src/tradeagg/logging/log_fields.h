// LogFields: structured fields for the log lines the current thread writes while in scope
// (an access line's request id, route, status), so a JSON-lines log carries them as keys and a
// text log as `key=value` after the message.
// Thread safety: thread-local; a scope belongs to its thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tradeagg::logging {

struct LogField {
  std::string key;
  std::string value;
  bool number = false;  // written bare in JSON, not as a string
};

class ScopedLogFields {
 public:
  explicit ScopedLogFields(std::vector<LogField> fields);
  ~ScopedLogFields();
  ScopedLogFields(const ScopedLogFields&) = delete;
  ScopedLogFields& operator=(const ScopedLogFields&) = delete;

  // The fields in scope on this thread, innermost last.
  static const std::vector<LogField>& Current();

 private:
  size_t previous_size_;
};

}  // namespace tradeagg::logging
