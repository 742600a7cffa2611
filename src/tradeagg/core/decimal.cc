#include "tradeagg/core/decimal.h"

#include <algorithm>

namespace tradeagg {

namespace {
constexpr int kMaxIntegerDigits = 28;
}  // namespace

Result<Decimal> Decimal::Parse(std::string_view text) {
  // The grammar is JSON's number without an exponent: -?(0|[1-9][0-9]*)(\.[0-9]+)?
  if (text.empty()) return Status::InvalidArgument("must be a decimal number, got an empty string");
  constexpr char kPlain[] = "must be a plain decimal number (digits, one optional '.', no sign but '-', no exponent)";
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = text[0] == '-' ? 1 : 0;
  const bool negative = i == 1;
  const size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const size_t integer_digits = i - integer_start;
  size_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    if (integer_digits == 0) return Status::InvalidArgument("must have a digit before the '.' (write 0.5, not .5)");
    const size_t fraction_start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction_digits = i - fraction_start;
    if (fraction_digits == 0) return Status::InvalidArgument("must have a digit after the '.' (write 1 or 1.0, not 1.)");
  }
  if (i < text.size()) {
    if (text[i] == '.') return Status::InvalidArgument("must be a decimal number, got more than one '.'");
    return Status::InvalidArgument(kPlain);
  }
  if (integer_digits == 0) return Status::InvalidArgument("must be a decimal number with at least one digit");
  if (integer_digits > 1 && text[integer_start] == '0') {
    return Status::InvalidArgument("must not have leading zeros (write 1.5, not 01.5)");
  }
  if (fraction_digits > static_cast<size_t>(kScale)) return Status::InvalidArgument("has more than 8 decimal places");
  if (integer_digits > static_cast<size_t>(kMaxIntegerDigits)) return Status::InvalidArgument("is too large");
  int128 units = 0;
  for (char c : text.substr(integer_start)) {
    if (c != '.') units = units * 10 + (c - '0');
  }
  for (size_t k = fraction_digits; k < static_cast<size_t>(kScale); ++k) units *= 10;
  return Decimal(negative ? -units : units);
}

int Decimal::fractional_digits() const {
  int128 frac = units_ % kOne;
  if (frac < 0) frac = -frac;
  if (frac == 0) return 0;
  int digits = kScale;
  while (frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  return digits;
}

std::string Int128ToString(int128 value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  // Work with the magnitude as unsigned so the most negative value is handled too.
  uint128 magnitude = negative ? -static_cast<uint128>(value)
                                         : static_cast<uint128>(value);
  std::string out;
  while (magnitude > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  if (negative) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

std::string Decimal::ToString() const {
  // Unsigned magnitude, so the most negative value does not overflow on negation.
  uint128 magnitude = units_ < 0 ? -static_cast<uint128>(units_) : static_cast<uint128>(units_);
  std::string out = units_ < 0 ? "-" : "";
  out += Int128ToString(static_cast<int128>(magnitude / kOne));
  int digits = fractional_digits();
  if (digits > 0) {
    std::string frac = Int128ToString(static_cast<int128>(magnitude % kOne));
    frac.insert(0, kScale - frac.size(), '0');
    out += '.';
    out.append(frac, 0, digits);
  }
  return out;
}

Decimal Decimal::DivideRounded(int64_t divisor) const { return DivideRounded(int128{divisor}); }

Decimal Decimal::DivideRounded(int128 divisor) const {
  int128 quotient = units_ / divisor;
  int128 remainder = units_ % divisor;
  if (remainder == 0) return Decimal(quotient);
  int128 abs_rem2 = (remainder < 0 ? -remainder : remainder) * 2;
  int128 abs_div = divisor < 0 ? -divisor : divisor;
  bool positive = (units_ < 0) == (divisor < 0);
  if (abs_rem2 > abs_div || (abs_rem2 == abs_div && quotient % 2 != 0)) {
    quotient += positive ? 1 : -1;
  }
  return Decimal(quotient);
}

Decimal Decimal::MultiplyRounded(Decimal factor) const {
  // a x f / 10^8 without a 256-bit product: split a = high x 10^8 + low (0 <= low < 10^8), so
  // a x f / 10^8 = high x f + low x f / 10^8, where only the second term needs rounding and
  // low x f stays far inside 128 bits.
  const bool negative = (units_ < 0) != (factor.units_ < 0);
  const uint128 a = units_ < 0 ? -static_cast<uint128>(units_) : static_cast<uint128>(units_);
  const uint128 f = factor.units_ < 0 ? -static_cast<uint128>(factor.units_) : static_cast<uint128>(factor.units_);
  const uint128 one = static_cast<uint128>(kOne);
  const uint128 high = a / one;
  const uint128 low = a % one;
  const uint128 low_product = low * f;
  uint128 magnitude = high * f + low_product / one;
  const uint128 remainder = low_product % one;
  if (remainder * 2 > one || (remainder * 2 == one && magnitude % 2 != 0)) ++magnitude;
  const int128 units = static_cast<int128>(magnitude);
  return Decimal(negative ? -units : units);
}

}  // namespace tradeagg
