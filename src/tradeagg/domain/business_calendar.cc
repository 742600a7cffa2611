#include "tradeagg/domain/business_calendar.h"

#include <chrono>
#include <exception>

#include <date/tz.h>

namespace tradeagg::domain {

namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr int kSaturday = 6;  // ISO weekday

using Micros = std::chrono::microseconds;

}  // namespace

Result<std::shared_ptr<const BusinessCalendar>> BusinessCalendar::Create(CalendarConfig config) {
  if (config.cutoff_minutes < 0 || config.cutoff_minutes > kMinutesPerDay) {
    return Status::InvalidArgument("cut-off must be between 00:00 and 24:00 local time");
  }
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(config.time_zone);
  } catch (const std::exception&) {
    // date/tz reports an unknown name (or a missing tz database) by throwing; keep it here.
    return Status::InvalidArgument("unknown time zone '" + config.time_zone + "' (expected an IANA name such as Europe/London)");
  }
  return std::shared_ptr<const BusinessCalendar>(new BusinessCalendar(std::move(config), zone));
}

Date BusinessCalendar::BusinessDateOf(Timestamp t) const {
  date::zoned_time<Micros> zoned{zone_, date::sys_time<Micros>{Micros{t.micros()}}};
  auto local_day = date::floor<date::days>(zoned.get_local_time());
  Date local_date = Date::FromDays(static_cast<int32_t>(local_day.time_since_epoch().count()));
  // Compare instants rather than local times of day: they agree except in the repeated hour
  // when clocks go back, where comparing instants keeps the business date monotonic in time.
  Date d = t >= CutoffOf(local_date) ? local_date + 1 : local_date;
  return IsBusinessDay(d) ? d : NextBusinessDay(d);
}

bool BusinessCalendar::IsBusinessDay(Date d) const {
  return d.iso_weekday() < kSaturday && config_.holidays.count(d) == 0;
}

Date BusinessCalendar::NextBusinessDay(Date d) const {
  // Terminates: holidays are a finite set.
  do {
    d = d + 1;
  } while (!IsBusinessDay(d));
  return d;
}

Date BusinessCalendar::PreviousBusinessDay(Date d) const {
  do {
    d = d - 1;
  } while (!IsBusinessDay(d));
  return d;
}

Timestamp BusinessCalendar::CutoffOf(Date d) const {
  auto local = date::local_days{date::days{d.days()}} + std::chrono::minutes{config_.cutoff_minutes};
  // choose::earliest: in a repeated hour the first occurrence; in a skipped hour date/tz gives
  // the first instant after the gap (the transition itself).
  date::zoned_time<Micros> zoned{zone_, date::local_time<Micros>{local}, date::choose::earliest};
  return Timestamp::FromMicros(zoned.get_sys_time().time_since_epoch().count());
}

}  // namespace tradeagg::domain
