#include "lib/store/settings.hpp"

#include <regex>
#include <sstream>

#include "lib/store/calendar.hpp"
#include "lib/util/error.hpp"

namespace sdesk {

namespace {
const char* kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

Interval parse_interval(const Parsed& p, const std::string& ptr, const std::string& s) {
  static const std::regex re(R"(^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) refuse_field(p, ptr, "'" + s + "' is not HH:MM-HH:MM");
  Interval i{std::stoi(m[1]) * 60 + std::stoi(m[2]), std::stoi(m[3]) * 60 + std::stoi(m[4])};
  if (i.from >= i.to || i.to > 24 * 60) refuse_field(p, ptr, "'" + s + "' is not a valid span");
  return i;
}

void parse_dated(const Parsed& p, const std::string& key,
                 std::map<date::local_days, std::string>& out) {
  if (!p.doc.contains(key) || p.doc[key].is_null()) return;
  size_t i = 0;
  for (const auto& v : p.doc[key]) {
    std::string ptr = "/" + key + "/" + std::to_string(i++);
    std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    std::string day = s.substr(0, 10);
    std::string name = s.size() > 11 ? s.substr(11) : "";
    try {
      out[parse_day(day, key)] = name;
    } catch (const Error&) {
      refuse_field(p, ptr, "'" + s + "' is not YYYY-MM-DD [name]");
    }
  }
}

Duration duration_at(const Parsed& p, const std::string& ptr, const Json& v, Duration dflt) {
  if (v.is_null()) return dflt;
  try {
    return parse_duration(v.is_string() ? v.get<std::string>() : v.dump(), "");
  } catch (const Error&) {
    refuse_field(p, ptr,
                 "'" + (v.is_string() ? v.get<std::string>() : v.dump()) +
                     "' is not a duration (Nm, Nh, Nd, Nmo)");
  }
}

const Json& at(const Json& doc, std::initializer_list<const char*> path) {
  static const Json null_json;
  const Json* cur = &doc;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return null_json;
    cur = &(*cur)[k];
  }
  return *cur;
}
}  // namespace

const std::vector<std::string>& intake_fields() {
  static const std::vector<std::string> f = {"customer", "contact", "need", "required_by",
                                             "environment"};
  return f;
}

Settings load_settings(const std::string& text) {
  Parsed p = parse_yaml(text, "desk.yaml");
  if (p.doc.is_null()) p.doc = Json::object();
  validate_schema(p, "desk");
  Settings s;
  const Json& d = p.doc;
  s.name = d.value("name", "");
  s.timezone = d.value("timezone", "Asia/Shanghai");
  try {
    s.zone = date::locate_zone(s.timezone);
  } catch (const std::exception&) {
    refuse_field(p, "/timezone", "unknown IANA zone '" + s.timezone + "'");
  }
  s.hotline =
      d.contains("hotline") && d["hotline"].is_string() ? d["hotline"].get<std::string>() : "";
  if (d.contains("hours") && d["hours"].is_object()) {
    for (int i = 0; i < 7; ++i) {
      if (!d["hours"].contains(kDays[i])) continue;
      size_t j = 0;
      for (const auto& v : d["hours"][kDays[i]])
        s.hours[i].push_back(
            parse_interval(p, fmt::format("/hours/{}/{}", kDays[i], j++), v.get<std::string>()));
    }
  } else {
    for (int i = 0; i < 5; ++i) s.hours[i] = {{9 * 60, 12 * 60}, {13 * 60 + 30, 18 * 60}};
  }
  parse_dated(p, "holidays", s.holidays);
  parse_dated(p, "workdays", s.workdays);
  if (d.contains("calendar_years"))
    for (const auto& y : d["calendar_years"]) s.calendar_years.insert(y.get<int>());
  // SLA: defaults, then whatever the file names.
  using U = Duration::Unit;
  s.sla["P1"] = {{15, U::minutes}, {4, U::hours}, false};
  s.sla["P2"] = {{30, U::minutes}, {8, U::hours}, true};
  s.sla["P3"] = {{2, U::hours}, {16, U::hours}, true};
  s.sla["P4"] = {{4, U::hours}, {40, U::hours}, true};
  if (const Json& sla = at(d, {"sla"}); sla.is_object()) {
    if (sla.contains("at_risk") && sla["at_risk"].is_number())
      s.at_risk = sla["at_risk"].get<double>();
    for (auto& [prio, target] : s.sla) {
      if (!sla.contains(prio)) continue;
      const Json& t = sla[prio];
      std::string base = "/sla/" + prio;
      target.response =
          duration_at(p, base + "/response", t.value("response", Json()), target.response);
      target.resolve =
          duration_at(p, base + "/resolve", t.value("resolve", Json()), target.resolve);
      if (t.contains("clock")) target.business = t["clock"] == "business";
    }
  }
  s.reopen_window = duration_at(p, "/reopen_window", at(d, {"reopen_window"}), s.reopen_window);
  s.skew_window = duration_at(p, "/skew_window", at(d, {"skew_window"}), s.skew_window);
  if (const Json& v = at(d, {"callbacks", "satisfied_at"}); v.is_number())
    s.satisfied_at = v.get<int>();
  s.complaint_due =
      duration_at(p, "/complaints/due", at(d, {"complaints", "due"}), s.complaint_due);
  if (const Json& v = at(d, {"guard", "require_signed"}); v.is_boolean())
    s.require_signed = v.get<bool>();
  if (const Json& v = at(d, {"complaints", "channel"}); v.is_string())
    s.complaint_channel = v.get<std::string>();
  s.kb_review_every =
      duration_at(p, "/kb/review_every", at(d, {"kb", "review_every"}), s.kb_review_every);
  if (const Json& v = at(d, {"permissions"}); v.is_object())
    for (auto it = v.begin(); it != v.end(); ++it)
      s.permissions[it.key()] = it.value().get<std::vector<std::string>>();
  if (const Json& v = at(d, {"intake", "optional"}); v.is_array())
    for (const auto& f : v) s.optional_intake.insert(f.get<std::string>());
  if (const Json& v = at(d, {"norms", "phone"}); v.is_string())
    s.phone_script = v.get<std::string>();
  if (const Json& v = at(d, {"kpi", "targets"}); v.is_object())
    for (auto it = v.begin(); it != v.end(); ++it)
      s.kpi_targets[it.key()] = it.value().get<double>();
  // kpi.weights: {KEY: w} for every role, and/or {ROLE: {KEY: w}} for one role.
  if (const Json& v = at(d, {"kpi", "weights"}); v.is_object())
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.value().is_object())
        for (auto w = it.value().begin(); w != it.value().end(); ++w)
          s.kpi_role_weights[it.key()][w.key()] = w.value().get<double>();
      else
        s.kpi_weights[it.key()] = it.value().get<double>();
    }
  s.doc = std::move(p.doc);
  return s;
}

std::string set_top_level_key(const std::string& text, const std::string& key,
                              const std::string& yaml_value) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto is_top = [](const std::string& l) {
    return !l.empty() && l[0] != ' ' && l[0] != '#' && l[0] != '\t' && l[0] != '-';
  };
  std::string out;
  bool replaced = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!replaced && lines[i].rfind(key + ":", 0) == 0) {
      out += key + ":" + yaml_value + "\n";
      size_t j = i + 1;
      while (j < lines.size() && !is_top(lines[j]) &&
             !(lines[j].rfind("#", 0) == 0 && j + 1 < lines.size() && is_top(lines[j + 1])))
        ++j;
      // keep comment lines that belong to the next key
      i = j - 1;
      replaced = true;
      continue;
    }
    out += lines[i] + "\n";
  }
  if (!replaced) out += key + ":" + yaml_value + "\n";
  return out;
}

std::string default_desk_yaml(const std::string& name) {
  std::string n = name.empty() ? "服务台" : name;
  // A new desk starts with China's 2024–2026 calendar built in (docs/sla.md).
  return merge_calendar(
      fmt::format(R"(# sdesk desk settings. Every key may be left out; the defaults are shown.
name: {}
timezone: Asia/Shanghai            # IANA name; all times are shown in it
hotline: "400-000-0000"
hours:                             # working hours; a weekday not listed is a day off
  mon: ["09:00-12:00", "13:30-18:00"]
  tue: ["09:00-12:00", "13:30-18:00"]
  wed: ["09:00-12:00", "13:30-18:00"]
  thu: ["09:00-12:00", "13:30-18:00"]
  fri: ["09:00-12:00", "13:30-18:00"]
# Dated days off and dated extra working days (调休 补班, worked with mon's hours), written
# "YYYY-MM-DD" or "YYYY-MM-DD name"; `sdesk calendar import FILE` fills them.
holidays: []
workdays: []
calendar_years: []                 # years whose holidays are known; business clocks refuse others
sla:
  at_risk: 0.75                    # share of a target used that makes a ticket at risk
  P1: {{response: 15m, resolve: 4h, clock: 24x7}}
  P2: {{response: 30m, resolve: 8h, clock: business}}
  P3: {{response: 2h, resolve: 16h, clock: business}}
  P4: {{response: 4h, resolve: 40h, clock: business}}
reopen_window: 7d                  # a closed ticket may be reopened this long after closing
callbacks: {{satisfied_at: 4}}       # a callback score below this opens an improvement action
complaints: {{due: 3d, channel: "投诉电话 400-000-0001"}}   # default due time; published channel
kb: {{review_every: 12mo}}           # a published article's review date
intake:
  optional: []                     # intake norm fields this desk does not require
norms:
  phone: "您好，运维服务台，请问有什么可以帮您？"
kpi:
  weights:                         # per role: each tier is rated on what it does (docs/kpi.md)
    l1: {{response_ontime_rate: 0.3, resolve_ontime_rate: 0.3, first_line_resolution_rate: 0.2, callback_satisfaction: 0.2}}
    l2: {{response_ontime_rate: 0.2, resolve_ontime_rate: 0.4, reopen_rate: 0.2, callback_satisfaction: 0.2}}
# Who may do what on a ticket besides the PM, who may do everything: roles (l1, l2) or the
# ticket's own people (owner: recorded it; assignee: works it now).
permissions:
  new: [l1, l2]
  take: [l1, l2]
  start: [assignee]
  note: [owner, assignee]
  pending: [assignee]
  resume: [assignee]
  escalate: [assignee]
  de-escalate: [assignee]
  resolve: [assignee]
  close: [owner, assignee]
  reopen: [owner, assignee]
  cancel: [owner, assignee]
  link: [owner, assignee]
)",
                  n.find_first_of(":#\"'") != std::string::npos ? "\"" + n + "\"" : n),
      builtin_china_calendar());
}

}  // namespace sdesk
