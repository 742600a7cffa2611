#include "tradeagg/domain/isin.h"

#include <cassert>
#include <string>

#include "tradeagg/domain/isin_prefix.h"

namespace tradeagg::domain {

namespace {

constexpr size_t kIsinLength = 12;

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Status CheckIsin(std::string_view text) {
  bool shape = text.size() == kIsinLength && IsUpper(text[0]) && IsUpper(text[1]) && IsDigit(text[kIsinLength - 1]);
  for (size_t i = 2; shape && i < kIsinLength - 1; ++i) shape = IsUpper(text[i]) || IsDigit(text[i]);
  if (!shape) {
    return Status::InvalidArgument(
        "must be an ISIN: 2 capital letters, 9 capital letters or digits and a valid check digit");
  }
  if (!IsIsinPrefix(text.substr(0, 2))) {
    return Status::InvalidArgument("must be an ISIN whose first two letters are an ISO 3166-1 country code or XS, EU, "
                                   "EZ, XA-XD (ISO 6166); '" + std::string(text.substr(0, 2)) + "' is neither");
  }
  if (IsinCheckDigit(text.substr(0, 11)) != text[11]) {
    return Status::InvalidArgument("must be an ISIN with a valid check digit (the last character)");
  }
  return Status::Ok();
}

char IsinCheckDigit(std::string_view first11) {
  assert(first11.size() == kIsinLength - 1);
  // Letters expand to two digits (A=10 ... Z=35); then Luhn over the digit string. Walking it
  // from the right, the digit next to the (absent) check digit is doubled, then every other one.
  int sum = 0;
  bool doubled = true;
  auto add = [&](int digit) {
    if (doubled) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    doubled = !doubled;
  };
  for (auto it = first11.rbegin(); it != first11.rend(); ++it) {
    char c = *it;
    if (IsDigit(c)) {
      add(c - '0');
    } else {
      int value = c - 'A' + 10;
      add(value % 10);  // rightmost digit first
      add(value / 10);
    }
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

}  // namespace tradeagg::domain
