// ISIN prefixes: the two letters an ISIN may begin with (ISO 6166).
//
// An ISIN's prefix is the ISO 3166-1 alpha-2 code of the issuer's country, or one of the few
// codes ISO 6166 allocates beyond it. A prefix outside the list ("XX", "ZZ") identifies no
// security anywhere: it is a typo or a made-up instrument, and a trade in it must be refused,
// not stored and aggregated as if it were real. The list is in isin_prefix.cc, with why each
// non-country code is there and why some others are not.
// Thread safety: constant tables.
#pragma once

#include <string_view>

namespace tradeagg::domain {

// True for an officially assigned ISO 3166-1 alpha-2 code (upper case), e.g. "GB".
bool IsIso3166Alpha2(std::string_view code);

// True for a prefix an ISIN may have: IsIso3166Alpha2, or one of ISO 6166's own codes (XS, EU,
// EZ, XA, XB, XC, XD).
bool IsIsinPrefix(std::string_view prefix);

}  // namespace tradeagg::domain
