#include "tradeagg/core/decimal.h"

#include <gtest/gtest.h>

namespace tradeagg {
namespace {

Decimal P(std::string_view text) {
  Result<Decimal> parsed = Decimal::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? *parsed : Decimal();
}

TEST(DecimalTest, ParsesPlainDecimals) {
  EXPECT_EQ(P("123").units(), int128{123} * Decimal::kOne);
  EXPECT_EQ(P("-0.5").units(), -50'000'000);
  EXPECT_EQ(P("1234.56789012").units(), int128{123'456'789'012});
  EXPECT_EQ(P("0.00000001").units(), 1);
  EXPECT_EQ(P("7.50").units(), 750'000'000);
  EXPECT_EQ(P("0.50").units(), 50'000'000);
  EXPECT_EQ(P("0").units(), 0);
  EXPECT_TRUE(P("-0").is_zero());
  EXPECT_TRUE(P("-0.00000001").is_negative());
}

TEST(DecimalTest, ParsesTheLargestValue) {
  std::string max(28, '9');
  max += ".99999999";
  Decimal d = P(max);
  EXPECT_EQ(d.ToString(), max);
  EXPECT_EQ((-d).ToString(), "-" + max);
}

TEST(DecimalTest, RejectsWhatIsNotAPlainDecimal) {
  for (std::string_view bad : {"", "-", ".", "+1", "1e3", "1E3", "1.5e2", " 1", "1 ", "1,5", "0x10", "1..2",
                               "1.2.3", "--1", "abc", "NaN", "inf", "1.", ".5", "-.5", "01.5", "00", "-01",
                               "0100", "1.5 ", "\t1", "1\n", "+0", "1e-3", "0x1p3", "-", "-."}) {
    EXPECT_FALSE(Decimal::Parse(bad).ok()) << bad;
  }
}

TEST(DecimalTest, AcceptsExactlyTheJsonNumberGrammarWithoutExponent) {
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?
  for (std::string_view good : {"0", "-0", "0.0", "-0.0", "0.5", "-0.5", "1", "10", "100.001", "9.99999999",
                                "1.50000000"}) {
    EXPECT_TRUE(Decimal::Parse(good).ok()) << good;
  }
  EXPECT_TRUE(P("-0").is_zero());
  EXPECT_FALSE(P("-0").is_negative());
}

TEST(DecimalTest, RefusalsSayWhatToWriteInstead) {
  auto message = [](std::string_view text) { return Decimal::Parse(text).status().message(); };
  EXPECT_NE(message("1.").find("digit after the '.'"), std::string::npos) << message("1.");
  EXPECT_NE(message(".5").find("digit before the '.'"), std::string::npos) << message(".5");
  EXPECT_NE(message("01.5").find("leading zeros"), std::string::npos) << message("01.5");
  EXPECT_NE(message("00").find("leading zeros"), std::string::npos) << message("00");
  EXPECT_NE(message("+1").find("no sign but '-'"), std::string::npos) << message("+1");
  EXPECT_NE(message("1.2.3").find("more than one '.'"), std::string::npos) << message("1.2.3");
  // Leading zeros are refused before anything is counted: 29 digits of which one is a zero.
  EXPECT_NE(message("0" + std::string(28, '9')).find("leading zeros"), std::string::npos);
}

TEST(DecimalTest, ParseMessagesSayWhichRuleWasBroken) {
  Result<Decimal> too_precise = Decimal::Parse("1.123456789");
  ASSERT_FALSE(too_precise.ok());
  EXPECT_EQ(too_precise.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_precise.status().message().find("8 decimal places"), std::string::npos);

  Result<Decimal> too_large = Decimal::Parse(std::string(29, '1'));
  ASSERT_FALSE(too_large.ok());
  EXPECT_NE(too_large.status().message().find("too large"), std::string::npos);

  Result<Decimal> exponent = Decimal::Parse("1e3");
  ASSERT_FALSE(exponent.ok());
  EXPECT_NE(exponent.status().message().find("exponent"), std::string::npos);
}

TEST(DecimalTest, ToStringIsCanonical) {
  EXPECT_EQ(Decimal().ToString(), "0");
  EXPECT_EQ(P("-0").ToString(), "0");
  EXPECT_EQ(P("1234.50000000").ToString(), "1234.5");
  EXPECT_EQ(P("-3.000").ToString(), "-3");
  EXPECT_EQ(P("0.00000001").ToString(), "0.00000001");
  EXPECT_EQ(P("-0.0000001").ToString(), "-0.0000001");
  EXPECT_EQ(P("100").ToString(), "100");
  EXPECT_EQ(P("10.01").ToString(), "10.01");
  EXPECT_EQ(Decimal::FromInteger(-42).ToString(), "-42");
  EXPECT_EQ(Decimal::FromUnits(-1).ToString(), "-0.00000001");
}

TEST(DecimalTest, FractionalDigits) {
  EXPECT_EQ(P("5").fractional_digits(), 0);
  EXPECT_EQ(P("5.5").fractional_digits(), 1);
  EXPECT_EQ(P("-5.05").fractional_digits(), 2);
  EXPECT_EQ(P("0.00000001").fractional_digits(), 8);
}

TEST(DecimalTest, ArithmeticIsExact) {
  EXPECT_EQ((P("0.1") + P("0.2")).ToString(), "0.3");
  EXPECT_EQ((P("0.1") - P("0.3")).ToString(), "-0.2");
  EXPECT_EQ((P("101.25") * 3).ToString(), "303.75");
  EXPECT_EQ((P("9999999999.99999999") * 1'000'000'000'000).ToString(), "9999999999999999990000");
  Decimal sum;
  for (int i = 0; i < 10; ++i) sum += P("0.1");
  EXPECT_EQ(sum, P("1"));
  sum -= P("1");
  EXPECT_TRUE(sum.is_zero());
  EXPECT_LT(P("-1"), P("0.00000001"));
  EXPECT_EQ(P("1.50"), P("1.5"));
}

TEST(DecimalTest, DivideRoundedIsExactWhenItCanBe) {
  EXPECT_EQ(P("10").DivideRounded(int64_t{4}).ToString(), "2.5");
  EXPECT_EQ(P("-10").DivideRounded(int64_t{4}).ToString(), "-2.5");
  EXPECT_EQ(P("303.75").DivideRounded(int128{3}).ToString(), "101.25");
}

TEST(DecimalTest, DivideRoundedRoundsHalfToEven) {
  auto div = [](int64_t units, int64_t divisor) {
    return static_cast<int64_t>(Decimal::FromUnits(units).DivideRounded(divisor).units());
  };
  // Exact halves go to the even neighbour.
  EXPECT_EQ(div(5, 2), 2);    // 2.5 -> 2
  EXPECT_EQ(div(7, 2), 4);    // 3.5 -> 4
  EXPECT_EQ(div(1, 2), 0);    // 0.5 -> 0
  EXPECT_EQ(div(3, 2), 2);    // 1.5 -> 2
  EXPECT_EQ(div(-5, 2), -2);  // -2.5 -> -2
  EXPECT_EQ(div(-7, 2), -4);  // -3.5 -> -4
  EXPECT_EQ(div(5, -2), -2);
  EXPECT_EQ(div(-7, -2), 4);
  EXPECT_EQ(div(-6, 4), -2);  // -1.5 -> -2
  // Not halves: to the nearest.
  EXPECT_EQ(div(10, 3), 3);    // 3.33
  EXPECT_EQ(div(11, 3), 4);    // 3.67
  EXPECT_EQ(div(-10, 3), -3);
  EXPECT_EQ(div(-11, 3), -4);
  EXPECT_EQ(div(11, -3), -4);
  EXPECT_EQ(div(251, 100), 3);   // 2.51 -> 3
  EXPECT_EQ(div(249, 100), 2);   // 2.49 -> 2
  EXPECT_EQ(div(-251, 100), -3);
  // A whole price: 10 / 3 at 8 places.
  EXPECT_EQ(P("10").DivideRounded(int64_t{3}).ToString(), "3.33333333");
  EXPECT_EQ(P("20").DivideRounded(int64_t{3}).ToString(), "6.66666667");
  EXPECT_EQ(P("-20").DivideRounded(int64_t{3}).ToString(), "-6.66666667");
}

TEST(DecimalTest, DivideRoundedByA128BitDivisor) {
  int128 big = int128{1} << 80;
  EXPECT_EQ(Decimal::FromUnits(big * 3).DivideRounded(big).units(), 3);
  EXPECT_EQ(Decimal::FromUnits(big * 5 / 2).DivideRounded(big).units(), 2);  // 2.5 -> 2
}

TEST(DecimalTest, MultiplyRoundedIsTheExactProductRoundedHalfToEven) {
  auto D = [](const char* text) { return *Decimal::Parse(text); };
  EXPECT_EQ(D("1234.5").MultiplyRounded(D("1.0843")).ToString(), "1338.56835");
  EXPECT_EQ(D("0.00000001").MultiplyRounded(D("0.5")).ToString(), "0");           // 0.5e-8 -> even 0
  EXPECT_EQ(D("0.00000003").MultiplyRounded(D("0.5")).ToString(), "0.00000002");  // 1.5e-8 -> even 2
  EXPECT_EQ(D("0.00000001").MultiplyRounded(D("0.50000001")).ToString(), "0.00000001");  // above half
  EXPECT_EQ(D("-0.00000003").MultiplyRounded(D("0.5")).ToString(), "-0.00000002");
  EXPECT_EQ(D("-2").MultiplyRounded(D("-1.5")).ToString(), "3");
  // A day's notionals at full precision times a rate: no overflow, exact to the last place.
  const Decimal big = D("999999999999999999999.99999999");  // ~10^21
  EXPECT_EQ(big.MultiplyRounded(D("1.00000001")).ToString(), "1000000009999999999999.99999999");
  EXPECT_EQ(big.MultiplyRounded(Decimal::FromInteger(1)), big);
}

TEST(DecimalTest, Int128ToString) {
  EXPECT_EQ(Int128ToString(0), "0");
  EXPECT_EQ(Int128ToString(7), "7");
  EXPECT_EQ(Int128ToString(-7), "-7");
  EXPECT_EQ(Int128ToString(int128{1} << 64), "18446744073709551616");
  // numeric_limits has no int128 specialisation in strict ISO mode; build the extremes by hand.
  const int128 max = (int128{1} << 126) - 1 + (int128{1} << 126);
  EXPECT_EQ(Int128ToString(max), "170141183460469231731687303715884105727");
  EXPECT_EQ(Int128ToString(-max - 1), "-170141183460469231731687303715884105728");
}

}  // namespace
}  // namespace tradeagg
