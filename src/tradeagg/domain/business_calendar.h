// BusinessCalendar: which business date a trade belongs to.
//
// The business date is derived from the trade time, never trusted from the client: the trade
// time is converted to the venue's time zone (IANA name, DST-aware through date/tz); a trade at
// or after the daily cut-off belongs to the next business day; a trade on a weekend or holiday
// belongs to the next business day after it. Defaults: Europe/London, 17:30, no holidays.
// Thread safety: immutable after Create; safe to share.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"

namespace date { class time_zone; }

namespace tradeagg::domain {

struct CalendarConfig {
  std::string time_zone = "Europe/London";
  int cutoff_minutes = 17 * 60 + 30;  // minutes after local midnight
  std::set<Date> holidays;
};

class BusinessCalendar {
 public:
  // Fails with kInvalidArgument on an unknown time zone or a cut-off outside [0, 1440].
  static Result<std::shared_ptr<const BusinessCalendar>> Create(CalendarConfig config);

  Date BusinessDateOf(Timestamp t) const;
  // The business date now, by the same rule (what "today" means for /v1/positions).
  Date CurrentBusinessDate() const { return BusinessDateOf(Timestamp::Now()); }
  bool IsBusinessDay(Date d) const;
  Date NextBusinessDay(Date d) const;  // strictly after d
  Date PreviousBusinessDay(Date d) const;  // strictly before d
  // The instant of the cut-off on business date d (local cut-off time in the venue's zone).
  Timestamp CutoffOf(Date d) const;
  const CalendarConfig& config() const { return config_; }

 private:
  BusinessCalendar(CalendarConfig config, const date::time_zone* zone)
      : config_(std::move(config)), zone_(zone) {}
  CalendarConfig config_;
  const date::time_zone* zone_;
};

}  // namespace tradeagg::domain
