#include "tradeagg/domain/isin_prefix.h"

#include <algorithm>
#include <array>

namespace tradeagg::domain {

namespace {

// The 249 officially assigned ISO 3166-1 alpha-2 codes (the ISO 3166 Maintenance Agency's list,
// cross-checked against Debian's iso-codes 3166-1 table), sorted for binary search. Codes
// withdrawn from ISO 3166 (AN Netherlands Antilles, CS Serbia and Montenegro, ...) are not
// here: no new ISIN can be allocated with them. Add one here if a live instrument needs it.
constexpr std::array<std::string_view, 249> kIso3166Alpha2 = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

// ISO 6166's prefixes that are not countries:
//   EU  securities issued by the European Union's institutions ("EU000A...");
//   EZ  OTC derivatives, allocated by ANNA's Derivatives Service Bureau (ISO 6166:2021);
//   XA  substitute numbering agency CUSIP Global Services,
//   XB  substitute numbering agency NSD (Russia),
//   XC  substitute numbering agency WM Datenservice (Germany),
//   XD  substitute numbering agency SIX Financial Information (Switzerland): they allocate
//       ISINs for countries that have no national numbering agency;
//   XS  international securities deposited with the international central securities
//       depositories (Euroclear Bank, Clearstream Banking Luxembourg), e.g. most Eurobonds.
// Not accepted: QS, QT and XF (numbers some agencies use internally; not unique, never meant to
// be exchanged between parties) and XK (Kosovo: a user-assigned code, not part of ISO 3166 nor
// of ISO 6166).
constexpr std::array<std::string_view, 7> kIso6166Prefixes = {"EU", "EZ", "XA", "XB", "XC", "XD", "XS"};

static_assert(std::is_sorted(kIso3166Alpha2.begin(), kIso3166Alpha2.end()) &&
                  std::adjacent_find(kIso3166Alpha2.begin(), kIso3166Alpha2.end()) == kIso3166Alpha2.end(),
              "kIso3166Alpha2 must be sorted and without duplicates (binary search)");
static_assert(std::is_sorted(kIso6166Prefixes.begin(), kIso6166Prefixes.end()), "kIso6166Prefixes must be sorted");

}  // namespace

bool IsIso3166Alpha2(std::string_view code) {
  return std::binary_search(kIso3166Alpha2.begin(), kIso3166Alpha2.end(), code);
}

bool IsIsinPrefix(std::string_view prefix) {
  return IsIso3166Alpha2(prefix) || std::binary_search(kIso6166Prefixes.begin(), kIso6166Prefixes.end(), prefix);
}

}  // namespace tradeagg::domain
