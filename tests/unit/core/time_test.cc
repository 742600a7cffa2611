#include "tradeagg/core/time.h"

#include <gtest/gtest.h>

namespace tradeagg {
namespace {

constexpr int64_t kSecond = 1'000'000;

// 2026-11-24T09:30:00Z
constexpr int64_t kReference = (int64_t{20'781} * 86'400 + 9 * 3600 + 30 * 60) * kSecond;

int64_t Micros(std::string_view text, bool allow_naive = false) {
  Result<Timestamp> parsed = Timestamp::Parse(text, allow_naive);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? parsed->micros() : -1;
}

TEST(TimestampTest, ParsesUtc) {
  EXPECT_EQ(Micros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Micros("2026-11-24T09:30:00Z"), kReference);
  EXPECT_EQ(Micros("2026-11-24t09:30:00z"), kReference);
  EXPECT_EQ(Micros("2026-11-24 09:30:00Z"), kReference);
  EXPECT_EQ(Micros("2026-11-24T09:30:00+00:00"), kReference);
  EXPECT_EQ(Micros("2026-11-24T09:30:00-00:00"), kReference);
  EXPECT_EQ(Micros("1969-12-31T23:59:59Z"), -kSecond);
}

TEST(TimestampTest, ParsesOffsets) {
  EXPECT_EQ(Micros("2026-11-24T10:30:00+01:00"), kReference);
  EXPECT_EQ(Micros("2026-11-24T04:30:00-05:00"), kReference);
  EXPECT_EQ(Micros("2026-11-24T15:00:00+05:30"), kReference);
  // The offset can move the instant to another UTC day.
  EXPECT_EQ(Micros("2026-11-25T00:30:00+15:00"), kReference);
  EXPECT_EQ(Micros("2026-11-23T23:30:00-10:00"), kReference);
}

TEST(TimestampTest, ParsesFractionDigits) {
  EXPECT_EQ(Micros("2026-11-24T09:30:00.1Z"), kReference + 100'000);
  EXPECT_EQ(Micros("2026-11-24T09:30:00.12Z"), kReference + 120'000);
  EXPECT_EQ(Micros("2026-11-24T09:30:00.123Z"), kReference + 123'000);
  EXPECT_EQ(Micros("2026-11-24T09:30:00.000001Z"), kReference + 1);
  EXPECT_EQ(Micros("2026-11-24T09:30:00.123456Z"), kReference + 123'456);
  EXPECT_EQ(Micros("2026-11-24T10:30:00.5+01:00"), kReference + 500'000);
}

TEST(TimestampTest, NaiveTimesOnlyWhenAllowed) {
  Result<Timestamp> strict = Timestamp::Parse("2026-11-24T09:30:00");
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("offset"), std::string::npos);
  EXPECT_EQ(Micros("2026-11-24T09:30:00", true), kReference);
  EXPECT_EQ(Micros("2026-11-24T09:30:00.250000", true), kReference + 250'000);
  EXPECT_EQ(Micros("2026-11-24T10:30:00+01:00", true), kReference);
}

TEST(TimestampTest, RejectsMalformedText) {
  for (std::string_view bad :
       {"", "2026-11-24", "2026-11-24T09:30Z", "2026-11-24T09:30:00", "2026/11/24T09:30:00Z",
        "2026-11-24X09:30:00Z", "2026-11-24T9:30:00Z", "2026-11-24T09:30:00.Z", "2026-11-24T09:30:00.1234567Z",
        "2026-11-24T09:30:00+0100", "2026-11-24T09:30:00+01", "2026-11-24T09:30:00+24:00",
        "2026-11-24T09:30:00+01:60", "2026-11-24T09:30:00ZZ", "2026-11-24T09:30:00Z ", " 2026-11-24T09:30:00Z",
        "2026-11-24T09:30:00 Z", "+2026-11-24T09:30:00Z", "2026-11-24T09:30:00.12aZ"}) {
    EXPECT_FALSE(Timestamp::Parse(bad).ok()) << bad;
  }
}

TEST(TimestampTest, RejectsImpossibleDatesAndTimes) {
  for (std::string_view bad :
       {"2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T23:60:00Z",
        "2026-11-24T23:59:60Z"}) {
    EXPECT_FALSE(Timestamp::Parse(bad).ok()) << bad;
  }
  EXPECT_TRUE(Timestamp::Parse("2024-02-29T00:00:00Z").ok());  // a leap year
  EXPECT_TRUE(Timestamp::Parse("2000-02-29T00:00:00Z").ok());
  EXPECT_FALSE(Timestamp::Parse("1900-02-29T00:00:00Z").ok());
}

TEST(TimestampTest, TooManyFractionDigitsSaysSo) {
  Result<Timestamp> parsed = Timestamp::Parse("2026-11-24T09:30:00.1234567Z");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("6 fractional"), std::string::npos);
}

TEST(TimestampTest, ToStringIsUtcWithMicrosOnlyWhenNeeded) {
  EXPECT_EQ(Timestamp::FromMicros(0).ToString(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp::FromMicros(kReference).ToString(), "2026-11-24T09:30:00Z");
  EXPECT_EQ(Timestamp::FromMicros(kReference + 500'000).ToString(), "2026-11-24T09:30:00.500000Z");
  EXPECT_EQ(Timestamp::FromMicros(kReference + 1).ToString(), "2026-11-24T09:30:00.000001Z");
  EXPECT_EQ(Timestamp::FromMicros(-1).ToString(), "1969-12-31T23:59:59.999999Z");
}

TEST(TimestampTest, RoundTrips) {
  for (std::string_view text : {"2026-11-24T09:30:00Z", "2026-11-24T09:30:00.123456Z", "1999-12-31T23:59:59.999999Z",
                                "2024-02-29T12:00:00.000100Z", "1969-07-20T20:17:40Z", "9999-12-31T23:59:59Z"}) {
    Result<Timestamp> parsed = Timestamp::Parse(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(parsed->ToString(), text);
    EXPECT_EQ(Timestamp::Parse(parsed->ToString())->micros(), parsed->micros());
  }
  // An offset is normalised to UTC.
  EXPECT_EQ(Timestamp::Parse("2026-11-24T10:30:00.5+01:00")->ToString(), "2026-11-24T09:30:00.500000Z");
}

TEST(TimestampTest, NowIsRecent) {
  Timestamp now = Timestamp::Now();
  EXPECT_GT(now, *Timestamp::Parse("2024-01-01T00:00:00Z"));
  EXPECT_LE(now, Timestamp::Now());
}

TEST(DateTest, ParsesAndFormats) {
  Result<Date> d = Date::Parse("2026-11-24");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->days(), 20'781);
  EXPECT_EQ(d->ToString(), "2026-11-24");
  EXPECT_EQ(d->year(), 2026);
  EXPECT_EQ(d->month(), 11u);
  EXPECT_EQ(d->day(), 24u);
  EXPECT_EQ(Date::FromDays(0).ToString(), "1970-01-01");
  EXPECT_EQ(Date::FromDays(-1).ToString(), "1969-12-31");
  EXPECT_EQ(Date::Parse("2024-02-29")->ToString(), "2024-02-29");
}

TEST(DateTest, RejectsWhatIsNotACalendarDate) {
  for (std::string_view bad : {"", "2026-02-30", "2026-02-29", "2026-13-01", "2026-00-01", "2026-01-00", "2026-1-01",
                               "2026-01-1", "26-01-01", "2026/01/01", "2026-01-01T00:00:00Z", "2026-01-01 ",
                               "abcd-ef-gh"}) {
    EXPECT_FALSE(Date::Parse(bad).ok()) << bad;
  }
}

TEST(DateTest, FromCivilAndArithmetic) {
  Date d = Date::FromCivil(2026, 12, 31);
  EXPECT_EQ(d.ToString(), "2026-12-31");
  EXPECT_EQ((d + 1).ToString(), "2027-01-01");
  EXPECT_EQ((Date::FromCivil(2024, 3, 1) - 1).ToString(), "2024-02-29");
  EXPECT_LT(Date::FromCivil(2026, 1, 1), d);
  EXPECT_EQ(Date::FromCivil(2026, 11, 24), *Date::Parse("2026-11-24"));
}

TEST(DateTest, IsoWeekday) {
  EXPECT_EQ(Date::FromDays(0).iso_weekday(), 4u);  // 1970-01-01 was a Thursday
  EXPECT_EQ(Date::FromCivil(2026, 11, 23).iso_weekday(), 1u);  // Monday
  EXPECT_EQ(Date::FromCivil(2026, 11, 24).iso_weekday(), 2u);
  EXPECT_EQ(Date::FromCivil(2026, 11, 28).iso_weekday(), 6u);  // Saturday
  EXPECT_EQ(Date::FromCivil(2026, 11, 29).iso_weekday(), 7u);  // Sunday
  EXPECT_EQ(Date::FromDays(-1).iso_weekday(), 3u);
}

}  // namespace
}  // namespace tradeagg
