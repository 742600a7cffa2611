// Timestamp (UTC microseconds since the Unix epoch) and Date (days since 1970-01-01).
//
// Microseconds because that is the resolution of Iceberg's timestamptz and of Parquet's
// TIMESTAMP(MICROS): a trade time survives the lake unchanged. Text forms are RFC 3339
// ("2026-11-24T09:30:00.123456Z") and ISO dates ("2026-11-24").
// Thread safety: value types.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"

namespace tradeagg {

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp FromMicros(int64_t micros) { return Timestamp(micros); }
  static Timestamp Now();

  // RFC 3339 with an offset ("Z", "+01:00"); 'T' or ' ' between date and time; at most 6
  // fractional digits. With allow_naive, a time without an offset is taken as UTC (the proof of
  // concept's clients send Python's naive isoformat).
  static Result<Timestamp> Parse(std::string_view text, bool allow_naive = false);

  constexpr int64_t micros() const { return micros_; }
  // Always UTC with 'Z'; fractional digits only when non-zero (6 digits then).
  std::string ToString() const;

  constexpr auto operator<=>(const Timestamp&) const = default;

 private:
  constexpr explicit Timestamp(int64_t micros) : micros_(micros) {}
  int64_t micros_ = 0;
};

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days) { return Date(days); }
  static Result<Date> Parse(std::string_view text);  // "YYYY-MM-DD", a real calendar date
  static Date FromCivil(int year, unsigned month, unsigned day);

  constexpr int32_t days() const { return days_; }
  std::string ToString() const;
  int year() const;
  unsigned month() const;
  unsigned day() const;
  // 1 = Monday ... 7 = Sunday (ISO 8601).
  unsigned iso_weekday() const;

  constexpr Date operator+(int32_t n) const { return Date(days_ + n); }
  constexpr Date operator-(int32_t n) const { return Date(days_ - n); }
  constexpr auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

}  // namespace tradeagg
