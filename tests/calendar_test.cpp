// The working calendar and the clocks, called directly: days, spans, DST, working days,
// holiday-cn parsing, merging into desk.yaml, and compute_sla on folded events.
#include "lib/store/calendar.hpp"

#include <doctest/doctest.h>

#include "lib/ticket/sla.hpp"
#include "lib/ticket/ticket.hpp"

using namespace sdesk;

namespace {

// Settings from desk.yaml text.
Settings desk(const std::string& yaml) {
  return load_settings(yaml);
}

// The default desk of `sdesk init` (China, 2024–2026 built in).
Settings china() {
  return load_settings(default_desk_yaml("测试"));
}

Time at(const std::string& iso) {
  return parse_time(iso, date::locate_zone("UTC"), "t");
}

std::string fmt_in(Time t, const Settings& s) {
  return format_time(t, s.zone);
}

// A ticket folded from events, each {at, action, ...}; ids follow the order given.
Ticket ticket(std::vector<Json> events) {
  int n = 0;
  for (auto& e : events) {
    e["id"] = fmt::format("E{:04}", n++);
    if (!e.contains("by")) e["by"] = "l1a";
  }
  return fold_ticket("T-2602-TEST1", events);
}

Json ev(const std::string& at, const std::string& action, Json extra = Json::object()) {
  Json e = extra;
  e["at"] = at;
  e["action"] = action;
  return e;
}

Json new_ev(const std::string& at, const std::string& priority) {
  Json e = Json::object();
  e["title"] = "打印机脱机";
  e["priority"] = priority;
  e["channel"] = "hotline";
  return ev(at, "new", e);
}

}  // namespace

TEST_SUITE("unit/sla") {
  TEST_CASE("calendar: weekdays, weekends, holidays and 调休 working days with mon's hours") {
    Settings s = china();
    Calendar cal(s);
    using date::local_days;
    auto day = [&](const char* d) { return cal.day(parse_day(d, "d")); };
    CHECK(day("2026-03-02").reason == "weekday");
    CHECK(day("2026-03-02").working);
    CHECK(day("2026-03-07").reason == "weekend");
    CHECK_FALSE(day("2026-03-07").working);
    CHECK(day("2026-02-16").reason == "holiday:春节");
    CHECK_FALSE(day("2026-02-16").working);
    DayInfo sat = day("2026-02-14");
    CHECK(sat.working);
    CHECK(sat.reason == "workday:春节");
    REQUIRE(sat.hours.size() == 2);
    CHECK(format_interval(sat.hours[0]) == "09:00-12:00");
    CHECK(format_interval(sat.hours[1]) == "13:30-18:00");
    CHECK(day("2024-10-01").reason == "holiday:国庆节");
    CHECK(weekday_name(parse_day("2026-02-14", "d")) == "sat");
  }

  TEST_CASE("calendar: a year not in calendar_years is an error naming the year") {
    Settings s = china();
    Calendar cal(s);
    try {
      cal.day(parse_day("2027-01-04", "d"));
      FAIL("no error for 2027");
    } catch (const CalendarGap& g) {
      CHECK(g.year() == 2027);
      CHECK(g.code() == Exit::refused);
      CHECK(std::string(g.what()).find("2027") != std::string::npos);
    }
    Clock business(cal, true);
    CHECK_THROWS_AS(business.advance(at("2026-12-31T17:00:00+08:00"), 7200), CalendarGap);
    // A 24x7 clock needs no holidays at all.
    Clock wall(cal, false);
    CHECK(fmt_in(wall.advance(at("2026-12-31T23:00:00+08:00"), 4 * 3600), s) ==
          "2027-01-01T03:00:00+08:00");
  }

  TEST_CASE("business clock: minutes across lunch, nights, the worked Saturday and 春节") {
    Settings s = china();
    Calendar cal(s);
    Clock c(cal, true);
    // Friday before the Spring Festival, 16:00: 2h are left that day.
    Time fri = at("2026-02-13T16:00:00+08:00");
    CHECK(fmt_in(c.advance(fri, 120 * 60), s) == "2026-02-13T18:00:00+08:00");
    CHECK(fmt_in(c.advance(fri, 121 * 60), s) == "2026-02-14T09:01:00+08:00");
    // 16h = 960 min: 120 Fri + 450 Sat (调休) + holidays 15–23 skipped + 390 on Tue 24th.
    CHECK(fmt_in(c.advance(fri, 960 * 60), s) == "2026-02-24T17:00:00+08:00");
    CHECK(c.minutes(fri, at("2026-02-24T17:00:00+08:00")) == 960);
    // Lunch does not count.
    CHECK(c.minutes(at("2026-03-02T11:00:00+08:00"), at("2026-03-02T14:00:00+08:00")) == 90);
    CHECK(c.minutes(at("2026-03-02T14:00:00+08:00"), at("2026-03-02T11:00:00+08:00")) == -90);
    // A stop (customer pause) is skipped.
    std::vector<Span> stops{{at("2026-03-02T11:00:00+08:00"), at("2026-03-02T14:00:00+08:00")}};
    CHECK(fmt_in(c.advance(at("2026-03-02T10:00:00+08:00"), 90 * 60, stops), s) ==
          "2026-03-02T14:30:00+08:00");
    // Nd: the same time of day N working days later.
    CHECK(fmt_in(c.add_working_days(at("2026-02-13T10:00:00+08:00"), 2), s) ==
          "2026-02-24T10:00:00+08:00");
    // Recorded at night: counts from the next working morning.
    CHECK(fmt_in(c.add_working_days(at("2026-03-02T20:00:00+08:00"), 1), s) ==
          "2026-03-04T09:00:00+08:00");
    Duration two_days{2, Duration::Unit::days};
    CHECK(c.target_seconds(at("2026-03-02T10:00:00+08:00"), two_days) == 2 * 450 * 60);
    Clock wall(cal, false);
    CHECK(wall.target_seconds(fri, two_days) == 2 * 86400);
  }

  TEST_CASE("DST: Europe/Berlin working hours across the March change") {
    Settings s = desk(R"(timezone: Europe/Berlin
hours:
  mon: ["09:00-17:00"]
  tue: ["09:00-17:00"]
  wed: ["09:00-17:00"]
  thu: ["09:00-17:00"]
  fri: ["09:00-17:00"]
  sun: ["00:00-06:00"]
calendar_years: [2026]
)");
    Calendar cal(s);
    Clock c(cal, true);
    // Friday 27 March is on CET (+01:00), Monday 30 March on CEST (+02:00).
    auto fri = cal.working_spans(parse_day("2026-03-27", "d"));
    auto mon = cal.working_spans(parse_day("2026-03-30", "d"));
    REQUIRE(fri.size() == 1);
    REQUIRE(mon.size() == 1);
    CHECK(fri[0].from == at("2026-03-27T08:00:00Z"));
    CHECK(mon[0].from == at("2026-03-30T07:00:00Z"));
    // Sunday 00:00-06:00 local is only 5 real hours on the night the clocks go forward.
    CHECK(c.seconds(at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z")) == 5 * 3600);
    // Friday 16:00 + 7h working: 1h Friday, 5h Sunday night, 1h Monday → 10:00 CEST.
    Time due = c.advance(at("2026-03-27T16:00:00+01:00"), 7 * 3600);
    CHECK(fmt_in(due, s) == "2026-03-30T10:00:00+02:00");
    CHECK(due == at("2026-03-30T08:00:00Z"));
    // A 24x7 clock counts real time: midnight to midnight on the change day is 23 h.
    Clock wall(cal, false);
    CHECK(wall.seconds(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z")) == 23 * 3600);
    auto spans = wall.day_spans(parse_day("2026-03-29", "d"));
    CHECK((spans[0].to - spans[0].from).count() == 23 * 3600);
  }

  TEST_CASE("holiday-cn parsing and merging into desk.yaml keep comments and are idempotent") {
    CalendarYear y = parse_holiday_cn(
        R"({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "春节", "date": "2027-02-06", "isOffDay": false}]})",
        "2027.json");
    CHECK(y.year == 2027);
    REQUIRE(y.off.size() == 1);
    CHECK(y.off[0].second == "元旦");
    REQUIRE(y.work.size() == 1);
    CHECK(format_day(y.work[0].first) == "2027-02-06");
    std::string before = default_desk_yaml("测试");
    std::string after = merge_calendar(before, {y});
    CHECK(after.find("# Dated days off and dated extra working days") != std::string::npos);
    CHECK(after.find("timezone: Asia/Shanghai            # IANA name") != std::string::npos);
    CHECK(after.find("calendar_years: [2024, 2025, 2026, 2027]") != std::string::npos);
    CHECK(after.find("# years whose holidays are known") != std::string::npos);
    CHECK(after.find("  - \"2027-01-01 元旦\"") != std::string::npos);
    CHECK(merge_calendar(after, {y}) == after);
    Settings s = load_settings(after);
    CHECK(s.calendar_years.count(2027));
    CHECK(s.workdays.at(parse_day("2027-02-06", "d")) == "春节");
    // A date imported as a working day stops being a holiday, and the other way round.
    CalendarYear flip = y;
    std::swap(flip.off, flip.work);
    Settings f = load_settings(merge_calendar(after, {flip}));
    CHECK(f.holidays.count(parse_day("2027-02-06", "d")));
    CHECK_FALSE(f.workdays.count(parse_day("2027-02-06", "d")));

    auto refused = [](const std::string& text) {
      try {
        parse_holiday_cn(text, "bad.json");
      } catch (const Error& e) {
        CHECK(e.code() == Exit::refused);
        return std::string(e.what());
      }
      return std::string("no error");
    };
    CHECK(refused("{").find("bad.json: not JSON") == 0);
    CHECK(refused(R"({"days": []})") == "bad.json: year: missing or not a whole number");
    CHECK(refused(R"({"year": 2027, "days": [{"date": "2027-13-01", "isOffDay": true}]})") ==
          "bad.json: days[0].date: '2027-13-01' is not YYYY-MM-DD");
    CHECK(refused(R"({"year": 2027, "days": [{"date": "2027-01-01"}]})") ==
          "bad.json: days[0].isOffDay: missing or not true/false");
  }

  TEST_CASE("compute_sla: pauses, reopen, required_by, breach and the same numbers twice") {
    Settings s = china();
    SUBCASE("a customer pause across lunch moves the due time; a vendor wait does not") {
      Ticket t =
          ticket({new_ev("2026-03-02T09:00:00+08:00", "P3"),
                  ev("2026-03-02T09:10:00+08:00", "take"), ev("2026-03-02T09:30:00+08:00", "start"),
                  ev("2026-03-02T11:00:00+08:00", "pending", {{"reason", "customer"}}),
                  ev("2026-03-02T14:00:00+08:00", "resume"),
                  ev("2026-03-02T15:00:00+08:00", "pending", {{"reason", "vendor"}}),
                  ev("2026-03-02T15:30:00+08:00", "resume")});
      SlaState st = compute_sla(t, s, at("2026-03-02T16:00:00+08:00"));
      CHECK(st.clock == "business");
      CHECK(st.paused_minutes == 90);
      CHECK(st.minutes_to_response == 30);
      CHECK(fmt_in(*st.response_due, s) == "2026-03-02T11:00:00+08:00");
      // 960 min from Monday 09:00 is Wednesday 10:00; 90 paused minutes make it 11:30.
      CHECK(fmt_in(*st.resolve_due, s) == "2026-03-04T11:30:00+08:00");
      CHECK(fmt_in(*st.due, s) == "2026-03-04T11:30:00+08:00");
      CHECK(*st.left_minutes == 120 + 450 + 150);
      CHECK_FALSE(st.at_risk);
      SlaState again = compute_sla(t, s, at("2026-03-02T16:00:00+08:00"));
      CHECK(sla_json(again, s.zone) == sla_json(st, s.zone));
      CHECK(again.left_minutes == st.left_minutes);
    }
    SUBCASE("a reopen resumes the resolution clock where it stopped") {
      Ticket t =
          ticket({new_ev("2026-03-02T09:00:00+08:00", "P1"),
                  ev("2026-03-02T09:01:00+08:00", "take"), ev("2026-03-02T09:05:00+08:00", "start"),
                  ev("2026-03-02T10:00:00+08:00", "resolve", {{"solution", "重启"}}),
                  ev("2026-03-02T11:00:00+08:00", "reopen", {{"reason", "又坏了"}}),
                  ev("2026-03-02T11:30:00+08:00", "resolve", {{"solution", "换件"}})});
      SlaState st = compute_sla(t, s, at("2026-03-02T20:00:00+08:00"));
      CHECK(st.clock == "24x7");
      CHECK(st.minutes_to_resolve == 90);
      CHECK(fmt_in(*st.resolve_due, s) == "2026-03-02T14:00:00+08:00");
      CHECK_FALSE(st.resolve_breached);
      CHECK_FALSE(st.due);
    }
    SUBCASE("required_by earlier than the target is the resolution due time") {
      Json n = new_ev("2026-03-02T09:00:00+08:00", "P3");
      n["required_by"] = "2026-03-02T17:00:00+08:00";
      Ticket t = ticket({n});
      SlaState st = compute_sla(t, s, at("2026-03-02T17:30:00+08:00"));
      CHECK(fmt_in(*st.resolve_due, s) == "2026-03-02T17:00:00+08:00");
      CHECK(st.due_from_required_by);
      CHECK(st.resolve_breached);
      CHECK(st.response_breached);
      CHECK(*st.left_minutes == -300);  // the response was due at 11:00: 60 + 240 working min
    }
    SUBCASE("no calendar for the year: null dues and a warning naming it") {
      Ticket t = ticket({new_ev("2027-01-04T10:00:00+08:00", "P3")});
      SlaState st = compute_sla(t, s, at("2027-01-04T10:30:00+08:00"));
      CHECK_FALSE(st.response_due);
      CHECK_FALSE(st.resolve_due);
      CHECK_FALSE(st.response_breached);
      REQUIRE(st.warnings.size() == 1);
      CHECK(st.warnings[0].find("2027") != std::string::npos);
    }
  }
}
