// SLA clocks and the desk calendar: sla, sla explain, calendar check|show|import.
#include "lib/ticket/sla.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "lib/store/calendar.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/ticket/tickets.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

namespace {

struct SlaOptions {
  bool at_risk = false;
  bool breached = false;
};

// Clock minutes as "3h05m", "45m" or "-1h20m".
std::string span_text(std::int64_t m) {
  std::string sign = m < 0 ? "-" : "";
  m = m < 0 ? -m : m;
  if (m < 60) return fmt::format("{}{}m", sign, m);
  return fmt::format("{}{}h{:02}m", sign, m / 60, m % 60);
}

Json opt_time(const std::optional<Time>& t, Zone z) {
  return t ? Json(format_time(*t, z)) : Json();
}

Json opt_num(const std::optional<std::int64_t>& n) {
  return n ? Json(*n) : Json();
}

void warn_all(const SlaState& st) {
  for (const auto& w : st.warnings) warn(w);
}

void run_sla(const Globals& g, const SlaOptions& o) {
  Format f = output_format(g, {Format::table, Format::json, Format::csv, Format::md});
  Desk desk = open_desk(g);
  Zone z = desk.zone();
  struct Row {
    Ticket t;
    SlaState st;
  };
  std::vector<Row> rows;
  for (auto& t : open_tickets(desk)) {
    SlaState st = compute_sla(t, desk.settings(), desk.now());
    warn_all(st);
    bool breached = st.response_breached || st.resolve_breached;
    if (o.breached && !breached) continue;
    if (o.at_risk && !st.at_risk) continue;
    rows.push_back({std::move(t), std::move(st)});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.st.left_minutes.has_value() != b.st.left_minutes.has_value())
      return a.st.left_minutes.has_value();
    if (a.st.left_minutes && *a.st.left_minutes != *b.st.left_minutes)
      return *a.st.left_minutes < *b.st.left_minutes;
    return a.t.id < b.t.id;
  });
  Json arr = Json::array();
  Table table{{"ID", "PRI", "STATUS", "DUE", "LEFT", "SLA", "ASSIGNEE", "TITLE"},
              {},
              {false, false, false, false, true, false, false, false},
              {0, 0, 0, 0, 0, 0, 0, 40}};
  for (const auto& r : rows) {
    bool breached = r.st.response_breached || r.st.resolve_breached;
    Json j = Json::object();
    j["id"] = r.t.id;
    j["priority"] = r.t.priority;
    j["status"] = r.t.status;
    j["due"] = opt_time(r.st.due, z);
    j["left_minutes"] = opt_num(r.st.left_minutes);
    j["breached"] = breached;
    j["at_risk"] = r.st.at_risk;
    arr.push_back(j);
    std::string flag = breached ? "BREACHED" : r.st.at_risk ? "at risk" : "ok";
    if (!r.st.due && !r.st.warnings.empty()) flag = "no calendar";
    table.rows.push_back(
        {r.t.id, r.t.priority, r.t.status, r.st.due ? format_short(*r.st.due, z) : "—",
         r.st.left_minutes ? span_text(*r.st.left_minutes) : "—", flag, r.t.assignee, r.t.title});
  }
  if (f == Format::json) return emit_json(g, arr);
  emit_rows(g, table, arr);
}

Json interval_json(const SlaInterval& i, Zone z) {
  Json j = Json::object();
  j["clock"] = i.clock;
  j["from"] = format_time(i.from, z);
  j["to"] = format_time(i.to, z);
  j["minutes"] = i.minutes;
  j["counted"] = i.counted;
  j["why"] = i.why;
  return j;
}

void run_explain(const Globals& g, const std::string& id) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  Zone z = desk.zone();
  Ticket t = load_ticket(desk, id);
  SlaState st = explain_sla(t, desk.settings(), desk.now());
  warn_all(st);
  auto target = desk.settings().sla.find(t.priority);
  std::string resp_target, res_target;
  if (target != desk.settings().sla.end()) {
    resp_target = format_duration(target->second.response);
    res_target = format_duration(target->second.resolve);
  }
  Table table{{"CLOCK", "FROM", "TO", "MIN", "COUNTED", "WHY"},
              {},
              {false, false, false, true, false, false}};
  Json intervals = Json::array();
  for (const auto& i : st.intervals) {
    intervals.push_back(interval_json(i, z));
    table.rows.push_back({i.clock, format_short(i.from, z), format_short(i.to, z),
                          std::to_string(i.minutes), i.counted ? "yes" : "no", i.why});
  }
  if (f == Format::csv) return emit_csv(g, table);
  if (f == Format::json) {
    Json j = Json::object();
    j["id"] = t.id;
    j["priority"] = t.priority;
    j["status"] = t.status;
    j["clock"] = st.clock.empty() ? Json() : Json(st.clock);
    j["now"] = desk.stamp(desk.now());
    Json resp = Json::object();
    resp["target"] = resp_target.empty() ? Json() : Json(resp_target);
    resp["target_minutes"] = opt_num(st.response_target);
    resp["due"] = opt_time(st.response_due, z);
    resp["breached"] = st.response_breached;
    resp["minutes"] = opt_num(st.minutes_to_response);
    j["response"] = resp;
    Json res = Json::object();
    res["target"] = res_target.empty() ? Json() : Json(res_target);
    res["target_minutes"] = opt_num(st.resolve_target);
    res["due"] = opt_time(st.resolve_due, z);
    res["due_from_required_by"] = st.due_from_required_by;
    res["breached"] = st.resolve_breached;
    res["minutes"] = opt_num(st.minutes_to_resolve);
    j["resolve"] = res;
    j["paused_minutes"] = st.paused_minutes;
    j["due"] = opt_time(st.due, z);
    j["left_minutes"] = opt_num(st.left_minutes);
    j["at_risk"] = st.at_risk;
    j["warnings"] = st.warnings;
    j["intervals"] = intervals;
    return emit_json(g, j);
  }
  auto due = [&](const std::optional<Time>& d, bool breached) {
    if (!d) return std::string("unknown");
    return format_short(*d, z) + (breached ? "  BREACHED" : "");
  };
  auto mins = [](const std::optional<std::int64_t>& m) {
    return m ? std::to_string(*m) + " min" : std::string("—");
  };
  std::vector<std::pair<std::string, std::string>> fields = {
      {"ticket", t.id + "  " + t.priority + "  " + t.status},
      {"clock", st.clock.empty() ? "no SLA policy" : st.clock},
      {"now", format_short(desk.now(), z)},
      {"response target",
       resp_target + (st.response_target ? fmt::format(" ({} min)", *st.response_target) : "")},
      {"response due", due(st.response_due, st.response_breached)},
      {"to response", mins(st.minutes_to_response)},
      {"resolve target",
       res_target + (st.resolve_target ? fmt::format(" ({} min)", *st.resolve_target) : "")},
      {"resolve due", due(st.resolve_due, st.resolve_breached) +
                          (st.due_from_required_by ? "  (customer's required-by)" : "")},
      {"to resolve", mins(st.minutes_to_resolve)},
      {"paused", std::to_string(st.paused_minutes) + " min (waiting on the customer)"},
  };
  if (st.left_minutes)
    fields.push_back({"left", span_text(*st.left_minutes) + (st.at_risk ? "  at risk" : "")});
  emit(g, render_fields(fields) + "\n" + render_table(table, use_color()));
}

DayInfo check_day(const Desk& desk, const std::string& text) {
  Calendar cal(desk.settings());
  return cal.day(parse_day(text, "DATE"));
}

std::vector<std::string> hour_texts(const std::vector<Interval>& hours) {
  std::vector<std::string> out;
  for (const auto& i : hours) out.push_back(format_interval(i));
  return out;
}

void run_calendar_check(const Globals& g, const std::string& date) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  DayInfo d = check_day(desk, date);
  Json j = Json::object();
  j["date"] = format_day(d.day);
  j["working"] = d.working;
  j["reason"] = d.reason;
  j["weekday"] = weekday_name(d.day);
  j["hours"] = hour_texts(d.hours);
  if (f == Format::json) return emit_json(g, j);
  std::string hours;
  for (const auto& h : hour_texts(d.hours)) hours += (hours.empty() ? "" : ", ") + h;
  if (f == Format::csv) {
    Table t{{"DATE", "WEEKDAY", "WORKING", "REASON", "HOURS"}, {}, {}};
    t.rows.push_back(
        {format_day(d.day), weekday_name(d.day), d.working ? "yes" : "no", d.reason, hours});
    return emit_csv(g, t);
  }
  emit(g, fmt::format("{} {}: {} ({}{})\n", format_day(d.day), weekday_name(d.day),
                      d.working ? "working day" : "day off", d.reason,
                      hours.empty() ? "" : "; " + hours));
}

void run_calendar_show(const Globals& g, int year) {
  Desk desk = open_desk(g);
  Calendar cal(desk.settings());
  if (!cal.covers(year)) throw CalendarGap(year);
  std::map<date::local_days, std::pair<std::string, std::string>> days;
  auto in_year = [&](date::local_days d) { return int(date::year_month_day(d).year()) == year; };
  for (const auto& [d, name] : desk.settings().holidays)
    if (in_year(d)) days[d] = {"holiday", name};
  for (const auto& [d, name] : desk.settings().workdays)
    if (in_year(d) && !days.count(d)) days[d] = {"workday", name};
  Table t{{"DATE", "WEEKDAY", "KIND", "NAME"}, {}, {}};
  Json arr = Json::array();
  for (const auto& [d, kn] : days) {
    Json j = Json::object();
    j["date"] = format_day(d);
    j["weekday"] = weekday_name(d);
    j["kind"] = kn.first;
    j["name"] = kn.second;
    arr.push_back(j);
    t.rows.push_back({format_day(d), weekday_name(d), kn.first, kn.second});
  }
  emit_rows(g, t, arr);
}

void run_calendar_import(const Globals& g, const std::vector<std::string>& files) {
  Format f = output_format(g);
  std::vector<CalendarYear> years;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) not_found("{}: no such file", file);
    std::ostringstream text;
    text << in.rdbuf();
    years.push_back(parse_holiday_cn(text.str(), file));
  }
  Desk desk = open_desk(g);
  std::string summary;
  size_t off = 0, work = 0;
  bool changed = false;
  desk.write([&] {
    if (desk.op().role != "pm")
      refuse("only the PM imports the calendar ({} is {})", desk.op().id, desk.op().role);
    desk.refuse_if_hand_edited("desk.yaml");
    auto current = desk.read("desk.yaml");
    if (!current) not_found("desk.yaml is missing");
    std::string merged = merge_calendar(current->text, years);
    summary.clear();
    off = work = 0;
    for (const auto& y : years) {
      summary += fmt::format("{}{}: {} holidays, {} workdays", summary.empty() ? "" : "; ", y.year,
                             y.off.size(), y.work.size());
      off += y.off.size();
      work += y.work.size();
    }
    // A year already on the desk as the file has it changes nothing: no commit.
    changed = merged != current->text;
    if (changed) desk.commit({{"desk.yaml", merged}}, "desk", "calendar-import", summary);
  });
  after_write(desk);
  if (f == Format::json) {
    Json j = Json::object();
    Json ys = Json::array();
    for (const auto& y : years) ys.push_back(y.year);
    j["years"] = ys;
    j["holidays"] = off;
    j["workdays"] = work;
    j["changed"] = changed;
    return emit_json(g, j);
  }
  emit(g, (changed ? "imported " : "unchanged (already on the desk): ") + summary + "\n");
}

}  // namespace

void register_sla(CLI::App& app, Globals& g) {
  auto so = std::make_shared<SlaOptions>();
  auto* sla = app.add_subcommand("sla", "open tickets by SLA time left");
  sla->add_flag("--at-risk", so->at_risk, "only tickets past the at-risk share of a target");
  sla->add_flag("--breached", so->breached, "only tickets past a due time");
  add_format_flags(sla, g, false, kMarkdownFormats);
  sla->require_subcommand(0, 1);
  auto id = std::make_shared<std::string>();
  auto* explain =
      sla->add_subcommand("explain", "every interval that counted on a ticket's clocks");
  explain->add_option("ID", *id, "ticket ID (or a unique prefix)")->required();
  add_format_flags(explain, g);
  explain->callback([&g, id] { run_explain(g, *id); });
  sla->callback([&g, so, sla, explain] {
    if (sla->got_subcommand(explain)) return;
    run_sla(g, *so);
  });

  auto* cal = app.add_subcommand("calendar", "the desk's working calendar")->require_subcommand(1);
  auto date = std::make_shared<std::string>();
  auto* check = cal->add_subcommand("check", "whether a day is worked, and why");
  check->add_option("DATE", *date, "YYYY-MM-DD")->required();
  add_format_flags(check, g);
  check->callback([&g, date] { run_calendar_check(g, *date); });
  auto year = std::make_shared<int>(0);
  auto* show = cal->add_subcommand("show", "a year's holidays and extra working days");
  show->add_option("YEAR", *year, "e.g. 2026")->required()->check(CLI::Range(1970, 9999));
  add_format_flags(show, g, false, kMarkdownFormats);
  show->callback([&g, year] { run_calendar_show(g, *year); });
  auto files = std::make_shared<std::vector<std::string>>();
  auto* imp = cal->add_subcommand("import", "merge holiday-cn JSON years into desk.yaml (PM only)");
  imp->add_option("FILE", *files, "holiday-cn JSON: {year, days: [{name, date, isOffDay}]}")
      ->required();
  add_format_flags(imp, g);
  imp->callback([&g, files] { run_calendar_import(g, *files); });
}

}  // namespace sdesk::cli
