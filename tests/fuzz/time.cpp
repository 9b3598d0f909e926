// Fuzz target: time and duration parsing (parse_time, parse_day, parse_duration) and what is
// done with their results (formatting, wall minutes, month arithmetic).
// Properties: bad input is refused with sdesk::Error only; a time or duration that parses is
// formatted as text that parses back to the same value; no arithmetic overflows.
#include "lib/util/time.hpp"

#include "tests/fuzz/fuzz.hpp"

using namespace sdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Zone shanghai = find_zone("Asia/Shanghai");
  static const Zone utc = find_zone("UTC");
  static const Zone new_york = find_zone("America/New_York");
  const std::string text = fuzz::text_of(data, size);

  for (Zone z : {shanghai, utc, new_york}) {
    Time t;
    if (!fuzz::accepted([&] { t = parse_time(text, z, "at"); })) continue;
    std::string iso = format_time(t, z);
    Time back;
    bool ok = fuzz::accepted([&] { back = parse_time(iso, utc, "at"); });
    fuzz::check(ok && back == t, "format_time wrote a time that parses to another",
                [&] { return std::string(iso); });
    format_short(t, z);
    format_day(local_day(t, z));
    fuzz::accepted([&] { add_months(t, 12, z); });
  }

  date::local_days d;
  if (fuzz::accepted([&] { d = parse_day(text, "day"); })) {
    std::string s = format_day(d);
    date::local_days back;
    bool ok = fuzz::accepted([&] { back = parse_day(s, "day"); });
    fuzz::check(ok && back == d, "format_day wrote a day that parses to another",
                [&] { return std::string(s); });
  }

  Duration du;
  if (fuzz::accepted([&] { du = parse_duration(text, "duration"); })) {
    std::string s = format_duration(du);
    Duration back;
    bool ok = fuzz::accepted([&] { back = parse_duration(s, "duration"); });
    fuzz::check(ok && back.amount == du.amount && back.unit == du.unit,
                "format_duration wrote a duration that parses to another",
                [&] { return std::string(s); });
    fuzz::check(wall_minutes(du) >= 0, "a duration has negative wall minutes",
                [&] { return std::string(s); });
    if (du.unit == Duration::Unit::months) {
      Time start = parse_time("2026-01-31T09:00:00+08:00", utc, "at");
      fuzz::accepted([&] { add_months(start, static_cast<int>(du.amount), shanghai); });
    }
  }
  return 0;
}
