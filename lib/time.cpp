#include "lib/time.hpp"

#include <cstdlib>
#include <regex>

#include "lib/error.hpp"

namespace sdesk {

using namespace std::chrono;

Zone find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    refuse("desk.yaml: timezone: unknown IANA zone '{}'", name);
  }
}

Time now() {
  if (const char* env = std::getenv("SDESK_NOW"); env && *env) {
    return parse_time(env, date::locate_zone("UTC"), "SDESK_NOW");
  }
  return floor<seconds>(system_clock::now());
}

Time parse_time(std::string_view text, Zone zone, std::string_view what) {
  static const std::regex re(
      R"(^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$)");
  std::cmatch m;
  std::string s(text);
  if (!std::regex_match(s.c_str(), m, re)) {
    usage_error("{}: '{}' is not a time (use 2026-11-23T09:00:00+08:00)", what, text);
  }
  auto num = [&](int i) { return m[i].matched ? std::atoi(m[i].str().c_str()) : 0; };
  date::year_month_day ymd{date::year{num(1)}, date::month(unsigned(num(2))),
                           date::day(unsigned(num(3)))};
  if (!ymd.ok()) usage_error("{}: '{}' is not a valid date", what, text);
  if (num(4) > 23 || num(5) > 59 || num(6) > 60)
    usage_error("{}: '{}' is not a valid time", what, text);
  auto local = date::local_days(ymd) + hours(num(4)) + minutes(num(5)) + seconds(num(6));
  if (!m[7].matched) {
    auto zt = date::make_zoned(zone, local, date::choose::earliest);
    return floor<seconds>(zt.get_sys_time());
  }
  std::string off = m[7].str();
  long offset = 0;
  if (off != "Z") {
    int sign = off[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : off.substr(1))
      if (c != ':') digits += c;
    offset = sign * (std::atoi(digits.substr(0, 2).c_str()) * 3600L +
                     std::atoi(digits.substr(2, 2).c_str()) * 60L);
  }
  return Time{local.time_since_epoch()} - seconds(offset);
}

std::string format_time(Time t, Zone zone) {
  auto zt = date::make_zoned(zone, t);
  auto info = zt.get_info();
  auto local = zt.get_local_time();
  long off = info.offset.count();
  char sign = off < 0 ? '-' : '+';
  off = off < 0 ? -off : off;
  return date::format("%Y-%m-%dT%H:%M:%S", local) +
         fmt::format("{}{:02}:{:02}", sign, off / 3600, (off % 3600) / 60);
}

std::string format_short(Time t, Zone zone) {
  return date::format("%Y-%m-%d %H:%M", date::make_zoned(zone, t).get_local_time());
}

date::local_days local_day(Time t, Zone zone) {
  return floor<date::days>(date::make_zoned(zone, t).get_local_time());
}

std::string format_day(date::local_days d) {
  return date::format("%Y-%m-%d", d);
}

date::local_days parse_day(std::string_view text, std::string_view what) {
  static const std::regex re(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::cmatch m;
  std::string s(text);
  if (!std::regex_match(s.c_str(), m, re))
    usage_error("{}: '{}' is not a date (YYYY-MM-DD)", what, text);
  date::year_month_day ymd{date::year{std::atoi(m[1].str().c_str())},
                           date::month(unsigned(std::atoi(m[2].str().c_str()))),
                           date::day(unsigned(std::atoi(m[3].str().c_str())))};
  if (!ymd.ok()) usage_error("{}: '{}' is not a valid date", what, text);
  return date::local_days(ymd);
}

Duration parse_duration(std::string_view text, std::string_view what) {
  static const std::regex re(R"(^\s*(\d+)\s*(mo|m|h|d)\s*$)");
  std::cmatch m;
  std::string s(text);
  if (!std::regex_match(s.c_str(), m, re))
    refuse("{}: '{}' is not a duration (use Nm, Nh, Nd or Nmo)", what, text);
  Duration d;
  d.amount = std::atoll(m[1].str().c_str());
  std::string u = m[2].str();
  d.unit = u == "m"   ? Duration::Unit::minutes
           : u == "h" ? Duration::Unit::hours
           : u == "d" ? Duration::Unit::days
                      : Duration::Unit::months;
  return d;
}

std::string format_duration(const Duration& d) {
  const char* u = d.unit == Duration::Unit::minutes ? "m"
                  : d.unit == Duration::Unit::hours ? "h"
                  : d.unit == Duration::Unit::days  ? "d"
                                                    : "mo";
  return fmt::format("{}{}", d.amount, u);
}

std::int64_t wall_minutes(const Duration& d) {
  switch (d.unit) {
    case Duration::Unit::minutes:
      return d.amount;
    case Duration::Unit::hours:
      return d.amount * 60;
    case Duration::Unit::days:
      return d.amount * 1440;
    case Duration::Unit::months:
      return d.amount * 30 * 1440;
  }
  return 0;
}

Time add_months(Time t, int months, Zone zone) {
  auto local = date::make_zoned(zone, t).get_local_time();
  auto day = floor<date::days>(local);
  auto tod = local - day;
  date::year_month_day ymd{day};
  auto ym = date::year_month(ymd.year(), ymd.month()) + date::months(months);
  auto last = date::year_month_day_last(ym.year(), date::month_day_last(ym.month())).day();
  auto d = ymd.day() > last ? last : ymd.day();
  auto out = date::local_days(date::year_month_day(ym.year(), ym.month(), d)) + tod;
  return floor<seconds>(date::make_zoned(zone, out, date::choose::earliest).get_sys_time());
}

}  // namespace sdesk
