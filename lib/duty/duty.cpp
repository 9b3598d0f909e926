#include "lib/duty/duty.hpp"

#include <algorithm>
#include <regex>

#include "lib/quality/complaints.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/ticket/sla.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {

std::string hhmm(int minutes) {
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

Json str_list(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

Shift shift_from_hours(const std::string& name, const std::string& hours, const std::string& what) {
  static const std::regex re(R"(^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$)");
  std::smatch m;
  if (!std::regex_match(hours, m, re)) usage_error("{}: '{}' is not HH:MM-HH:MM", what, hours);
  Shift s{name, std::stoi(m[1]) * 60 + std::stoi(m[2]), std::stoi(m[3]) * 60 + std::stoi(m[4])};
  if (s.from >= 24 * 60 || s.to > 24 * 60 || s.from == s.to || std::stoi(m[2]) > 59 ||
      std::stoi(m[4]) > 59)
    usage_error("{}: '{}' is not a valid span of hours", what, hours);
  return s;
}

Time local_to_sys(date::local_days d, int minutes, Zone zone) {
  return std::chrono::floor<std::chrono::seconds>(
      zone->to_sys(d + std::chrono::minutes(minutes), date::choose::earliest));
}

Json roster_json(const std::string& ym, const std::vector<DutyEntry>& entries) {
  Json doc = Json::object();
  doc["month"] = ym;
  Json arr = Json::array();
  for (const auto& e : entries) arr.push_back(duty_json(e));
  doc["entries"] = arr;
  return doc;
}

Json ticket_row(const Ticket& t, const SlaState& st, Zone zone) {
  Json r = Json::object();
  r["id"] = t.id;
  r["priority"] = t.priority;
  r["status"] = t.status;
  r["tier"] = t.tier;
  r["assignee"] = t.assignee.empty() ? Json() : Json(t.assignee);
  r["title"] = t.title;
  r["due"] = st.due ? Json(format_time(*st.due, zone)) : Json();
  return r;
}

}  // namespace

const std::vector<Shift>& default_shifts() {
  static const std::vector<Shift> s = {
      {"day", 9 * 60, 18 * 60}, {"night", 18 * 60, 9 * 60}, {"full", 0, 24 * 60}};
  return s;
}

Shift parse_shift(const std::string& spec) {
  auto eq = spec.find('=');
  std::string name = spec.substr(0, eq);
  // A name is one word of any script (夜班), with no space, comma or control character.
  bool word = !name.empty() && text_problem(name, true).empty() &&
              name.find_first_of(" \t,") == std::string::npos && name[0] != '-';
  if (!word) usage_error("--shift: '{}' is not a shift name (one word: 夜班, night, late-2)", name);
  if (eq != std::string::npos) return shift_from_hours(name, spec.substr(eq + 1), "--shift");
  for (const auto& s : default_shifts())
    if (s.name == name) return s;
  usage_error(
      "--shift: '{}' is not a known shift (day, night, full); give its hours as "
      "NAME=HH:MM-HH:MM",
      name);
}

std::string shift_hours(const Shift& s) {
  return hhmm(s.from) + "-" + hhmm(s.to);
}

std::string duty_path(const std::string& ym) {
  return "duty/" + ym.substr(0, 4) + "/" + ym.substr(5, 2) + ".yaml";
}

std::vector<DutyEntry> duty_month(const Desk& desk, const std::string& ym) {
  static const std::regex re(R"(^\d{4}-\d{2}$)");
  if (!std::regex_match(ym, re)) usage_error("--month: '{}' is not YYYY-MM", ym);
  std::string path = duty_path(ym);
  auto f = desk.read(path);
  if (!f) return {};
  Parsed p = parse_yaml(f->text, path);
  validate_schema(p, "duty");
  std::vector<DutyEntry> out;
  size_t i = 0;
  for (const auto& e : p.doc["entries"]) {
    std::string ptr = "/entries/" + std::to_string(i++);
    DutyEntry d;
    d.date = str(e, "date");
    try {
      d.shift = shift_from_hours(str(e, "shift"), str(e, "hours"), "hours");
    } catch (const Error& err) {
      refuse_field(p, ptr + "/hours", err.what());
    }
    for (const auto& s : e["staff"]) d.staff.push_back(s.get<std::string>());
    d.set_by = str(e, "set_by");
    d.set_at = str(e, "set_at");
    out.push_back(std::move(d));
  }
  return out;
}

Json duty_json(const DutyEntry& e) {
  Json j = Json::object();
  j["date"] = e.date;
  j["shift"] = e.shift.name;
  j["hours"] = shift_hours(e.shift);
  j["staff"] = str_list(e.staff);
  j["set_by"] = e.set_by;
  j["set_at"] = e.set_at;
  return j;
}

DutyEntry set_duty(Desk& desk, const std::string& day, const std::vector<std::string>& staff,
                   const Shift& shift) {
  const Staff& op = desk.op();
  if (op.role != "pm") refuse("only the PM sets the duty roster");
  date::local_days d = parse_day(day, "DATE");
  if (format_day(d) != day) usage_error("DATE: '{}' is not YYYY-MM-DD", day);
  if (staff.empty()) usage_error("STAFF: name at least one staff member");
  for (const auto& s : staff)
    if (!desk.staff_member(s).active) refuse("staff member '{}' is not active", s);
  return desk.write([&] {
    std::string ym = day.substr(0, 7);
    std::string path = duty_path(ym);
    desk.refuse_if_hand_edited(path);
    std::vector<DutyEntry> entries = duty_month(desk, ym);
    DutyEntry e{day, shift, staff, op.id, desk.stamp(desk.now())};
    auto same = [&](const DutyEntry& x) { return x.date == day && x.shift.name == shift.name; };
    entries.erase(std::remove_if(entries.begin(), entries.end(), same), entries.end());
    entries.push_back(e);
    std::stable_sort(entries.begin(), entries.end(), [](const DutyEntry& a, const DutyEntry& b) {
      return a.date != b.date ? a.date < b.date : a.shift.from < b.shift.from;
    });
    std::string who;
    for (const auto& s : staff) who += (who.empty() ? "" : ", ") + s;
    desk.commit({{path, emit_yaml(roster_json(ym, entries),
                                  "sdesk duty roster (值班表); `sdesk duty set` edits it")}},
                "duty-" + ym, "duty-set", fmt::format("{} {} {}", day, shift.name, who));
    return e;
  });
}

std::vector<DutyEntry> on_duty(const Desk& desk, Time at) {
  Zone zone = desk.zone();
  date::local_days today = local_day(at, zone);
  std::vector<DutyEntry> out;
  for (date::local_days d : {today - date::days{1}, today}) {
    std::string ym = format_day(d).substr(0, 7);
    for (const auto& e : duty_month(desk, ym)) {
      if (e.date != format_day(d)) continue;
      Time from = local_to_sys(d, e.shift.from, zone);
      int end = e.shift.to <= e.shift.from ? e.shift.to + 24 * 60 : e.shift.to;
      Time to = local_to_sys(d, end, zone);
      if (at >= from && at < to) out.push_back(e);
    }
  }
  return out;
}

Handover gather_handover(const Desk& desk, const std::string& to, const std::string& note) {
  const Staff& op = desk.op();
  const Staff& next = desk.staff_member(to);
  if (!next.active) refuse("staff member '{}' is not active", to);
  if (next.id == op.id) refuse("a handover goes to someone else, not to {}", to);
  Zone zone = desk.zone();
  Time now = desk.now();
  Json open = {{"l1", Json::array()}, {"l2", Json::array()}, {"vendor", Json::array()}};
  Json at_risk = Json::array(), breached = Json::array(), escalations = Json::array();
  for (const auto& t : open_tickets(desk)) {
    SlaState st = compute_sla(t, desk.settings(), now);
    Json row = ticket_row(t, st, zone);
    if (open.contains(t.tier)) open[t.tier].push_back(row);
    bool late = st.response_breached || st.resolve_breached;
    if (late)
      breached.push_back(row);
    else if (st.at_risk)
      at_risk.push_back(row);
    if (t.tier != "l1") {
      Json e = row;
      e["vendor"] = t.vendor.empty() ? Json() : Json(t.vendor);
      e["since"] = t.escalations.empty() ? Json() : t.escalations.back()["at"];
      e["waiting_on"] = t.tier == "vendor"   ? "vendor:" + t.vendor
                        : t.assignee.empty() ? "l2 queue"
                                             : t.assignee;
      escalations.push_back(e);
    }
  }
  Handover h;
  h.id = "";
  Json doc = Json::object();
  doc["id"] = "";
  doc["at"] = desk.stamp(now);
  doc["from"] = op.id;
  doc["to"] = next.id;
  doc["note"] = note;
  doc["open"] = open;
  doc["at_risk"] = at_risk;
  doc["breached"] = breached;
  doc["escalations"] = escalations;
  Json complaints = Json::array();
  std::vector<Complaint> open_complaints;
  for (auto& c : all_complaints(desk))
    if (c.status != "closed" && c.status != "cancelled") open_complaints.push_back(std::move(c));
  std::stable_sort(open_complaints.begin(), open_complaints.end(),
                   [](const Complaint& a, const Complaint& b) { return a.due < b.due; });
  for (const auto& c : open_complaints)
    complaints.push_back({{"id", c.id},
                          {"customer", c.customer},
                          {"status", c.status},
                          {"due", c.due},
                          {"overdue", c.overdue}});
  doc["complaints_due"] = complaints;
  h.doc = std::move(doc);
  return h;
}

Handover record_handover(Desk& desk, const std::string& to, const std::string& note) {
  Handover h = gather_handover(desk, to, note);
  return desk.write([&] {
    Time now = desk.now();
    h.id = desk.ids().object_id("H", now, desk.zone());
    h.doc["id"] = h.id;
    auto local = date::make_zoned(desk.zone(), now).get_local_time();
    std::string day = format_day(date::floor<date::days>(local));
    std::string stamp = date::format("%Y%m%dT%H%M%S", date::floor<std::chrono::seconds>(local));
    std::string dir = "handovers/" + day.substr(0, 4) + "/" + day.substr(5, 2) + "/";
    h.path = dir + stamp + ".yaml";
    for (int n = 2; desk.read(h.path); ++n)
      h.path = dir + stamp + "-" + std::to_string(n) + ".yaml";
    int open = 0;
    for (const auto& tier : h.doc["open"]) open += static_cast<int>(tier.size());
    desk.commit({{h.path, emit_yaml(h.doc, "sdesk shift handover (交接班记录)")}}, h.id, "handover",
                fmt::format("{} → {}, {} open, {} breached", h.doc["from"].get<std::string>(), to,
                            open, h.doc["breached"].size()));
    return h;
  });
}

std::string handover_md(const Json& doc) {
  auto line = [](const Json& r) {
    std::string s =
        fmt::format("- {} {} {} {}", r["id"].get<std::string>(), r["priority"].get<std::string>(),
                    r["status"].get<std::string>(), r["title"].get<std::string>());
    if (r.contains("waiting_on"))
      s += " — waiting on " + r["waiting_on"].get<std::string>();
    else if (!r["due"].is_null())
      s += " — due " + r["due"].get<std::string>();
    return s + "\n";
  };
  std::string out = fmt::format("# 交接班 / Shift handover {}\n\n", doc["id"].get<std::string>());
  out += fmt::format("- at: {}\n- from: {}\n- to: {}\n", doc["at"].get<std::string>(),
                     doc["from"].get<std::string>(), doc["to"].get<std::string>());
  if (!doc["note"].get<std::string>().empty())
    out += "\n## 备注 / Note\n\n" + doc["note"].get<std::string>() + "\n";
  out += "\n## 未结工单 / Open tickets\n";
  for (auto it = doc["open"].begin(); it != doc["open"].end(); ++it) {
    out += fmt::format("\n### {} ({})\n\n", it.key(), it.value().size());
    for (const auto& r : it.value()) out += line(r);
  }
  auto section = [&](const std::string& title, const Json& rows) {
    out += "\n## " + title + "\n\n";
    if (rows.is_null()) {
      out += "(not available)\n";
      return;
    }
    if (rows.empty()) out += "(none)\n";
    for (const auto& r : rows) out += line(r);
  };
  section("已超时 / Breached", doc["breached"]);
  section("即将超时 / At risk", doc["at_risk"]);
  section("升级待办 / Escalations waiting on l2 or vendors", doc["escalations"]);
  out += "\n## 到期投诉 / Complaints due\n\n";
  if (doc["complaints_due"].is_null())
    out += "(not available)\n";
  else if (doc["complaints_due"].empty())
    out += "(none)\n";
  for (const auto& c : doc["complaints_due"].is_array() ? doc["complaints_due"] : Json::array())
    out += fmt::format("- {} {} due {}{}\n", c["id"].get<std::string>(),
                       c["customer"].get<std::string>(), c["due"].get<std::string>(),
                       c.value("overdue", false) ? " OVERDUE" : "");
  return out;
}

}  // namespace sdesk
