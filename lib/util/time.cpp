#include "lib/util/time.hpp"

#include <cctype>
#include <cstdlib>
#include <optional>
#include <regex>

#include "lib/util/error.hpp"

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

Time system_now() {
  return floor<seconds>(system_clock::now());
}

namespace {

// The pieces of YYYY-MM-DD[(T| )HH:MM[:SS][.fraction]][ ][Z|(+|-)HH[:]MM], or nullopt.
struct IsoParts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::optional<long> offset;  // seconds east of UTC, when the text gives one
};

std::optional<IsoParts> iso_parts(std::string_view t) {
  auto digit = [&](size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  auto num = [&](size_t at, size_t n, int& out) {
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      if (!digit(at + k)) return false;
      v = v * 10 + (t[at + k] - '0');
    }
    out = v;
    return true;
  };
  auto is = [&](size_t i, char c) { return i < t.size() && t[i] == c; };
  IsoParts p;
  if (!num(0, 4, p.year) || !is(4, '-') || !num(5, 2, p.month) || !is(7, '-') || !num(8, 2, p.day))
    return std::nullopt;
  size_t i = 10;
  if ((is(i, 'T') || is(i, ' ')) && digit(i + 1)) {
    if (!num(i + 1, 2, p.hour) || !is(i + 3, ':') || !num(i + 4, 2, p.minute)) return std::nullopt;
    i += 6;
    if (is(i, ':')) {
      if (!num(i + 1, 2, p.second)) return std::nullopt;
      i += 3;
    }
    if (is(i, '.')) {
      if (!digit(++i)) return std::nullopt;
      while (digit(i)) ++i;
    }
  }
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  if (is(i, 'Z')) {
    p.offset = 0;
    ++i;
  } else if (is(i, '+') || is(i, '-')) {
    int hh = 0, mm = 0;
    long sign = t[i] == '-' ? -1 : 1;
    size_t j = i + 3;
    if (is(j, ':')) ++j;
    if (!num(i + 1, 2, hh) || !num(j, 2, mm)) return std::nullopt;
    p.offset = sign * (hh * 3600L + mm * 60L);
    i = j + 2;
  }
  if (i != t.size()) return std::nullopt;
  return p;
}

}  // namespace

Time parse_time(std::string_view text, Zone zone, std::string_view what) {
  auto p = iso_parts(text);
  if (!p) usage_error("{}: '{}' is not a time (use 2026-11-23T09:00:00+08:00)", what, text);
  date::year_month_day ymd{date::year{p->year}, date::month(unsigned(p->month)),
                           date::day(unsigned(p->day))};
  if (!ymd.ok()) usage_error("{}: '{}' is not a valid date", what, text);
  if (p->hour > 23 || p->minute > 59 || p->second > 60)
    usage_error("{}: '{}' is not a valid time", what, text);
  auto local = date::local_days(ymd) + hours(p->hour) + minutes(p->minute) + seconds(p->second);
  if (!p->offset) {
    auto zt = date::make_zoned(zone, local, date::choose::earliest);
    return floor<seconds>(zt.get_sys_time());
  }
  return Time{local.time_since_epoch()} - seconds(*p->offset);
}

namespace {

// The day word of `today HH:MM` and its kin: 0 for today, 1 for tomorrow, else nullopt.
std::optional<int> day_word(std::string_view w) {
  if (w == "today" || w == "Today" || w == "TODAY" || w == "今天") return 0;
  if (w == "tomorrow" || w == "Tomorrow" || w == "TOMORROW" || w == "明天") return 1;
  return std::nullopt;
}

// Splits `WORD HH:MM` (one or more spaces, or none after a Chinese word) into its two parts.
std::optional<std::pair<std::string_view, std::string_view>> word_and_clock(std::string_view t) {
  size_t sp = t.find(' ');
  if (sp == std::string_view::npos) {
    for (std::string_view w : {"今天", "明天"})
      if (t.substr(0, w.size()) == w) return std::pair{t.substr(0, w.size()), t.substr(w.size())};
    return std::nullopt;
  }
  std::string_view rest = t.substr(sp);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return std::pair{t.substr(0, sp), rest};
}

}  // namespace

Time parse_when(std::string_view text, Zone zone, Time now, std::string_view what) {
  if (!text.empty() && text.front() == '+') {
    std::string_view n = text.substr(1);
    long long amount = 0;
    size_t i = 0;
    while (i < n.size() && std::isdigit(static_cast<unsigned char>(n[i])) && amount < 1000000)
      amount = amount * 10 + (n[i++] - '0');
    std::string_view unit = n.substr(i);
    if (i == 0 || (unit != "m" && unit != "h" && unit != "d"))
      usage_error("{}: '{}' is not a relative time (use +30m, +2h or +3d)", what, text);
    long long mins = unit == "m" ? amount : unit == "h" ? amount * 60 : amount * 24 * 60;
    return now + minutes(mins);
  }
  auto parts = word_and_clock(text);
  if (parts && day_word(parts->first)) {
    std::string_view c = parts->second;
    int h = -1, m = -1;
    if (c.size() == 5 && c[2] == ':' && std::isdigit(static_cast<unsigned char>(c[0])) &&
        std::isdigit(static_cast<unsigned char>(c[1])) &&
        std::isdigit(static_cast<unsigned char>(c[3])) &&
        std::isdigit(static_cast<unsigned char>(c[4]))) {
      h = (c[0] - '0') * 10 + (c[1] - '0');
      m = (c[3] - '0') * 10 + (c[4] - '0');
    }
    if (h < 0 || h > 23 || m < 0 || m > 59)
      usage_error("{}: '{}' is not a time (use {} HH:MM)", what, text, parts->first);
    auto day = local_day(now, zone) + date::days(*day_word(parts->first));
    auto zt = date::make_zoned(zone, day + hours(h) + minutes(m), date::choose::earliest);
    return floor<seconds>(zt.get_sys_time());
  }
  return parse_time(text, zone, what);
}

std::string format_time(Time t, Zone zone) {
  auto zt = date::make_zoned(zone, t);
  auto info = zt.get_info();
  auto local = zt.get_local_time();
  long off = info.offset.count();
  // An offset with seconds (local mean time before 1901 in Asia/Shanghai: +08:05:43) cannot be
  // written in ISO 8601: such an instant is written in UTC, so that it reads back the same.
  if (off % 60 != 0) return date::format("%Y-%m-%dT%H:%M:%SZ", t);
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
  if (m[1].length() > 6)
    refuse("{}: '{}' is too long a duration (at most 999999 of a unit)", what, text);
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
