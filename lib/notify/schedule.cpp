#include "lib/notify/schedule.hpp"

#include <set>

#include "lib/ticket/scan.hpp"
#include "lib/ticket/templates.hpp"
#include "lib/ticket/tickets.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

namespace {

constexpr int kCatchUpDays = 7;  // occurrences missed longer ago than this are not made

const std::vector<std::string>& weekdays() {
  static const std::vector<std::string> v = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  return v;
}

int minute_of(const std::string& at) {
  bool ok = at.size() == 5 && at[2] == ':' && isdigit(at[0]) && isdigit(at[1]) && isdigit(at[3]) &&
            isdigit(at[4]);
  int m = ok ? std::stoi(at.substr(0, 2)) * 60 + std::stoi(at.substr(3)) : -1;
  if (!ok || std::stoi(at.substr(0, 2)) > 23 || std::stoi(at.substr(3)) > 59)
    refuse("--at: '{}' is not HH:MM", at);
  return m;
}

void check_every(const std::string& every) {
  if (every == "daily") return;
  if (every.rfind("weekly:", 0) == 0) {
    std::string d = every.substr(7);
    if (std::find(weekdays().begin(), weekdays().end(), d) != weekdays().end()) return;
  }
  if (every.rfind("monthly:", 0) == 0) {
    std::string d = every.substr(8);
    if (!d.empty() && d.size() <= 2 && std::all_of(d.begin(), d.end(), ::isdigit) &&
        std::stoi(d) >= 1 && std::stoi(d) <= 28)
      return;
  }
  refuse("--every: '{}' is not daily, weekly:<mon..sun> or monthly:<1..28>", every);
}

// The first working day on or after d, or nullopt when the calendar does not say.
std::optional<date::local_days> working_from(const Calendar& cal, date::local_days d) {
  try {
    for (int i = 0; i < 60; ++i, d += date::days(1))
      if (cal.day(d).working) return d;
  } catch (const CalendarGap&) {
  }
  return std::nullopt;
}

Schedule from_doc(const Json& doc, const std::string& name) {
  Schedule s;
  s.name = name;
  s.every = doc.value("every", "");
  s.at = doc.value("at", "");
  s.template_name = doc.value("template", "");
  s.created_at = doc.value("created_at", "");
  s.created_by = doc.value("created_by", "");
  return s;
}

// The key a ticket's `new` event carries for the occurrence it was made for.
std::string occurrence_key(const Schedule& s, date::local_days nominal) {
  return s.name + "@" + format_day(nominal);
}

}  // namespace

std::string schedule_path(const std::string& name) {
  return "schedules/" + name + ".yaml";
}

Schedule add_schedule(Desk& desk, const std::string& name, const std::string& every,
                      const std::string& at, const std::string& template_name) {
  const Staff& op = desk.op();
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      }))
    refuse("schedule name '{}': use letters, digits, '-' and '_'", name);
  check_every(every);
  minute_of(at);
  load_template(desk, template_name);  // exit 3 when it does not exist
  return desk.write([&] {
    std::string path = schedule_path(name);
    if (desk.read(path)) refuse("schedule {} exists ({})", name, path);
    Json doc = Json::object();
    doc["name"] = name;
    doc["every"] = every;
    doc["at"] = at;
    doc["template"] = template_name;
    doc["created_at"] = desk.stamp(desk.now());
    doc["created_by"] = op.id;
    desk.commit({{path, emit_yaml(doc)}}, name, "schedule",
                fmt::format("{} at {} from template {}", every, at, template_name));
    return from_doc(doc, name);
  });
}

std::vector<Schedule> list_schedules(const Desk& desk) {
  std::vector<Schedule> out;
  desk.walk("schedules", [&](const std::string& path, const git_oid& id) {
    if (path.size() < 6 || path.compare(path.size() - 5, 5, ".yaml") != 0) return;
    std::string stem = path.substr(10, path.size() - 15);
    Schedule sch = from_doc(parse_yaml(desk.blob(id), path).doc, stem);
    try {
      check_every(sch.every);
      minute_of(sch.at);
    } catch (const Error& e) {
      refuse("{}: {}", path, e.what());  // a hand edit that no sweep can follow
    }
    out.push_back(std::move(sch));
  });
  return out;
}

std::vector<Occurrence> occurrences(const Schedule& s, const Calendar& cal, date::local_days from,
                                    date::local_days to) {
  std::vector<Occurrence> out;
  for (date::local_days d = from; d <= to; d += date::days(1)) {
    date::year_month_day ymd(d);
    if (s.every == "daily") {
      try {
        if (cal.day(d).working) out.push_back({d, d});
      } catch (const CalendarGap&) {
      }
      continue;
    }
    date::local_days next;
    if (s.every.rfind("weekly:", 0) == 0) {
      if (weekday_name(d) != s.every.substr(7)) continue;
      next = d + date::days(7);
    } else {
      if (static_cast<unsigned>(ymd.day()) != static_cast<unsigned>(std::stoi(s.every.substr(8))))
        continue;
      next = date::local_days(ymd + date::months(1));
    }
    auto day = working_from(cal, d);
    if (day && *day < next) out.push_back({d, *day});
  }
  return out;
}

std::vector<Ticket> run_schedules(Desk& desk) {
  std::vector<Schedule> all = list_schedules(desk);
  if (all.empty()) return {};
  Calendar cal(desk.settings());
  Time now = desk.now();
  date::local_days today = local_day(now, desk.zone());
  // What is due now and not made yet.
  std::vector<std::pair<Schedule, Occurrence>> due;
  std::set<std::string> made;
  bool scanned = false;
  for (const auto& s : all) {
    Time since = s.created_at.empty() ? now : desk.parse(s.created_at, "created_at");
    date::local_days from =
        std::max(local_day(since, desk.zone()), today - date::days(kCatchUpDays + 31));
    for (const auto& o : occurrences(s, cal, from, today)) {
      Time at = std::chrono::time_point_cast<std::chrono::seconds>(
          desk.zone()->to_sys(date::local_seconds(o.day) + std::chrono::minutes(minute_of(s.at)),
                              date::choose::earliest));
      if (at > now || at < since || now - at > date::days(kCatchUpDays)) continue;
      if (!scanned) {
        for (const auto& t : all_tickets(desk))
          if (!t.events.empty() && t.events.front().contains("schedule"))
            made.insert(t.events.front().value("schedule", ""));
        scanned = true;
      }
      if (!made.count(occurrence_key(s, o.nominal))) due.push_back({s, o});
    }
  }
  std::vector<Ticket> out;
  bool named = desk.operator_named();
  for (const auto& [s, o] : due) {
    // Made by the operator when one is named, else by whoever added the schedule, else a PM.
    if (!named) {
      std::string by = s.created_by;
      auto it = desk.staff().find(by);
      if (it == desk.staff().end() || !it->second.active) {
        by.clear();
        for (const auto& [id, st] : desk.staff())
          if (by.empty() && st.active && st.role == "pm") by = id;
      }
      if (by.empty()) refuse("schedule {}: nobody active to record its tickets", s.name);
      desk.act_as(by);
    }
    Intake given;
    given.extra["schedule"] = occurrence_key(s, o.nominal);
    TicketTemplate tpl = load_template(desk, s.template_name);
    Intake in = apply_template(desk, tpl, given);
    if (in.title.empty()) in.title = s.name;
    in.title += " " + format_day(o.nominal);
    out.push_back(create_ticket(desk, in));
  }
  return out;
}

}  // namespace sdesk
