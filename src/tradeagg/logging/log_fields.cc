#include "tradeagg/logging/log_fields.h"

namespace tradeagg::logging {

namespace {
thread_local std::vector<LogField> current_fields;
}  // namespace

ScopedLogFields::ScopedLogFields(std::vector<LogField> fields) : previous_size_(current_fields.size()) {
  for (LogField& field : fields) current_fields.push_back(std::move(field));
}

ScopedLogFields::~ScopedLogFields() { current_fields.resize(previous_size_); }

const std::vector<LogField>& ScopedLogFields::Current() { return current_fields; }

}  // namespace tradeagg::logging
