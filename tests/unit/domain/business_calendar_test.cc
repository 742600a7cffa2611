#include "tradeagg/domain/business_calendar.h"

#include <gtest/gtest.h>

namespace tradeagg::domain {
namespace {

Timestamp T(std::string_view rfc3339) {
  Result<Timestamp> t = Timestamp::Parse(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : Timestamp();
}

Date D(std::string_view iso) {
  Result<Date> d = Date::Parse(iso);
  EXPECT_TRUE(d.ok()) << iso;
  return d.ok() ? *d : Date();
}

std::shared_ptr<const BusinessCalendar> Calendar(CalendarConfig config = {}) {
  auto calendar = BusinessCalendar::Create(std::move(config));
  EXPECT_TRUE(calendar.ok()) << calendar.status().ToString();
  return calendar.ok() ? *calendar : nullptr;
}

std::string BusinessDate(const BusinessCalendar& calendar, std::string_view rfc3339) {
  return calendar.BusinessDateOf(T(rfc3339)).ToString();
}

// Defaults: Europe/London, cut-off 17:30. November 2026 is GMT (UTC+0).
TEST(BusinessCalendarTest, BeforeTheCutoffIsTheSameDay) {
  auto cal = Calendar();
  EXPECT_EQ(BusinessDate(*cal, "2026-11-24T00:00:00Z"), "2026-11-24");
  EXPECT_EQ(BusinessDate(*cal, "2026-11-24T09:30:00Z"), "2026-11-24");
  EXPECT_EQ(BusinessDate(*cal, "2026-11-24T17:29:59.999999Z"), "2026-11-24");
}

TEST(BusinessCalendarTest, AtOrAfterTheCutoffIsTheNextBusinessDay) {
  auto cal = Calendar();
  EXPECT_EQ(BusinessDate(*cal, "2026-11-24T17:30:00Z"), "2026-11-25");
  EXPECT_EQ(BusinessDate(*cal, "2026-11-24T23:59:59.999999Z"), "2026-11-25");
  EXPECT_EQ(BusinessDate(*cal, "2026-11-25T00:00:00Z"), "2026-11-25");
}

TEST(BusinessCalendarTest, FridayAfterTheCutoffIsMonday) {
  auto cal = Calendar();
  EXPECT_EQ(BusinessDate(*cal, "2026-11-27T17:29:59Z"), "2026-11-27");
  EXPECT_EQ(BusinessDate(*cal, "2026-11-27T17:30:00Z"), "2026-11-30");
}

TEST(BusinessCalendarTest, WeekendsRollToMonday) {
  auto cal = Calendar();
  EXPECT_EQ(BusinessDate(*cal, "2026-11-28T10:00:00Z"), "2026-11-30");  // Saturday
  EXPECT_EQ(BusinessDate(*cal, "2026-11-28T18:00:00Z"), "2026-11-30");
  EXPECT_EQ(BusinessDate(*cal, "2026-11-29T10:00:00Z"), "2026-11-30");  // Sunday
  EXPECT_EQ(BusinessDate(*cal, "2026-11-29T18:00:00Z"), "2026-11-30");
  EXPECT_EQ(BusinessDate(*cal, "2026-11-30T17:30:00Z"), "2026-12-01");
}

TEST(BusinessCalendarTest, HolidaysRollForward) {
  CalendarConfig config;
  config.holidays = {D("2026-12-25"), D("2026-12-28")};  // Friday and the Monday after
  auto cal = Calendar(config);
  EXPECT_EQ(BusinessDate(*cal, "2026-12-25T10:00:00Z"), "2026-12-29");
  EXPECT_EQ(BusinessDate(*cal, "2026-12-24T12:00:00Z"), "2026-12-24");
  // After the cut-off on the day before a holiday: skip the holiday, the weekend, the holiday.
  EXPECT_EQ(BusinessDate(*cal, "2026-12-24T17:30:00Z"), "2026-12-29");
  EXPECT_EQ(BusinessDate(*cal, "2026-12-28T20:00:00Z"), "2026-12-29");
}

TEST(BusinessCalendarTest, IsBusinessDayAndNextBusinessDay) {
  CalendarConfig config;
  config.holidays = {D("2026-12-25")};
  auto cal = Calendar(config);
  EXPECT_TRUE(cal->IsBusinessDay(D("2026-12-24")));
  EXPECT_FALSE(cal->IsBusinessDay(D("2026-12-25")));
  EXPECT_FALSE(cal->IsBusinessDay(D("2026-12-26")));
  EXPECT_FALSE(cal->IsBusinessDay(D("2026-12-27")));
  EXPECT_TRUE(cal->IsBusinessDay(D("2026-12-28")));
  EXPECT_EQ(cal->NextBusinessDay(D("2026-12-24")), D("2026-12-28"));
  EXPECT_EQ(cal->NextBusinessDay(D("2026-12-28")), D("2026-12-29"));  // strictly after
  EXPECT_EQ(cal->NextBusinessDay(D("2026-12-26")), D("2026-12-28"));
}

// 2026-03-29 (Sunday): London springs forward at 01:00 UTC, from GMT to BST (UTC+1).
TEST(BusinessCalendarTest, SpringForwardInLondon) {
  auto cal = Calendar();
  EXPECT_EQ(cal->CutoffOf(D("2026-03-27")), T("2026-03-27T17:30:00Z"));  // GMT
  EXPECT_EQ(cal->CutoffOf(D("2026-03-29")), T("2026-03-29T16:30:00Z"));  // BST
  // 17:29 and 17:30 local on the change day: a Sunday, so both belong to Monday.
  EXPECT_EQ(BusinessDate(*cal, "2026-03-29T16:29:00Z"), "2026-03-30");
  EXPECT_EQ(BusinessDate(*cal, "2026-03-29T16:30:00Z"), "2026-03-30");
  // The Friday before (GMT) and the Monday after (BST): the cut-off moves by an hour in UTC.
  EXPECT_EQ(BusinessDate(*cal, "2026-03-27T17:29:00Z"), "2026-03-27");
  EXPECT_EQ(BusinessDate(*cal, "2026-03-27T17:30:00Z"), "2026-03-30");
  EXPECT_EQ(BusinessDate(*cal, "2026-03-30T16:29:00Z"), "2026-03-30");
  EXPECT_EQ(BusinessDate(*cal, "2026-03-30T16:30:00Z"), "2026-03-31");
  // 23:30 UTC on Monday is already Tuesday 00:30 local.
  EXPECT_EQ(BusinessDate(*cal, "2026-03-30T23:30:00Z"), "2026-03-31");
}

// 2026-10-25 (Sunday): London falls back at 01:00 UTC, from BST to GMT.
TEST(BusinessCalendarTest, FallBackInLondon) {
  auto cal = Calendar();
  EXPECT_EQ(cal->CutoffOf(D("2026-10-23")), T("2026-10-23T16:30:00Z"));  // BST
  EXPECT_EQ(cal->CutoffOf(D("2026-10-25")), T("2026-10-25T17:30:00Z"));  // GMT
  EXPECT_EQ(BusinessDate(*cal, "2026-10-25T17:29:00Z"), "2026-10-26");
  EXPECT_EQ(BusinessDate(*cal, "2026-10-25T17:30:00Z"), "2026-10-26");
  EXPECT_EQ(BusinessDate(*cal, "2026-10-23T16:29:00Z"), "2026-10-23");
  EXPECT_EQ(BusinessDate(*cal, "2026-10-23T16:30:00Z"), "2026-10-26");
  EXPECT_EQ(BusinessDate(*cal, "2026-10-26T17:29:00Z"), "2026-10-26");
  EXPECT_EQ(BusinessDate(*cal, "2026-10-26T17:30:00Z"), "2026-10-27");
}

TEST(BusinessCalendarTest, CutoffInsideTheSkippedHourIsTheInstantAfterTheGap) {
  CalendarConfig config;
  config.cutoff_minutes = 90;  // 01:30 local does not exist on 2026-03-29 in London
  auto cal = Calendar(config);
  EXPECT_EQ(cal->CutoffOf(D("2026-03-29")), T("2026-03-29T01:00:00Z"));  // 02:00 BST
  EXPECT_EQ(cal->CutoffOf(D("2026-03-28")), T("2026-03-28T01:30:00Z"));
  EXPECT_EQ(cal->CutoffOf(D("2026-03-30")), T("2026-03-30T00:30:00Z"));
}

TEST(BusinessCalendarTest, CutoffInsideTheRepeatedHourIsTheEarliest) {
  CalendarConfig config;
  config.cutoff_minutes = 90;  // 01:30 local happens twice on 2026-10-25 in London
  auto cal = Calendar(config);
  EXPECT_EQ(cal->CutoffOf(D("2026-10-25")), T("2026-10-25T00:30:00Z"));  // 01:30 BST
  EXPECT_EQ(cal->CutoffOf(D("2026-10-26")), T("2026-10-26T01:30:00Z"));
}

TEST(BusinessCalendarTest, BusinessDateAgreesWithCutoffOf) {
  auto cal = Calendar();
  for (std::string_view day : {"2026-03-27", "2026-03-30", "2026-10-23", "2026-10-26", "2026-11-24"}) {
    Date d = D(day);
    Timestamp cutoff = cal->CutoffOf(d);
    EXPECT_EQ(cal->BusinessDateOf(Timestamp::FromMicros(cutoff.micros() - 1)), d) << day;
    EXPECT_EQ(cal->BusinessDateOf(cutoff), cal->NextBusinessDay(d)) << day;
  }
}

TEST(BusinessCalendarTest, NewYork) {
  CalendarConfig config;
  config.time_zone = "America/New_York";
  config.cutoff_minutes = 17 * 60;
  auto cal = Calendar(config);
  // EST (UTC-5) in November, EDT (UTC-4) in July.
  EXPECT_EQ(cal->CutoffOf(D("2026-11-24")), T("2026-11-24T22:00:00Z"));
  EXPECT_EQ(BusinessDate(*cal, "2026-11-24T21:59:59Z"), "2026-11-24");
  EXPECT_EQ(BusinessDate(*cal, "2026-11-24T22:00:00Z"), "2026-11-25");
  EXPECT_EQ(cal->CutoffOf(D("2026-07-15")), T("2026-07-15T21:00:00Z"));
  EXPECT_EQ(BusinessDate(*cal, "2026-07-15T20:59:59Z"), "2026-07-15");
  EXPECT_EQ(BusinessDate(*cal, "2026-07-15T21:00:00Z"), "2026-07-16");
  // Early on Tuesday in UTC is Monday evening in New York: after the cut-off, so Tuesday.
  EXPECT_EQ(BusinessDate(*cal, "2026-11-24T03:00:00Z"), "2026-11-24");
  // Saturday 01:00 UTC is Friday 20:00 local: after the cut-off, so Monday.
  EXPECT_EQ(BusinessDate(*cal, "2026-11-28T01:00:00Z"), "2026-11-30");
  EXPECT_EQ(cal->config().time_zone, "America/New_York");

  // Without a cut-off the local date decides: early Tuesday in UTC is still Monday there.
  config.cutoff_minutes = 24 * 60;
  auto no_cutoff = Calendar(config);
  EXPECT_EQ(BusinessDate(*no_cutoff, "2026-11-24T03:00:00Z"), "2026-11-23");
  EXPECT_EQ(BusinessDate(*no_cutoff, "2026-11-24T05:00:00Z"), "2026-11-24");
}

TEST(BusinessCalendarTest, CutoffAtTheEdgesOfTheDay) {
  CalendarConfig midnight;
  midnight.cutoff_minutes = 0;  // every trade is for the next business day
  auto early = Calendar(midnight);
  EXPECT_EQ(BusinessDate(*early, "2026-11-24T00:00:00Z"), "2026-11-25");
  EXPECT_EQ(early->CutoffOf(D("2026-11-24")), T("2026-11-24T00:00:00Z"));

  CalendarConfig end_of_day;
  end_of_day.cutoff_minutes = 24 * 60;  // no trade is after the cut-off
  auto late = Calendar(end_of_day);
  EXPECT_EQ(BusinessDate(*late, "2026-11-24T23:59:59.999999Z"), "2026-11-24");
  EXPECT_EQ(late->CutoffOf(D("2026-11-24")), T("2026-11-25T00:00:00Z"));
}

TEST(BusinessCalendarTest, RejectsUnknownTimeZone) {
  CalendarConfig config;
  config.time_zone = "Mars/Olympus_Mons";
  auto calendar = BusinessCalendar::Create(config);
  ASSERT_FALSE(calendar.ok());
  EXPECT_EQ(calendar.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(calendar.status().message().find("Mars/Olympus_Mons"), std::string::npos);
  config.time_zone = "";
  EXPECT_FALSE(BusinessCalendar::Create(config).ok());
}

TEST(BusinessCalendarTest, RejectsCutoffOutsideTheDay) {
  for (int minutes : {-1, 24 * 60 + 1}) {
    CalendarConfig config;
    config.cutoff_minutes = minutes;
    auto calendar = BusinessCalendar::Create(config);
    ASSERT_FALSE(calendar.ok()) << minutes;
    EXPECT_EQ(calendar.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace tradeagg::domain
