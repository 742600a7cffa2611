#include "tradeagg/domain/isin.h"

#include <cassert>

namespace tradeagg::domain {

namespace {

constexpr size_t kIsinLength = 12;

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsValidIsin(std::string_view text) {
  if (text.size() != kIsinLength) return false;
  if (!IsUpper(text[0]) || !IsUpper(text[1])) return false;
  for (size_t i = 2; i < kIsinLength - 1; ++i) {
    if (!IsUpper(text[i]) && !IsDigit(text[i])) return false;
  }
  return IsDigit(text[11]) && IsinCheckDigit(text.substr(0, 11)) == text[11];
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
