// Instants, the desk's time zone, the one clock (SDESK_NOW) and contract durations.
#pragma once
#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sdesk {

// An instant, to the second.
using Time = std::chrono::sys_seconds;
// A zone from the IANA database.
using Zone = const date::time_zone*;

// Looks up an IANA zone name; throws exit 4 naming the name when unknown.
Zone find_zone(const std::string& name);
// The current instant: SDESK_NOW when set (ISO 8601 with offset), else the system clock.
Time now();
// The system clock, whatever SDESK_NOW says (the committer time of every commit).
Time system_now();
// Parses ISO 8601 ("2026-11-23T09:00:00+08:00", "...Z", "2026-11-23 09:00", "2026-11-23");
// a time without offset is read in zone; throws exit 2 naming what when it does not parse.
Time parse_time(std::string_view text, Zone zone, std::string_view what);
// Parses a time an operator typed: what parse_time reads, or a time relative to `now`: `+Nm`,
// `+Nh`, `+Nd` (on the wall clock), `today HH:MM`, `tomorrow HH:MM`, `今天 HH:MM`, `明天 HH:MM`
// (in zone); throws exit 2 naming what when it does not parse.
Time parse_when(std::string_view text, Zone zone, Time now, std::string_view what);
// Formats an instant in zone as ISO 8601 with offset, e.g. 2026-11-23T09:00:00+08:00.
std::string format_time(Time t, Zone zone);
// Formats an instant in zone as "2026-11-23 09:00" for tables.
std::string format_short(Time t, Zone zone);
// The local calendar day of an instant in zone.
date::local_days local_day(Time t, Zone zone);
// Formats a day as YYYY-MM-DD.
std::string format_day(date::local_days d);
// Parses YYYY-MM-DD; throws exit 2 naming what when it does not parse.
date::local_days parse_day(std::string_view text, std::string_view what);

// A duration of the contract: Nm, Nh, Nd or Nmo.
struct Duration {
  // The unit a duration is written in.
  enum class Unit { minutes, hours, days, months };
  std::int64_t amount = 0;  // how many units
  Unit unit = Unit::minutes;
};
// Parses "15m", "4h", "3d", "12mo"; throws exit 4 naming what when it does not parse.
Duration parse_duration(std::string_view text, std::string_view what);
// Writes a duration back as text ("15m").
std::string format_duration(const Duration& d);
// The duration in minutes on a 24x7 clock (days are 24 h, months are 30 days).
std::int64_t wall_minutes(const Duration& d);
// Adds whole calendar months to an instant in zone (for review dates).
Time add_months(Time t, int months, Zone zone);

}  // namespace sdesk
