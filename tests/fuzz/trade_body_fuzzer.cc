// libFuzzer target: a POST /v1/trades (or /submit_trade) body through the codec and the
// validator, as the server runs them on a member's bytes.
//
// Beyond the sanitizers' checks it asserts what the API promises of any input: parsing either
// fails (400) or yields drafts; each draft validates to a trade or to errors that name a field;
// and nothing the input says makes the validator read out of bounds or overflow.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "tradeagg/api/trade_codec.h"
#include "tradeagg/domain/business_calendar.h"
#include "tradeagg/domain/trade_validator.h"

namespace {

using tradeagg::api::BodyFormat;
using tradeagg::api::FieldNames;

const tradeagg::domain::TradeValidator& Validator() {
  static const auto* validator = [] {
    auto calendar = tradeagg::domain::BusinessCalendar::Create({});
    if (!calendar.ok()) std::abort();
    tradeagg::domain::ValidatorConfig config;
    config.max_past_days = 0;  // the fuzzer's trade times are anywhere in history
    return new tradeagg::domain::TradeValidator(config, *calendar);
  }();
  return *validator;
}

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the route's shape; the rest is the body.
  const auto format = (data[0] & 1) ? BodyFormat::kNdjson : BodyFormat::kJson;
  const auto names = (data[0] & 2) ? FieldNames::kProofOfConcept : FieldNames::kV1;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto parsed = tradeagg::api::ParseTradeBody(body, format, names);
  if (!parsed.ok()) {
    Check(!parsed.status().message().empty());
    return 0;
  }
  const auto received_at = tradeagg::Timestamp::FromMicros(1'767'225'600'000'000);  // 2026-01-01
  for (const auto& error : parsed->type_errors) Check(!error.field.empty());
  for (const auto& draft : parsed->drafts) {
    auto result = Validator().Validate(draft, received_at);
    if (const auto* errors = std::get_if<std::vector<tradeagg::domain::FieldError>>(&result)) {
      Check(!errors->empty());
      for (const auto& error : *errors) Check(!error.field.empty() && !error.message.empty());
    }
  }
  return 0;
}
