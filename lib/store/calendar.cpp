#include "lib/store/calendar.hpp"

#include <algorithm>
#include <sstream>

#include "lib/util/text.hpp"

namespace sdesk {

using namespace std::chrono;

namespace {

const char* kWeekdays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
// A guard against walking forever on a calendar with no working time at all.
constexpr int kMaxDays = 366 * 20;

Time at_local(Zone z, date::local_days d, int minute) {
  auto local = date::local_seconds(d) + minutes(minute);
  return floor<seconds>(date::make_zoned(z, local, date::choose::earliest).get_sys_time());
}

int year_of(date::local_days d) {
  return int(date::year_month_day(d).year());
}

// The parts of `piece` not covered by the sorted, non-overlapping stops.
void subtract(Span piece, const std::vector<Span>& stops, std::vector<Span>& out) {
  for (const auto& s : stops) {
    if (s.to <= piece.from) continue;
    if (s.from >= piece.to) break;
    if (s.from > piece.from) out.push_back({piece.from, s.from});
    piece.from = std::max(piece.from, s.to);
    if (piece.from >= piece.to) return;
  }
  if (piece.from < piece.to) out.push_back(piece);
}

// A top-level key's trailing comment ("# ...") on its line in a YAML text, or "", and the
// column after the key's colon where it starts.
std::pair<std::string, size_t> comment_at(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.rfind(key + ":", 0) != 0) continue;
    char quote = 0;
    for (size_t i = key.size() + 1; i < l.size(); ++i) {
      char c = l[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (l[i - 1] == ' ' || l[i - 1] == '\t')) {
        return {l.substr(i), i - key.size() - 1};
      }
    }
    return {"", 0};
  }
  return {"", 0};
}

std::string inline_comment(const std::string& text, const std::string& key) {
  return comment_at(text, key).first;
}

std::string block_list(const std::map<date::local_days, std::string>& days,
                       const std::string& comment) {
  if (days.empty()) return " []" + (comment.empty() ? "" : "  " + comment);
  std::string out = comment.empty() ? "" : "  " + comment;
  for (const auto& [d, name] : days) {
    std::string item = format_day(d) + (name.empty() ? "" : " " + name);
    out += "\n  - " + Json(item).dump();
  }
  return out;
}

}  // namespace

CalendarGap::CalendarGap(int year)
    : Error(Exit::refused,
            fmt::format("no calendar for {}: desk.yaml calendar_years does not list it", year),
            fmt::format("import {}'s holidays and working days with `sdesk calendar import FILE`",
                        year)),
      year_(year) {}

std::string weekday_name(date::local_days d) {
  return kWeekdays[date::weekday(d).iso_encoding() - 1];
}

std::string format_interval(const Interval& i) {
  return fmt::format("{:02}:{:02}-{:02}:{:02}", i.from / 60, i.from % 60, i.to / 60, i.to % 60);
}

DayInfo Calendar::day(date::local_days d) const {
  int year = year_of(d);
  if (!covers(year)) throw CalendarGap(year);
  DayInfo info{d, false, "", {}};
  if (auto h = s_.holidays.find(d); h != s_.holidays.end()) {
    info.reason = h->second.empty() ? "holiday" : "holiday:" + h->second;
    return info;
  }
  if (auto w = s_.workdays.find(d); w != s_.workdays.end()) {
    info.reason = w->second.empty() ? "workday" : "workday:" + w->second;
    info.hours = s_.hours[0];
    info.working = !info.hours.empty();
    return info;
  }
  info.hours = s_.hours[date::weekday(d).iso_encoding() - 1];
  info.working = !info.hours.empty();
  info.reason = info.working ? "weekday" : "weekend";
  return info;
}

namespace {
// Local minutes of day d to instants: one zone lookup when the offset holds all day (no DST
// change that day), else each time on its own.
struct DayClock {
  DayClock(Zone z, date::local_days d) : z_(z), d_(d) {
    auto info = z->get_info(date::local_seconds(d));
    if (info.result == date::local_info::unique) {
      Time start{(date::local_seconds(d) - info.first.offset).time_since_epoch()};
      if (info.first.begin <= start && info.first.end >= start + date::days(1)) {
        fixed_ = true;
        start_ = start;
      }
    }
  }
  Time at(int minute) const {
    if (fixed_) return start_ + minutes(minute);
    return at_local(z_, d_, minute);
  }

 private:
  Zone z_;
  date::local_days d_;
  bool fixed_ = false;
  Time start_;
};
}  // namespace

std::vector<Span> Calendar::working_spans(date::local_days d) const {
  std::vector<Span> out;
  DayClock c(s_.zone, d);
  for (const auto& i : day(d).hours) {
    Span s{c.at(i.from), c.at(i.to)};
    if (s.from < s.to) out.push_back(s);
  }
  return out;
}

const std::vector<Span>& Clock::day_spans(date::local_days d) const {
  long key = d.time_since_epoch().count();
  if (auto it = days_.find(key); it != days_.end()) return it->second;
  std::vector<Span> spans;
  if (business_) {
    spans = cal_.working_spans(d);
  } else {
    DayClock c(cal_.zone(), d);
    spans = {{c.at(0), c.at(24 * 60)}};
  }
  return days_.emplace(key, std::move(spans)).first->second;
}

Time Clock::day_start(date::local_days d) const {
  return at_local(cal_.zone(), d, 0);
}

std::vector<Span> Clock::counted(Time a, Time b, const std::vector<Span>& stops) const {
  std::vector<Span> out;
  if (b <= a) return out;
  if (!business_) {
    subtract({a, b}, stops, out);
    return out;
  }
  for (auto d = local_day(a, cal_.zone()); d <= local_day(b, cal_.zone()); d += date::days(1))
    for (const auto& s : day_spans(d)) {
      Span piece{std::max(s.from, a), std::min(s.to, b)};
      if (piece.from < piece.to) subtract(piece, stops, out);
    }
  return out;
}

std::int64_t Clock::seconds(Time a, Time b, const std::vector<Span>& stops) const {
  std::int64_t n = 0;
  for (const auto& s : counted(a, b, stops)) n += (s.to - s.from).count();
  return n;
}

std::int64_t Clock::minutes(Time a, Time b, const std::vector<Span>& stops) const {
  if (b < a) return -(seconds(b, a, stops) / 60);
  return seconds(a, b, stops) / 60;
}

Time Clock::advance(Time start, std::int64_t secs, const std::vector<Span>& stops) const {
  if (secs <= 0) return start;
  std::int64_t left = secs;
  auto d = local_day(start, cal_.zone());
  for (int i = 0; i < kMaxDays; ++i, d += date::days(1)) {
    std::vector<Span> pieces;
    for (const auto& s : day_spans(d)) {
      Span piece{std::max(s.from, start), s.to};
      if (piece.from < piece.to) subtract(piece, stops, pieces);
    }
    for (const auto& p : pieces) {
      std::int64_t len = (p.to - p.from).count();
      if (len >= left) return p.from + std::chrono::seconds(left);
      left -= len;
    }
  }
  refuse("the desk calendar has no working time for {} days after {}", kMaxDays,
         format_time(start, cal_.zone()));
}

Time Clock::add_working_days(Time start, std::int64_t n) const {
  Zone z = cal_.zone();
  // Move into working time first: a ticket recorded at night counts from the next morning.
  Time s = start;
  auto d = local_day(start, z);
  bool found = false;
  for (int i = 0; i < kMaxDays && !found; ++i, d += date::days(1))
    for (const auto& span : day_spans(d))
      if (span.to > start) {
        s = std::max(span.from, start);
        found = true;
        break;
      }
  if (!found) refuse("the desk calendar has no working time after {}", format_time(start, z));
  auto local = date::make_zoned(z, s).get_local_time();
  auto day0 = floor<date::days>(local);
  auto tod = local - day0;
  auto day = day0;
  for (std::int64_t count = 0, i = 0; count < n; ++i) {
    if (i > kMaxDays)
      refuse("the desk calendar has too few working days after {}", format_day(day0));
    day += date::days(1);
    if (!business_ || cal_.day(day).working) ++count;
  }
  return floor<std::chrono::seconds>(
      date::make_zoned(z, day + tod, date::choose::earliest).get_sys_time());
}

std::int64_t Clock::target_seconds(Time start, const Duration& t) const {
  switch (t.unit) {
    case Duration::Unit::minutes:
      return t.amount * 60;
    case Duration::Unit::hours:
      return t.amount * 3600;
    case Duration::Unit::days:
      if (!business_) return t.amount * 86400;
      return seconds(start, add_working_days(start, t.amount));
    case Duration::Unit::months:
      return seconds(start, add_months(start, int(t.amount), cal_.zone()));
  }
  return 0;
}

CalendarYear parse_holiday_cn(const std::string& text, const std::string& file) {
  if (int bad = invalid_utf8_line(text)) refuse("{}:{}: not valid UTF-8", file, bad);
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const std::exception& e) {
    refuse("{}: not JSON: {}", file, e.what());
  }
  if (!doc.is_object()) refuse("{}: expected an object {{year, days}}", file);
  if (!doc.contains("year") || !doc["year"].is_number_integer())
    refuse("{}: year: missing or not a whole number", file);
  CalendarYear y;
  y.year = doc["year"].get<int>();
  if (y.year < 1970 || y.year > 9999) refuse("{}: year: {} is out of range", file, y.year);
  if (!doc.contains("days") || !doc["days"].is_array())
    refuse("{}: days: missing or not a list", file);
  size_t i = 0;
  for (const auto& d : doc["days"]) {
    std::string where = fmt::format("{}: days[{}]", file, i++);
    if (!d.is_object()) refuse("{}: expected {{name, date, isOffDay}}", where);
    if (!d.contains("date") || !d["date"].is_string()) refuse("{}.date: missing", where);
    if (!d.contains("isOffDay") || !d["isOffDay"].is_boolean())
      refuse("{}.isOffDay: missing or not true/false", where);
    std::string name =
        d.contains("name") && d["name"].is_string() ? d["name"].get<std::string>() : "";
    if (name.find_first_of("\n\r") != std::string::npos) refuse("{}.name: has a line break", where);
    check_text(name, where + ".name", true);
    date::local_days day;
    try {
      day = parse_day(d["date"].get<std::string>(), "date");
    } catch (const Error&) {
      refuse("{}.date: '{}' is not YYYY-MM-DD", where, d["date"].get<std::string>());
    }
    (d["isOffDay"].get<bool>() ? y.off : y.work).push_back({day, name});
  }
  return y;
}

std::string merge_calendar(const std::string& desk_yaml, const std::vector<CalendarYear>& years) {
  Settings s = load_settings(desk_yaml);
  for (const auto& y : years) {
    for (const auto& [d, name] : y.off) {
      s.holidays[d] = name;
      s.workdays.erase(d);
    }
    for (const auto& [d, name] : y.work) {
      s.workdays[d] = name;
      s.holidays.erase(d);
    }
    s.calendar_years.insert(y.year);
  }
  std::string out = desk_yaml;
  out = set_top_level_key(out, "holidays",
                          block_list(s.holidays, inline_comment(desk_yaml, "holidays")));
  out = set_top_level_key(out, "workdays",
                          block_list(s.workdays, inline_comment(desk_yaml, "workdays")));
  std::string list;
  for (int y : s.calendar_years) list += (list.empty() ? "" : ", ") + std::to_string(y);
  std::string value = " [" + list + "]";
  if (auto [c, col] = comment_at(desk_yaml, "calendar_years"); !c.empty()) {
    // Keep the comment in its column when the list still fits before it.
    value += std::string(value.size() + 2 <= col ? col - value.size() : 2, ' ') + c;
  }
  out = set_top_level_key(out, "calendar_years", value);
  load_settings(out);  // what is written must load
  return out;
}

}  // namespace sdesk
