#include "tradeagg/domain/trade_validator.h"

#include <string_view>

#include "tradeagg/domain/isin.h"

namespace tradeagg::domain {

namespace {

constexpr char kRequired[] = "is required";

bool IsAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

template <typename Allowed>
bool IsIdOf(std::string_view id, size_t max_length, Allowed allowed) {
  if (id.empty() || id.size() > max_length) return false;
  for (char c : id) {
    if (!IsAlnum(c) && !allowed(c)) return false;
  }
  return true;
}

// Collects every field error; Validate reports them all at once.
class Errors {
 public:
  void Add(std::string field, std::string message) {
    list_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return list_.empty(); }
  std::vector<FieldError> Take() { return std::move(list_); }

 private:
  std::vector<FieldError> list_;
};

// The value when present; otherwise records "is required" and returns nullptr.
const std::string* Required(const std::optional<std::string>& value, const char* field, Errors& errors) {
  if (!value) {
    errors.Add(field, kRequired);
    return nullptr;
  }
  return &*value;
}

std::optional<std::string> CheckedMemberId(const std::optional<std::string>& value, const char* field,
                                           Errors& errors) {
  const std::string* text = Required(value, field, errors);
  if (!text) return std::nullopt;
  if (!TradeValidator::IsValidMemberId(*text)) {
    errors.Add(field, "must be 1-32 characters of A-Z a-z 0-9 _ -");
    return std::nullopt;
  }
  return *text;
}

// Quantities are integers; the text is parsed here, never through double, so "10.0" and
// "1e3" (valid JSON numbers) are rejected rather than silently converted. The grammar is
// [1-9][0-9]* whether sent as a JSON number or a string: "0100" is refused, not read as 100
// (nor as octal 64).
std::optional<int64_t> ParseQuantity(std::string_view text, Errors& errors) {
  for (char c : text) {
    if (c < '0' || c > '9') {
      errors.Add("quantity", "must be a whole number written with digits only (no sign, decimal point or exponent)");
      return std::nullopt;
    }
  }
  if (text.size() > 1 && text[0] == '0') {
    errors.Add("quantity", "must not have leading zeros (write 100, not 0100)");
    return std::nullopt;
  }
  int64_t value = 0;
  for (char c : text) {
    value = value * 10 + (c - '0');
    if (value > TradeLimits::kMaxQuantity) break;  // stop before int64 could overflow
  }
  if (text.empty() || value < 1 || value > TradeLimits::kMaxQuantity) {
    errors.Add("quantity", "must be an integer between 1 and 10^12");
    return std::nullopt;
  }
  return value;
}

Decimal PowerOfTen(int exponent) {
  int128 units = Decimal::kOne;
  for (int i = 0; i < exponent; ++i) units *= 10;
  return Decimal::FromUnits(units);
}

// A decimal in (0, 10^max_integer_digits).
std::optional<Decimal> ParseAmount(std::string_view text, const char* field, int max_integer_digits,
                                   Errors& errors) {
  Result<Decimal> parsed = Decimal::Parse(text);
  if (!parsed.ok()) {
    errors.Add(field, parsed.status().message());
    return std::nullopt;
  }
  if (parsed->units() <= 0) {
    errors.Add(field, "must be greater than 0");
    return std::nullopt;
  }
  if (*parsed >= PowerOfTen(max_integer_digits)) {
    errors.Add(field, "must be less than 10^" + std::to_string(max_integer_digits));
    return std::nullopt;
  }
  return *parsed;
}

constexpr int64_t kMicrosPerDay = 86'400'000'000;

std::string DescribeDuration(int64_t micros) {
  constexpr int64_t kMinute = 60'000'000;
  if (micros % kMinute == 0) {
    int64_t minutes = micros / kMinute;
    return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
  }
  return std::to_string(micros / 1'000'000) + " seconds";
}

}  // namespace

bool TradeValidator::IsValidMemberId(std::string_view id) {
  return IsIdOf(id, TradeLimits::kMaxMemberIdLength, [](char c) { return c == '_' || c == '-'; });
}

bool TradeValidator::IsValidTradeId(std::string_view id) {
  return IsIdOf(id, TradeLimits::kMaxTradeIdLength,
                [](char c) { return c == '.' || c == '_' || c == ':' || c == '-'; });
}

ValidationResult TradeValidator::Validate(const TradeDraft& draft, Timestamp received_at) const {
  Errors errors;
  Trade trade;
  trade.received_at = received_at;

  if (const std::string* id = Required(draft.trade_id, "trade_id", errors)) {
    if (IsValidTradeId(*id)) {
      trade.trade_id = *id;
    } else {
      errors.Add("trade_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -");
    }
  }

  std::optional<std::string> participant = CheckedMemberId(draft.participant, "participant", errors);
  std::optional<std::string> counterparty = CheckedMemberId(draft.counterparty, "counterparty", errors);
  if (participant && counterparty && *participant == *counterparty) {
    errors.Add("counterparty", "must differ from participant");
  }
  trade.participant = participant.value_or("");
  trade.counterparty = counterparty.value_or("");

  if (const std::string* isin = Required(draft.instrument, "instrument", errors)) {
    if (Status valid = CheckIsin(*isin); valid.ok()) {
      trade.instrument = *isin;
    } else {
      errors.Add("instrument", valid.message());
    }
  }

  if (const std::string* side = Required(draft.side, "side", errors)) {
    if (std::optional<Side> parsed = ParseSide(*side)) {
      trade.side = *parsed;
    } else {
      errors.Add("side", "must be BUY or SELL");
    }
  }

  std::optional<int64_t> quantity;
  if (const std::string* text = Required(draft.quantity, "quantity", errors)) {
    quantity = ParseQuantity(*text, errors);
  }

  std::optional<Decimal> price;
  std::optional<Decimal> notional;
  if (!draft.price && !draft.notional) errors.Add("price", "price or notional is required");
  if (draft.price) price = ParseAmount(*draft.price, "price", TradeLimits::kMaxPriceIntegerDigits, errors);
  if (draft.notional) {
    notional = ParseAmount(*draft.notional, "notional", TradeLimits::kMaxNotionalIntegerDigits, errors);
  }
  if (quantity && price) {
    Decimal expected = *price * *quantity;
    if (expected >= PowerOfTen(TradeLimits::kMaxNotionalIntegerDigits)) {
      errors.Add("notional", "quantity x price must be less than 10^15");
    } else if (notional && *notional != expected) {
      errors.Add("notional", "must equal quantity x price (expected " + expected.ToString() + ")");
    } else {
      trade.price = *price;
      trade.notional = expected;
    }
  } else if (quantity && notional && !draft.price) {
    Decimal derived = notional->DivideRounded(*quantity);
    if (derived.is_zero()) {
      errors.Add("notional", "is too small for the quantity: notional / quantity rounds to a price of 0");
    } else if (derived >= PowerOfTen(TradeLimits::kMaxPriceIntegerDigits)) {
      errors.Add("notional", "gives a price (notional / quantity) of 10^10 or more");
    } else {
      trade.price = derived;
      trade.notional = *notional;
    }
  }
  if (quantity) trade.quantity = *quantity;

  if (const std::string* currency = Required(draft.currency, "currency", errors)) {
    if (config_.currencies.count(*currency) != 0) {
      trade.currency = *currency;
    } else {
      std::string allowed;
      for (const std::string& code : config_.currencies) allowed += (allowed.empty() ? "" : ", ") + code;
      errors.Add("currency", "must be one of " + allowed);
    }
  }

  if (draft.trade_time) {
    Result<Timestamp> parsed = Timestamp::Parse(*draft.trade_time, draft.allow_naive_trade_time);
    if (!parsed.ok()) {
      errors.Add("trade_time", parsed.status().message());
    } else if (parsed->micros() - received_at.micros() > config_.max_future_skew_micros) {
      errors.Add("trade_time", "must not be more than " + DescribeDuration(config_.max_future_skew_micros) +
                                   " ahead of the server's clock");
    } else if (config_.max_past_days > 0 &&
               received_at.micros() - parsed->micros() > config_.max_past_days * kMicrosPerDay) {
      errors.Add("trade_time", "must not be more than " + std::to_string(config_.max_past_days) +
                                   " days in the past (trades.max_past_days; 0 allows back-loading)");
    } else {
      trade.trade_time = *parsed;
    }
  } else {
    trade.trade_time = received_at;
    trade.trade_time_defaulted = true;
  }

  if (!errors.empty()) return errors.Take();
  trade.business_date = calendar_->BusinessDateOf(trade.trade_time);
  return trade;
}

}  // namespace tradeagg::domain
