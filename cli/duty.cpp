// Duty (值班) and handover (交接班): info, duty set|who|list, handover.
#include "lib/duty/duty.hpp"

#include <iostream>

#include "cli/commands.hpp"
#include "lib/util/error.hpp"

namespace sdesk::cli {

namespace {

struct DutyOptions {
  std::string date, shift = "day", at, month, to, note;
  std::vector<std::string> staff;
  bool dry_run = false;
};

const char* kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string spans(const std::vector<Interval>& v) {
  std::string out;
  for (const auto& i : v)
    out += (out.empty() ? "" : ", ") +
           fmt::format("{:02}:{:02}-{:02}:{:02}", i.from / 60, i.from % 60, i.to / 60, i.to % 60);
  return out;
}

// Who is on duty: [{id, name, phone, shift, hours, date}].
Json on_duty_json(const Desk& desk, Time at) {
  Json arr = Json::array();
  for (const auto& e : on_duty(desk, at))
    for (const auto& id : e.staff) {
      auto it = desk.staff().find(id);
      Json j = Json::object();
      j["id"] = id;
      j["name"] = it == desk.staff().end() ? "" : it->second.name;
      j["phone"] = it == desk.staff().end() ? "" : it->second.phone;
      j["shift"] = e.shift.name;
      j["hours"] = shift_hours(e.shift);
      j["date"] = e.date;
      arr.push_back(j);
    }
  return arr;
}

std::string duty_names(const Json& arr) {
  std::string out;
  for (const auto& d : arr)
    out += (out.empty() ? "" : ", ") + d["id"].get<std::string>() +
           (d["name"].get<std::string>().empty() ? "" : " " + d["name"].get<std::string>()) +
           (d["phone"].get<std::string>().empty() ? "" : " " + d["phone"].get<std::string>()) +
           " (" + d["shift"].get<std::string>() + " " + d["hours"].get<std::string>() + ")";
  return out.empty() ? "—" : out;
}

void run_info(const Globals& g) {
  Format f = output_format(g, {Format::table, Format::json, Format::csv});
  Desk desk = open_desk(g);
  const Settings& s = desk.settings();
  Json hours = Json::object();
  for (int i = 0; i < 7; ++i) {
    Json day = Json::array();
    for (const auto& iv : s.hours[i])
      day.push_back(fmt::format("{:02}:{:02}-{:02}:{:02}", iv.from / 60, iv.from % 60, iv.to / 60,
                                iv.to % 60));
    hours[kDayNames[i]] = day;
  }
  Json duty = on_duty_json(desk, desk.now());
  if (f == Format::json) {
    Json j = Json::object();
    j["name"] = s.name;
    j["hotline"] = s.hotline;
    j["timezone"] = s.timezone;
    j["hours"] = hours;
    j["complaint_channel"] = s.complaint_channel;
    j["on_duty"] = duty;
    j["now"] = desk.stamp(desk.now());
    return emit_json(g, j);
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"desk", s.name}, {"hotline", s.hotline}, {"timezone", s.timezone}};
  for (int i = 0; i < 7; ++i)
    fields.push_back(
        {std::string("hours ") + kDayNames[i], s.hours[i].empty() ? "closed" : spans(s.hours[i])});
  fields.push_back({"complaints", s.complaint_channel});
  fields.push_back({"on duty now", duty_names(duty)});
  emit_fields(g, f, fields);
}

void run_set(const Globals& g, const DutyOptions& o) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  DutyEntry e = set_duty(desk, o.date, o.staff, parse_shift(o.shift));
  after_write(desk);
  if (f == Format::json) return emit_json(g, duty_json(e));
  std::string who;
  for (const auto& s : e.staff) who += (who.empty() ? "" : " ") + s;
  emit(g, e.date + " " + e.shift.name + " " + shift_hours(e.shift) + " " + who + "\n");
}

void run_who(const Globals& g, const DutyOptions& o) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  Time at = o.at.empty() ? desk.now() : desk.parse(o.at, "--at");
  Json duty = on_duty_json(desk, at);
  Table t{{"STAFF", "NAME", "PHONE", "SHIFT", "HOURS", "DATE"}, {}, {}};
  for (const auto& d : duty)
    t.rows.push_back({d["id"].get<std::string>(), d["name"].get<std::string>(),
                      d["phone"].get<std::string>(), d["shift"].get<std::string>(),
                      d["hours"].get<std::string>(), d["date"].get<std::string>()});
  if (f == Format::table && duty.empty()) {
    emit(g, "nobody is on duty at " + desk.stamp(at) + "\n");
    return;
  }
  emit_rows(g, t, duty);
}

void run_list(const Globals& g, const DutyOptions& o) {
  Desk desk = open_desk(g);
  std::string ym =
      o.month.empty() ? format_day(local_day(desk.now(), desk.zone())).substr(0, 7) : o.month;
  auto entries = duty_month(desk, ym);
  Json arr = Json::array();
  Table t{{"DATE", "SHIFT", "HOURS", "STAFF"}, {}, {}};
  for (const auto& e : entries) {
    arr.push_back(duty_json(e));
    std::string who;
    for (const auto& s : e.staff) who += (who.empty() ? "" : ", ") + s;
    t.rows.push_back({e.date, e.shift.name, shift_hours(e.shift), who});
  }
  emit_rows(g, t, arr);
}

void run_handover(const Globals& g, const DutyOptions& o) {
  Format f = output_format(g, {Format::table, Format::json, Format::md});
  Desk desk = open_desk(g);
  // --dry-run shows what a handover would record, and writes nothing.
  Handover h =
      o.dry_run ? gather_handover(desk, o.to, o.note) : record_handover(desk, o.to, o.note);
  if (!o.dry_run) after_write(desk);
  if (f == Format::json) return emit_json(g, h.doc);
  emit(g, handover_md(h.doc));
}

}  // namespace

void register_duty(CLI::App& app, Globals& g) {
  auto o = std::make_shared<DutyOptions>();
  auto* info = app.add_subcommand("info", "the desk: name, hotline, hours, complaints, on duty");
  add_format_flags(info, g);
  info->callback([&g] { run_info(g); });

  auto* duty = app.add_subcommand("duty", "hotline duty roster (值班)");
  duty->require_subcommand(1);
  auto* set = duty->add_subcommand("set", "put staff on a shift of a day (PM)");
  set->add_option("DATE", o->date, "YYYY-MM-DD")->required();
  set->add_option("STAFF", o->staff, "staff ids")->required();
  set->add_option("--shift", o->shift, "day, night, full or NAME=HH:MM-HH:MM (default day)");
  add_format_flags(set, g);
  set->callback([&g, o] { run_set(g, *o); });
  auto* who = duty->add_subcommand("who", "who is on duty now (or --at TIME)");
  who->add_option("--at", o->at, "an instant (ISO 8601, desk zone without offset)");
  add_format_flags(who, g);
  who->callback([&g, o] { run_who(g, *o); });
  auto* list = duty->add_subcommand("list", "the roster of a month");
  list->add_option("--month", o->month, "YYYY-MM (default: this month)");
  add_format_flags(list, g, false, kMarkdownFormats);
  list->callback([&g, o] { run_list(g, *o); });

  auto* ho = app.add_subcommand("handover", "record a shift handover (交接班) and print it");
  ho->add_option("--to", o->to, "the staff member taking over")->required();
  ho->add_option("--note", o->note, "what the next shift must know");
  ho->add_flag("--dry-run", o->dry_run, "print the handover and record nothing");
  add_format_flags(ho, g, false, {"table", "json", "md"});
  ho->callback([&g, o] { run_handover(g, *o); });
}

}  // namespace sdesk::cli
