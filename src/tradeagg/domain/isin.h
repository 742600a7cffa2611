// ISIN (ISO 6166) syntax and check-digit validation.
#pragma once

#include <string_view>

namespace tradeagg::domain {

// True for 12 characters: two letters (country), nine letters or digits, one check digit that
// matches the Luhn check over the letters expanded to numbers (A=10 ... Z=35). Upper case only.
bool IsValidIsin(std::string_view text);

// The check digit ('0'..'9') for the first 11 characters of an ISIN (used by the load generator
// and tests to make valid ISINs). `first11` must be 11 upper-case letters or digits.
char IsinCheckDigit(std::string_view first11);

}  // namespace tradeagg::domain
