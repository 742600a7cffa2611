// Decimal: an exact fixed-point number with 8 decimal places, held as a 128-bit count of 1e-8.
//
// Money never touches floating point. Prices and notionals are Decimals; quantities are int64;
// notional = quantity x price is exact (the product of an integer and a scale-8 number is a
// scale-8 number). Sums over many trades stay exact in 128 bits (|value| < 1.7e30).
// Division (VWAP, price from notional) is the one inexact operation: it rounds half to even at
// the 8th place, and callers say so in their contracts.
// Thread safety: value type.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"

namespace tradeagg {

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit integer types.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

class Decimal {
 public:
  static constexpr int kScale = 8;
  static constexpr int64_t kOne = 100'000'000;  // 10^kScale units

  constexpr Decimal() = default;
  static constexpr Decimal FromUnits(int128 units) { return Decimal(units); }
  static constexpr Decimal FromInteger(int64_t value) { return Decimal(int128{value} * kOne); }

  // Parses plain decimal text, the grammar of a JSON number without an exponent:
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?  ("123", "-0.5", "1234.56789012", "1.50"). Refused: a '+'
  // sign, an exponent, whitespace, "1." (no digit after the point), ".5" (none before it),
  // "01.5" (a leading zero), more than kScale fractional digits or 28 integer digits. "-0" is
  // zero. The message says which rule was broken. The same text is read whether a client sent
  // a JSON number (its raw text) or a string, so both are held to one grammar.
  static Result<Decimal> Parse(std::string_view text);

  constexpr int128 units() const { return units_; }
  constexpr bool is_zero() const { return units_ == 0; }
  constexpr bool is_negative() const { return units_ < 0; }
  // Number of fractional digits needed to print the value exactly (0..kScale).
  int fractional_digits() const;

  // Shortest exact text: no trailing zeros, no exponent ("1234.5", "-3", "0").
  std::string ToString() const;

  constexpr Decimal operator+(Decimal o) const { return Decimal(units_ + o.units_); }
  constexpr Decimal operator-(Decimal o) const { return Decimal(units_ - o.units_); }
  constexpr Decimal operator-() const { return Decimal(-units_); }
  constexpr Decimal& operator+=(Decimal o) { units_ += o.units_; return *this; }
  constexpr Decimal& operator-=(Decimal o) { units_ -= o.units_; return *this; }
  // Exact: a scale-8 value times an integer.
  constexpr Decimal operator*(int64_t factor) const { return Decimal(units_ * factor); }
  // this x factor, rounded half to even at the 8th decimal place (a currency conversion: both
  // have 8 places, the exact product 16). Precondition: the product's integer part fits
  // (|this| x |factor| < 1.7e30), which holds for any day's notionals times an FX rate < 10^6.
  Decimal MultiplyRounded(Decimal factor) const;
  // Rounded half to even at the 8th decimal place. divisor must not be zero.
  Decimal DivideRounded(int64_t divisor) const;
  Decimal DivideRounded(int128 divisor) const;

  constexpr auto operator<=>(const Decimal&) const = default;

 private:
  constexpr explicit Decimal(int128 units) : units_(units) {}
  int128 units_ = 0;
};

// Decimal text of a 128-bit integer (std::to_string has no overload for it).
std::string Int128ToString(int128 value);

}  // namespace tradeagg
