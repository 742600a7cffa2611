#include "tradeagg/core/time.h"

#include <chrono>
#include <cstdio>

#include <date/date.h>

namespace tradeagg {

namespace {

bool ReadDigits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

bool ValidCivil(int y, int m, int d) {
  return date::year_month_day{date::year{y}, date::month{static_cast<unsigned>(m)},
                              date::day{static_cast<unsigned>(d)}}
      .ok();
}

}  // namespace

Timestamp Timestamp::Now() {
  auto now = std::chrono::system_clock::now();
  return Timestamp(std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
}

Result<Timestamp> Timestamp::Parse(std::string_view text, bool allow_naive) {
  const Status bad = Status::InvalidArgument(
      "must be an RFC 3339 timestamp such as 2026-11-24T09:30:00.123456Z");
  int y, mo, d, h, mi, s;
  if (text.size() < 19 || !ReadDigits(text, 0, 4, y) || text[4] != '-' || !ReadDigits(text, 5, 2, mo) ||
      text[7] != '-' || !ReadDigits(text, 8, 2, d) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ReadDigits(text, 11, 2, h) ||
      text[13] != ':' || !ReadDigits(text, 14, 2, mi) || text[16] != ':' || !ReadDigits(text, 17, 2, s)) {
    return bad;
  }
  if (!ValidCivil(y, mo, d) || h > 23 || mi > 59 || s > 59) return bad;
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 6) {
        return Status::InvalidArgument("has more than 6 fractional second digits (microseconds are the resolution)");
      }
      micros = micros * 10 + (text[pos] - '0');
      ++pos;
    }
    if (digits == 0) return bad;
    for (int k = digits; k < 6; ++k) micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos == text.size()) {
    if (!allow_naive) {
      return Status::InvalidArgument("must carry a UTC offset ('Z' or '+HH:MM')");
    }
  } else if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    // UTC
  } else if ((text[pos] == '+' || text[pos] == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
    int oh, om;
    if (!ReadDigits(text, pos + 1, 2, oh) || !ReadDigits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad;
    }
    offset_seconds = (oh * 3600 + om * 60) * (text[pos] == '-' ? -1 : 1);
  } else {
    return bad;
  }
  auto days = date::sys_days{date::year{y} / date::month{static_cast<unsigned>(mo)} /
                             date::day{static_cast<unsigned>(d)}}
                  .time_since_epoch()
                  .count();
  int64_t seconds = int64_t{days} * 86400 + h * 3600 + mi * 60 + s - offset_seconds;
  return Timestamp(seconds * 1'000'000 + micros);
}

std::string Timestamp::ToString() const {
  using namespace std::chrono;
  date::sys_time<microseconds> tp{microseconds{micros_}};
  auto day_point = date::floor<date::days>(tp);
  date::year_month_day ymd{day_point};
  date::hh_mm_ss<microseconds> tod{tp - day_point};
  char buf[40];
  int64_t frac = tod.subseconds().count();
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                  static_cast<int>(tod.seconds().count()), static_cast<long long>(frac));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                  static_cast<int>(tod.seconds().count()));
  }
  return buf;
}

Result<Date> Date::Parse(std::string_view text) {
  int y, m, d;
  if (text.size() != 10 || !ReadDigits(text, 0, 4, y) || text[4] != '-' || !ReadDigits(text, 5, 2, m) ||
      text[7] != '-' || !ReadDigits(text, 8, 2, d) || !ValidCivil(y, m, d)) {
    return Status::InvalidArgument("must be a date in the form YYYY-MM-DD");
  }
  return FromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Date Date::FromCivil(int year, unsigned month, unsigned day) {
  auto days = date::sys_days{date::year{year} / date::month{month} / date::day{day}};
  return Date(static_cast<int32_t>(days.time_since_epoch().count()));
}

std::string Date::ToString() const {
  date::year_month_day ymd{date::sys_days{date::days{days_}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

int Date::year() const { return static_cast<int>(date::year_month_day{date::sys_days{date::days{days_}}}.year()); }
unsigned Date::month() const {
  return static_cast<unsigned>(date::year_month_day{date::sys_days{date::days{days_}}}.month());
}
unsigned Date::day() const {
  return static_cast<unsigned>(date::year_month_day{date::sys_days{date::days{days_}}}.day());
}
unsigned Date::iso_weekday() const {
  return date::weekday{date::sys_days{date::days{days_}}}.iso_encoding();
}

}  // namespace tradeagg
