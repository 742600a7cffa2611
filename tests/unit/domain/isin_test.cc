#include "tradeagg/domain/isin.h"

#include <string>

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
  for (std::string_view body : {"US000000000", "XS202147143", "GBABCDEFGHI", "ZZ999999999", "AA0000000AZ"}) {
    char digit = IsinCheckDigit(body);
    ASSERT_GE(digit, '0');
    ASSERT_LE(digit, '9');
    std::string isin = std::string(body) + digit;
    EXPECT_TRUE(IsValidIsin(isin)) << isin;
  }
  EXPECT_EQ(IsinCheckDigit("XS202147143"), '3');  // XS2021471433
}

}  // namespace
}  // namespace tradeagg::domain
