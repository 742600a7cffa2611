#include "tradeagg/domain/isin.h"

#include <string>

#include "tradeagg/domain/isin_prefix.h"

#include <gtest/gtest.h>

namespace tradeagg::domain {
namespace {

constexpr std::string_view kRealIsins[] = {
    "US0378331005",  // Apple
    "GB0002634946",  // BAE Systems
    "DE0007164600",  // SAP
    "IE00B4L5Y983",  // iShares Core MSCI World
    "US5949181045",  // Microsoft
    "AU0000XVGZA3",  // letters late in the code
    "NL0000009165",  // Heineken
};

TEST(IsinTest, AcceptsRealIsins) {
  for (std::string_view isin : kRealIsins) EXPECT_TRUE(IsValidIsin(isin)) << isin;
}

TEST(IsinTest, CheckDigitOfRealIsins) {
  for (std::string_view isin : kRealIsins) {
    EXPECT_EQ(IsinCheckDigit(isin.substr(0, 11)), isin[11]) << isin;
  }
}

TEST(IsinTest, RejectsEveryWrongCheckDigit) {
  for (std::string_view isin : kRealIsins) {
    for (char digit = '0'; digit <= '9'; ++digit) {
      if (digit == isin[11]) continue;
      std::string wrong(isin);
      wrong[11] = digit;
      EXPECT_FALSE(IsValidIsin(wrong)) << wrong;
    }
  }
}

TEST(IsinTest, DetectsATypoInTheBody) {
  EXPECT_FALSE(IsValidIsin("US0378331015"));
  EXPECT_FALSE(IsValidIsin("US0387331005"));  // two digits swapped
  EXPECT_FALSE(IsValidIsin("GB0002634496"));
}

TEST(IsinTest, RejectsLowerCase) {
  EXPECT_FALSE(IsValidIsin("us0378331005"));
  EXPECT_FALSE(IsValidIsin("ie00b4l5y983"));
  EXPECT_FALSE(IsValidIsin("IE00b4L5Y983"));
}

TEST(IsinTest, RejectsBadShape) {
  for (std::string_view bad : {"", "US037833100", "US03783310055", "US037833100X", "1S0378331005", "U10378331005",
                               "US03783 1005", "US0378-31005", " US0378331005", "US0378331005 "}) {
    EXPECT_FALSE(IsValidIsin(bad)) << "'" << bad << "'";
  }
  EXPECT_FALSE(IsValidIsin(std::string_view("US037833100\0", 12)));
}

TEST(IsinTest, CheckDigitMakesValidIsins) {
  for (std::string_view body : {"US000000000", "XS202147143", "GBABCDEFGHI", "EU000A1G0AA", "AA0000000AZ"}) {
    char digit = IsinCheckDigit(body);
    ASSERT_GE(digit, '0');
    ASSERT_LE(digit, '9');
    std::string isin = std::string(body) + digit;
    EXPECT_EQ(IsValidIsin(isin), body.substr(0, 2) != "AA") << isin;  // AA is no country
  }
  EXPECT_EQ(IsinCheckDigit("XS202147143"), '3');  // XS2021471433
}

// `prefix` followed by a body and its right check digit: valid but for the prefix.
std::string WithPrefix(std::string_view prefix) {
  std::string first11 = std::string(prefix) + "000000001";
  return first11 + IsinCheckDigit(first11);
}

TEST(IsinTest, ThePrefixMustBeACountryOrAnIso6166Code) {
  for (std::string_view country : {"US", "GB", "DE", "FR", "JP", "CH", "IE", "LU", "KY", "BM", "JE", "GG", "AD",
                                   "ZW", "SS", "CW", "SX", "BQ"}) {
    EXPECT_TRUE(IsValidIsin(WithPrefix(country))) << country;
  }
  for (std::string_view special : {"XS", "EU", "EZ", "XA", "XB", "XC", "XD"}) {
    EXPECT_TRUE(IsValidIsin(WithPrefix(special))) << special;
  }
  // Not assigned, user-assigned, withdrawn from ISO 3166, or internal (not unique) numbers.
  for (std::string_view bad : {"XX", "ZZ", "AA", "QS", "QT", "XF", "XK", "AN", "CS", "UK", "EL", "YU", "ZR"}) {
    EXPECT_FALSE(IsValidIsin(WithPrefix(bad))) << bad;
  }
  Status refused = CheckIsin(WithPrefix("XX"));
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("ISO 3166"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("'XX'"), std::string::npos) << refused.message();
}

TEST(IsinTest, MessagesSayWhichRuleWasBroken) {
  EXPECT_TRUE(CheckIsin("US0378331005").ok());
  EXPECT_NE(CheckIsin("US037833100").message().find("2 capital letters"), std::string::npos);
  EXPECT_NE(CheckIsin("US0378331006").message().find("check digit"), std::string::npos);
}

TEST(IsinPrefixTest, EveryAssignedCountryCodeAndNothingElse) {
  int countries = 0;
  int prefixes = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      const char code[] = {a, b};
      const std::string_view text(code, 2);
      countries += IsIso3166Alpha2(text) ? 1 : 0;
      prefixes += IsIsinPrefix(text) ? 1 : 0;
      if (IsIso3166Alpha2(text)) {
        EXPECT_TRUE(IsIsinPrefix(text)) << text;
      }
    }
  }
  EXPECT_EQ(countries, 249);  // ISO 3166-1's officially assigned codes
  EXPECT_EQ(prefixes, 249 + 7);
  for (std::string_view bad : {"", "G", "GBR", "gb", "Gb", "1A"}) {
    EXPECT_FALSE(IsIsinPrefix(bad)) << bad;
  }
}

}  // namespace
}  // namespace tradeagg::domain
