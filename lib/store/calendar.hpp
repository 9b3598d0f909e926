// The desk's working calendar: weekly hours, dated holidays and extra working days (调休) in
// one IANA zone, and the clocks that count on it (business hours or 24x7).
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/store/settings.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

namespace sdesk {

// A stretch of real time [from, to).
struct Span {
  Time from;  // first instant
  Time to;    // instant after the last
};

// What the calendar says about one local day.
struct DayInfo {
  date::local_days day;         // the day
  bool working = false;         // whether it is worked
  std::string reason;           // weekday, weekend, holiday:<name>, workday:<name>
  std::vector<Interval> hours;  // its working hours (empty when not worked)
};

// Thrown when a clock needs a year that calendar_years does not cover (exit 4).
class CalendarGap : public Error {
 public:
  // Makes the error naming the year.
  explicit CalendarGap(int year);
  // The year that is not covered.
  int year() const { return year_; }

 private:
  int year_;
};

// The calendar of a desk, read from its settings.
class Calendar {
 public:
  // The calendar of these settings (kept by reference: they must outlive it).
  explicit Calendar(const Settings& s) : s_(s) {}
  // The desk's zone.
  Zone zone() const { return s_.zone; }
  // Whether the holidays of a year are known.
  bool covers(int year) const { return s_.calendar_years.count(year) > 0; }
  // What a day is; throws CalendarGap when its year is not covered.
  DayInfo day(date::local_days d) const;
  // The working spans of a day in real time (DST-correct); throws CalendarGap.
  std::vector<Span> working_spans(date::local_days d) const;

 private:
  const Settings& s_;
};

// A clock that counts business hours on a calendar, or every minute (24x7), minus stops.
class Clock {
 public:
  // A business clock on cal when business is true, else a 24x7 clock in cal's zone.
  Clock(const Calendar& cal, bool business) : cal_(cal), business_(business) {}
  // Whether this clock counts only working hours.
  bool business() const { return business_; }
  // The spans of a local day during which this clock runs (before stops); cached per clock.
  const std::vector<Span>& day_spans(date::local_days d) const;
  // The instant a local day starts in the clock's zone.
  Time day_start(date::local_days d) const;
  // Seconds the clock counts in [a, b), leaving out the stops (sorted, non-overlapping).
  std::int64_t seconds(Time a, Time b, const std::vector<Span>& stops = {}) const;
  // Minutes the clock counts in [a, b) (negative when b < a), leaving out the stops.
  std::int64_t minutes(Time a, Time b, const std::vector<Span>& stops = {}) const;
  // The instant at which `secs` counted seconds have passed from start, skipping stops.
  Time advance(Time start, std::int64_t secs, const std::vector<Span>& stops = {}) const;
  // The target's length in seconds from start: Nm/Nh count clock time; on a business clock
  // Nd is N working days later at the same time of day; Nmo is 30 days of 24 h.
  std::int64_t target_seconds(Time start, const Duration& target) const;
  // The same clock time of day N working days after start (start moved into working time first).
  Time add_working_days(Time start, std::int64_t n) const;
  // The spans in [a, b) that count, leaving out stops, for `sla explain`.
  std::vector<Span> counted(Time a, Time b, const std::vector<Span>& stops = {}) const;

 private:
  const Calendar& cal_;
  bool business_;
  mutable std::unordered_map<long, std::vector<Span>> days_;  // day_spans by day number
};

// A year of the holiday-cn data set: {year, days: [{name, date, isOffDay}]}.
struct CalendarYear {
  int year = 0;                                                // the year it covers
  std::vector<std::pair<date::local_days, std::string>> off;   // holidays, with names
  std::vector<std::pair<date::local_days, std::string>> work;  // extra working days
};

// Parses holiday-cn JSON; exit 4 naming the file and the field at fault.
CalendarYear parse_holiday_cn(const std::string& text, const std::string& file);
// desk.yaml text with the years merged into holidays, workdays and calendar_years, every
// other line and comment kept; an imported date replaces what the file said of that date.
std::string merge_calendar(const std::string& desk_yaml, const std::vector<CalendarYear>& years);
// China's calendar for 2024–2026 (holiday-cn, MIT), built into sdesk for `sdesk init`.
std::vector<CalendarYear> builtin_china_calendar();
// A weekday's three-letter name (mon..sun) of a day.
std::string weekday_name(date::local_days d);
// "09:00-12:00" for an interval.
std::string format_interval(const Interval& i);

}  // namespace sdesk
