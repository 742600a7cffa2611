// ISIN (ISO 6166) syntax, prefix and check-digit validation.
#pragma once

#include <string_view>

#include "tradeagg/core/status.h"

namespace tradeagg::domain {

// OK for 12 characters: a prefix of IsIsinPrefix (an ISO 3166-1 country code or one of ISO
// 6166's own: XS, EU, ...), nine letters or digits, one check digit that matches the Luhn check
// over the letters expanded to numbers (A=10 ... Z=35). Upper case only. Otherwise
// kInvalidArgument with a message (for a field error) saying which rule was broken.
Status CheckIsin(std::string_view text);
inline bool IsValidIsin(std::string_view text) { return CheckIsin(text).ok(); }

// The check digit ('0'..'9') for the first 11 characters of an ISIN (used by the load generator
// and tests to make valid ISINs). `first11` must be 11 upper-case letters or digits.
char IsinCheckDigit(std::string_view first11);

}  // namespace tradeagg::domain
