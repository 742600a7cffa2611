// TradeValidator: turns what a client sent (TradeDraft) into a Trade, or into every field
// error at once.
//
// Limits (also in docs/api.md; one table, kept in TradeLimits):
//   trade_id      1-64 chars of [A-Za-z0-9._:-]
//   participant,  1-32 chars of [A-Za-z0-9_-]; counterparty != participant
//   counterparty
//   instrument    ISIN: a country prefix of IsIsinPrefix (ISO 3166-1 alpha-2 or one ISO 6166
//                 allows), nine letters or digits and a valid check digit
//   side          "BUY" or "SELL"
//   quantity      integer, 1 .. 10^12 (JSON number or string of digits, no leading zero)
//   price         decimal > 0, < 10^10, at most 8 decimal places, in Decimal::Parse's
//                 grammar -?(0|[1-9][0-9]*)(\.[0-9]+)? (no "1.", ".5", "01.5", exponent)
//   notional      decimal > 0, < 10^15, at most 8 decimal places, the same grammar
//                 price given: notional = quantity x price exactly (if both given they must
//                 agree); only notional given: price = notional / quantity rounded half to even
//                 at 8 places (must not round to zero); at least one of the two is required
//   currency      one of the configured ISO 4217 codes (default GBP, USD, EUR)
//   trade_time    RFC 3339; optional (defaults to the receive time); not more than
//                 max_future_skew ahead of the receive time, nor more than max_past_days
//                 behind it (0: no bound, for back-loading history)
// The business date comes from the BusinessCalendar.
// Thread safety: immutable; safe to share.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "tradeagg/core/time.h"
#include "tradeagg/domain/business_calendar.h"
#include "tradeagg/domain/trade.h"

namespace tradeagg::domain {

// As the client sent it. Numbers keep their exact JSON text (never parsed through double).
struct TradeDraft {
  std::optional<std::string> trade_id;
  std::optional<std::string> participant;
  std::optional<std::string> counterparty;
  std::optional<std::string> instrument;
  std::optional<std::string> side;
  std::optional<std::string> quantity;
  std::optional<std::string> price;
  std::optional<std::string> notional;
  std::optional<std::string> currency;
  std::optional<std::string> trade_time;
  bool allow_naive_trade_time = false;  // the proof of concept's route sends naive times as UTC
};

struct FieldError {
  std::string field;    // the API's field name, e.g. "quantity"
  std::string message;  // a sentence for a person, e.g. "must be an integer between 1 and 10^12"
};

struct TradeLimits {
  static constexpr size_t kMaxTradeIdLength = 64;
  static constexpr size_t kMaxMemberIdLength = 32;
  static constexpr int64_t kMaxQuantity = 1'000'000'000'000;  // 10^12
  static constexpr int kMaxPriceIntegerDigits = 10;           // price < 10^10
  static constexpr int kMaxNotionalIntegerDigits = 15;        // notional < 10^15
};

struct ValidatorConfig {
  std::set<std::string> currencies = {"GBP", "USD", "EUR"};
  int64_t max_future_skew_micros = 5LL * 60 * 1'000'000;  // 5 minutes
  int64_t max_past_days = 7;                               // 0: no bound
};

using ValidationResult = std::variant<Trade, std::vector<FieldError>>;

class TradeValidator {
 public:
  TradeValidator(ValidatorConfig config, std::shared_ptr<const BusinessCalendar> calendar)
      : config_(std::move(config)), calendar_(std::move(calendar)) {}

  // received_at becomes Trade::received_at (and trade_time when the draft has none).
  ValidationResult Validate(const TradeDraft& draft, Timestamp received_at) const;

  static bool IsValidMemberId(std::string_view id);
  static bool IsValidTradeId(std::string_view id);
  const ValidatorConfig& config() const { return config_; }
  const BusinessCalendar& calendar() const { return *calendar_; }

 private:
  ValidatorConfig config_;
  std::shared_ptr<const BusinessCalendar> calendar_;
};

}  // namespace tradeagg::domain
