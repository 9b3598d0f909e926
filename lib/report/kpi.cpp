#include "lib/report/kpi.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "lib/quality/callbacks.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/quality/surveys.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/util/error.hpp"

namespace sdesk {

namespace {

Time day_start(date::local_days d, Zone zone) {
  return std::chrono::floor<std::chrono::seconds>(zone->to_sys(d, date::choose::earliest));
}

// [from, to) of whole days, shown as the first and the last day.
Period day_period(date::local_days from, date::local_days to_excl, Zone zone) {
  return {day_start(from, zone), day_start(to_excl, zone), format_day(from),
          format_day(to_excl - date::days{1})};
}

Period month_period(int y, unsigned m, unsigned months, Zone zone) {
  date::year_month first{date::year{y}, date::month{m}};
  date::year_month next = first + date::months{static_cast<int>(months)};
  return day_period(date::local_days{first / 1}, date::local_days{next / 1}, zone);
}

Json ratio(long num, long den) {
  if (den == 0) return Json();
  return static_cast<double>(num) / static_cast<double>(den);
}

Json mean(double sum, long n) {
  if (n == 0) return Json();
  return sum / static_cast<double>(n);
}

std::optional<Time> parse_opt(const std::string& iso, Zone zone) {
  return parse_iso(iso, zone);
}

bool created_in(const KpiTicket& kt, const Period& p, Zone zone) {
  auto t = kt.created ? kt.created : parse_iso(kt.t.created_at, zone);
  return t && *t >= p.from && *t < p.to;
}

const std::vector<std::string>& dimensions() {
  static const std::vector<std::string> d = {"tech", "response", "resolution", "attitude",
                                             "communication"};
  return d;
}

// Whether a staff member was ever the assignee of a ticket.
bool ever_assigned(const Ticket& t, const std::string& who) {
  if (t.assignee == who) return true;
  for (const auto& e : t.events) {
    std::string a = e.value("action", "");
    if (a == "take" && e.value("by", "") == who) return true;
    if (e.contains("assignee") && e["assignee"].is_string() && e["assignee"] == who) return true;
  }
  return false;
}

// The inputs with only the tickets created in the period (copies stay small on big desks).
KpiInputs window(const KpiInputs& in, const Period& p, Zone zone) {
  KpiInputs out;
  out.callbacks = in.callbacks;
  out.complaints = in.complaints;
  out.surveys = in.surveys;
  out.articles = in.articles;
  for (const auto& kt : in.tickets)
    if (created_in(kt, p, zone)) out.tickets.push_back(kt);
  return out;
}

}  // namespace

std::optional<Time> parse_iso(const std::string& s, Zone zone) {
  if (s.empty()) return std::nullopt;
  // The stored form: YYYY-MM-DDTHH:MM:SS+HH:MM (or Z), read without a regex.
  auto digits = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  bool fast = (s.size() == 25 || (s.size() == 20 && s[19] == 'Z')) && s[4] == '-' && s[7] == '-' &&
              s[10] == 'T' && s[13] == ':' && s[16] == ':';
  if (fast) {
    int y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
        mi = digits(14, 2), se = digits(17, 2);
    int off = 0;
    if (s.size() == 25) {
      int oh = digits(20, 2), om = digits(23, 2);
      if ((s[19] != '+' && s[19] != '-') || s[22] != ':' || oh < 0 || om < 0) fast = false;
      off = (s[19] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    }
    date::year_month_day ymd{date::year{y}, date::month(static_cast<unsigned>(mo)),
                             date::day(static_cast<unsigned>(d))};
    if (fast && y >= 0 && mo >= 0 && d >= 0 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 &&
        se <= 60 && ymd.ok())
      return Time{date::sys_days(ymd).time_since_epoch()} + std::chrono::hours(h) +
             std::chrono::minutes(mi) + std::chrono::seconds(se) - std::chrono::seconds(off);
  }
  try {
    return parse_time(s, zone, "time");
  } catch (const Error&) {
    return std::nullopt;
  }
}

Period parse_period(const std::string& text, Time now, Zone zone) {
  static const std::regex month(R"(^(\d{4})-(\d{2})$)");
  static const std::regex quarter(R"(^(\d{4})-[Qq]([1-4])$)");
  std::smatch m;
  if (text.empty()) {
    date::year_month_day d{local_day(now, zone)};
    return month_period(static_cast<int>(d.year()), static_cast<unsigned>(d.month()), 1, zone);
  }
  if (std::regex_match(text, m, month)) {
    unsigned mo = static_cast<unsigned>(std::stoi(m[2]));
    if (mo < 1 || mo > 12) usage_error("--period: '{}' has no month {}", text, mo);
    return month_period(std::stoi(m[1]), mo, 1, zone);
  }
  if (std::regex_match(text, m, quarter))
    return month_period(std::stoi(m[1]), static_cast<unsigned>(std::stoi(m[2])) * 3 - 2, 3, zone);
  auto dots = text.find("..");
  if (dots == std::string::npos || dots == 0 || dots + 2 >= text.size())
    usage_error("--period: '{}' is not YYYY-MM, YYYY-Qn or FROM..TO", text);
  std::string a = text.substr(0, dots), b = text.substr(dots + 2);
  Period p;
  if (std::regex_match(a, month)) {
    p.from = month_period(std::stoi(a.substr(0, 4)), std::stoi(a.substr(5)), 1, zone).from;
    p.from_text = a + "-01";
  } else if (a.size() == 10) {
    p.from = day_start(parse_day(a, "--period"), zone);
    p.from_text = a;
  } else {
    p.from = parse_time(a, zone, "--period");
    p.from_text = format_time(p.from, zone);
  }
  if (std::regex_match(b, month)) {
    Period mp = month_period(std::stoi(b.substr(0, 4)), std::stoi(b.substr(5)), 1, zone);
    p.to = mp.to;
    p.to_text = mp.to_text;
  } else if (b.size() == 10) {
    p.to = day_start(parse_day(b, "--period") + date::days{1}, zone);
    p.to_text = b;
  } else {
    p.to = parse_time(b, zone, "--period");
    p.to_text = format_time(p.to, zone);
  }
  if (p.to <= p.from) usage_error("--period: '{}' ends before it starts", text);
  return p;
}

bool in_period(const std::string& iso, const Period& p, Zone zone) {
  auto t = parse_opt(iso, zone);
  return t && *t >= p.from && *t < p.to;
}

KpiInputs load_kpi_inputs(const Desk& desk, const std::optional<Period>& only, bool tickets) {
  KpiInputs in;
  std::vector<KpiCallback> callbacks;
  // Every KPI reads tickets created in the period and their own callbacks, so the others are
  // never decoded (on a big desk most tickets lie outside the period).
  HeadFilter keep;
  if (only)
    keep = [&](const TicketHead& h) {
      auto created = parse_iso(std::string(h.created_at), desk.zone());
      return created && *created >= only->from && *created < only->to;
    };
  if (!tickets) keep = [](const TicketHead&) { return false; };
  for (auto& t : tickets_where(desk, keep)) {
    for (const auto& c : ticket_callbacks(t)) callbacks.push_back({c.ticket, c.reached, c.score});
    auto created = parse_iso(t.created_at, desk.zone());
    SlaState st = compute_sla(t, desk.settings(), desk.now());
    st.intervals.clear();
    in.tickets.push_back({std::move(t), std::move(st), created});
  }
  in.callbacks = std::move(callbacks);
  std::vector<KpiComplaint> complaints;
  for (const auto& c : all_complaints(desk))
    if (c.status != "cancelled")  // recorded by mistake: counted nowhere
      complaints.push_back({c.id, c.customer, c.ticket, c.against, c.cause, c.status, c.due,
                            c.created_at, c.closed_at, c.overdue, c.text});
  in.complaints = std::move(complaints);
  std::vector<KpiSurvey> surveys;
  for (const auto& r : all_survey_responses(desk)) surveys.push_back({r.customer, r.at, r.scores});
  in.surveys = std::move(surveys);
  std::vector<KpiArticle> articles;
  desk.walk("kb", [&](const std::string& path, const git_oid& id) {
    if (path.size() < 6 || path.compare(path.size() - 5, 5, ".yaml") != 0) return;
    try {
      Json doc = parse_yaml(desk.blob(id), path).doc;
      if (!doc.is_object()) return;
      auto s = [&](const char* k) {
        return doc.contains(k) && doc[k].is_string() ? doc[k].get<std::string>() : "";
      };
      if (s("published_at").empty()) return;
      articles.push_back({s("id"), s("author"), s("published_at")});
    } catch (const Error&) {
      // a broken article is reported by `sdesk verify`, not by reports
    }
  });
  in.articles = std::move(articles);
  return in;
}

Json compute_kpi(const KpiInputs& in, const Period& p, Zone zone, Time now) {
  long n = 0, resp_den = 0, resp_ok = 0, res_den = 0, res_ok = 0, resolved = 0, first_line = 0,
       esc = 0, vesc = 0, reopened = 0, ever_resolved = 0, closed = 0, n_tta = 0, n_ttr = 0;
  double sum_tta = 0, sum_ttr = 0;
  std::set<std::string> ids, closed_ids;
  for (const auto& kt : in.tickets) {
    const Ticket& t = kt.t;
    const SlaState& st = kt.st;
    if (!created_in(kt, p, zone)) continue;
    ++n;
    ids.insert(t.id);
    bool responded = !t.responded_at.empty();
    bool is_resolved = !t.resolved_at.empty();
    bool cancelled = t.status == "cancelled";
    if (st.response_due && (responded || (!cancelled && *st.response_due <= now))) {
      ++resp_den;
      if (responded && !st.response_breached) ++resp_ok;
    }
    if (st.resolve_due && (is_resolved || (!cancelled && *st.resolve_due <= now))) {
      ++res_den;
      if (is_resolved && !st.resolve_breached) ++res_ok;
    }
    if (is_resolved) {
      ++resolved;
      if (!t.left_l1 && !t.to_vendor) ++first_line;
    }
    if (is_resolved || t.reopen_count > 0) ++ever_resolved;
    if (t.reopen_count > 0) ++reopened;
    if (t.left_l1) ++esc;
    if (t.to_vendor) ++vesc;
    // Means of exact durations (seconds), so that truncating each ticket's minutes does not
    // pull them down; rounded once, where they are shown.
    // (A state that carries minutes only counts them whole.)
    auto exact = [](const std::optional<std::int64_t>& secs,
                    const std::optional<std::int64_t>& mins) -> std::optional<double> {
      if (secs) return static_cast<double>(*secs) / 60.0;
      if (mins) return static_cast<double>(*mins);
      return std::nullopt;
    };
    if (auto v = exact(st.seconds_to_response, st.minutes_to_response); responded && v) {
      sum_tta += *v;
      ++n_tta;
    }
    if (auto v = exact(st.seconds_to_resolve, st.minutes_to_resolve); is_resolved && v) {
      sum_ttr += *v;
      ++n_ttr;
    }
    if (t.status == "closed") {
      ++closed;
      closed_ids.insert(t.id);
    }
  }
  Json k = Json::object();
  k["tickets"] = n;
  k["response_ontime_rate"] = ratio(resp_ok, resp_den);
  k["resolve_ontime_rate"] = ratio(res_ok, res_den);
  k["first_line_resolution_rate"] = ratio(first_line, resolved);
  k["escalation_rate"] = ratio(esc, n);
  k["vendor_escalation_rate"] = ratio(vesc, n);
  k["reopen_rate"] = ratio(reopened, ever_resolved);
  k["mtta_minutes"] = mean(sum_tta, n_tta);
  k["mttr_minutes"] = mean(sum_ttr, n_ttr);
  if (in.callbacks) {
    std::set<std::string> called;
    double sum = 0;
    long scored = 0;
    for (const auto& c : *in.callbacks) {
      if (!c.reached || !ids.count(c.ticket)) continue;
      if (closed_ids.count(c.ticket)) called.insert(c.ticket);
      if (c.score) sum += *c.score, ++scored;
    }
    k["callback_rate"] = ratio(static_cast<long>(called.size()), closed);
    k["callback_satisfaction"] = mean(sum, scored);
  } else {
    k["callback_rate"] = Json();
    k["callback_satisfaction"] = Json();
  }
  if (in.complaints) {
    long count = 0, due = 0, ontime = 0;
    for (const auto& c : *in.complaints) {
      if (!in_period(c.created_at, p, zone)) continue;
      ++count;
      auto d = parse_opt(c.due, zone);
      auto cl = parse_opt(c.closed_at, zone);
      if (!d || (!cl && *d > now)) continue;
      ++due;
      if (cl && *cl <= *d) ++ontime;
    }
    k["complaints"] = count;
    k["complaint_ontime_rate"] = ratio(ontime, due);
  } else {
    k["complaints"] = Json();
    k["complaint_ontime_rate"] = Json();
  }
  if (in.surveys) {
    Json s = Json::object();
    for (const auto& dim : dimensions()) {
      double sum = 0;
      long cnt = 0;
      for (const auto& r : *in.surveys) {
        auto it = r.scores.find(dim);
        if (it == r.scores.end() || !in_period(r.at, p, zone)) continue;
        sum += it->second;
        ++cnt;
      }
      s[dim] = mean(sum, cnt);
    }
    k["survey_scores"] = s;
  } else {
    k["survey_scores"] = Json();
  }
  if (in.articles) {
    long cnt = 0;
    for (const auto& a : *in.articles)
      if (in_period(a.published_at, p, zone)) ++cnt;
    k["kb_articles"] = cnt;
  } else {
    k["kb_articles"] = Json();
  }
  return k;
}

std::map<std::string, KpiInputs> split_inputs(const KpiInputs& in, const std::string& by) {
  std::map<std::string, KpiInputs> out;
  std::map<std::string, std::string> key_of;  // ticket id -> group
  auto group = [&](const std::string& key) -> KpiInputs& {
    auto it = out.find(key);
    if (it != out.end()) return it->second;
    KpiInputs& g = out[key];
    if (in.callbacks) g.callbacks.emplace();
    if (in.complaints) g.complaints.emplace();
    if (in.surveys && by == "customer") g.surveys.emplace();
    if (in.articles && by == "staff") g.articles.emplace();
    return g;
  };
  for (const auto& kt : in.tickets) {
    const Ticket& t = kt.t;
    std::string key = by == "staff"      ? t.owner
                      : by == "tier"     ? t.tier
                      : by == "category" ? t.category
                                         : t.customer;
    key_of[t.id] = key;
    group(key).tickets.push_back(kt);
  }
  if (in.callbacks)
    for (const auto& c : *in.callbacks) {
      auto it = key_of.find(c.ticket);
      if (it != key_of.end()) group(it->second).callbacks->push_back(c);
    }
  if (in.complaints)
    for (const auto& c : *in.complaints) {
      std::optional<std::string> key;
      auto via_ticket = key_of.find(c.ticket);
      if (by == "staff" && !c.against.empty())
        key = c.against;
      else if (by == "customer")
        key = c.customer;
      else if (via_ticket != key_of.end())
        key = via_ticket->second;
      if (key) group(*key).complaints->push_back(c);
    }
  if (in.surveys && by == "customer")
    for (const auto& r : *in.surveys)
      if (!r.customer.empty()) group(r.customer).surveys->push_back(r);
  if (in.articles && by == "staff")
    for (const auto& a : *in.articles)
      if (!a.author.empty()) group(a.author).articles->push_back(a);
  return out;
}

Json kpi_report(const KpiInputs& in, const Period& p, Zone zone, Time now, const std::string& by) {
  Json doc = Json::object();
  doc["period"] = {{"from", p.from_text}, {"to", p.to_text}};
  doc["kpi"] = compute_kpi(in, p, zone, now);
  if (by.empty()) return doc;
  if (by != "staff" && by != "tier" && by != "category" && by != "customer")
    usage_error("--by: '{}' is not staff, tier, category or customer", by);
  doc["by"] = by;
  Json rows = Json::array();
  for (const auto& [key, g] : split_inputs(window(in, p, zone), by)) {
    Json k = compute_kpi(g, p, zone, now);
    bool empty = k["tickets"] == 0 && (k["complaints"].is_null() || k["complaints"] == 0) &&
                 (k["kb_articles"].is_null() || k["kb_articles"] == 0);
    if (empty) continue;
    rows.push_back({{"key", key}, {"kpi", k}});
  }
  doc["rows"] = rows;
  return doc;
}

const std::vector<std::pair<std::string, std::string>>& kpi_names() {
  static const std::vector<std::pair<std::string, std::string>> k = {
      {"tickets", "工单数"},
      {"response_ontime_rate", "响应及时率"},
      {"resolve_ontime_rate", "解决及时率"},
      {"first_line_resolution_rate", "一线解决率"},
      {"escalation_rate", "升级率"},
      {"vendor_escalation_rate", "厂商升级率"},
      {"reopen_rate", "重开率"},
      {"mtta_minutes", "平均响应时长(分钟)"},
      {"mttr_minutes", "平均解决时长(分钟)"},
      {"callback_rate", "回访率"},
      {"callback_satisfaction", "回访满意度"},
      {"complaints", "投诉数"},
      {"complaint_ontime_rate", "投诉处理及时率"},
      {"survey_scores", "满意度调查得分"},
      {"kb_articles", "知识库文章"}};
  return k;
}

std::string kpi_cell(const std::string& key, const Json& v) {
  if (v.is_null()) return "—";
  if (v.is_object()) {
    std::string out;
    for (auto it = v.begin(); it != v.end(); ++it)
      out += (out.empty() ? "" : " ") + it.key() + "=" +
             (it.value().is_null() ? "—" : fmt::format("{:.2f}", it.value().get<double>()));
    return out;
  }
  if (!v.is_number()) return v.dump();
  double d = v.get<double>();
  if (key.size() > 5 && key.compare(key.size() - 5, 5, "_rate") == 0)
    return fmt::format("{:.1f}%", d * 100);
  if (v.is_number_integer()) return std::to_string(v.get<long>());
  if (key == "callback_satisfaction") return fmt::format("{:.2f}", d);
  return fmt::format("{:.1f}", d);
}

const std::vector<std::string>& scorecard_keys() {
  static const std::vector<std::string> k = {"tickets",
                                             "response_ontime_rate",
                                             "resolve_ontime_rate",
                                             "first_line_resolution_rate",
                                             "escalation_rate",
                                             "reopen_rate",
                                             "mtta_minutes",
                                             "mttr_minutes",
                                             "callback_rate",
                                             "callback_satisfaction",
                                             "complaints",
                                             "kb_articles"};
  return k;
}

std::map<std::string, double> scorecard_weights(const Settings& s, const std::string& role) {
  if (auto it = s.kpi_role_weights.find(role); it != s.kpi_role_weights.end()) return it->second;
  std::map<std::string, double> w = s.kpi_weights;
  if (w.empty() && role == "l2")
    // An l2 consultant works what l1 could not: rated on time, on reopening and on the
    // customer's word, never on first-line resolution, which no escalated ticket can earn.
    return {{"response_ontime_rate", 0.2},
            {"resolve_ontime_rate", 0.4},
            {"reopen_rate", 0.2},
            {"callback_satisfaction", 0.2}};
  if (w.empty())
    w = {{"response_ontime_rate", 0.3},
         {"resolve_ontime_rate", 0.3},
         {"first_line_resolution_rate", 0.2},
         {"callback_satisfaction", 0.2}};
  if (role == "l2") w.erase("first_line_resolution_rate");
  return w;
}

Json performance_report(const KpiInputs& all_in, const Period& p, const Desk& desk) {
  KpiInputs in = window(all_in, p, desk.zone());
  std::map<std::string, std::map<std::string, double>> by_role;
  for (const char* role : {"l1", "l2"}) by_role[role] = scorecard_weights(desk.settings(), role);
  const std::map<std::string, double>& weights = by_role["l1"];
  Json rows = Json::array();
  for (const auto& [id, s] : desk.staff()) {
    if (!s.active || (s.role != "l1" && s.role != "l2")) continue;
    KpiInputs mine;
    std::set<std::string> ids;
    for (const auto& kt : in.tickets)
      if (kt.t.owner == id || ever_assigned(kt.t, id)) {
        mine.tickets.push_back(kt);
        ids.insert(kt.t.id);
      }
    if (in.callbacks) {
      mine.callbacks.emplace();
      for (const auto& c : *in.callbacks)
        if (ids.count(c.ticket)) mine.callbacks->push_back(c);
    }
    if (in.complaints) {
      mine.complaints.emplace();
      for (const auto& c : *in.complaints)
        if (c.against == id) mine.complaints->push_back(c);
    }
    if (in.articles) {
      mine.articles.emplace();
      for (const auto& a : *in.articles)
        if (a.author == id) mine.articles->push_back(a);
    }
    Json all = compute_kpi(mine, p, desk.zone(), desk.now());
    Json k = Json::object();
    for (const auto& key : scorecard_keys()) k[key] = all[key];
    double sum = 0, wsum = 0;
    for (const auto& [key, w] : by_role[s.role]) {
      if (!all.contains(key) || !all[key].is_number()) continue;
      double v = all[key].get<double>();
      if (key == "callback_satisfaction")
        v = (v - 1) / 4;
      else if (key == "escalation_rate" || key == "vendor_escalation_rate" || key == "reopen_rate")
        v = 1 - v;
      else if (key.size() < 5 || key.compare(key.size() - 5, 5, "_rate") != 0)
        continue;  // counts and minutes have no scale to weigh
      sum += w * v;
      wsum += w;
    }
    Json score = wsum > 0 ? Json(std::round(sum / wsum * 1000) / 10) : Json();
    rows.push_back({{"rank", nullptr},
                    {"staff", id},
                    {"name", s.name},
                    {"role", s.role},
                    {"score", score},
                    {"kpi", k}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
    if (a["score"].is_null() != b["score"].is_null()) return b["score"].is_null();
    if (a["score"].is_null()) return false;
    return a["score"].get<double>() > b["score"].get<double>();
  });
  int rank = 0;
  for (auto& r : rows) r["rank"] = ++rank;
  Json w = Json::object();
  for (const auto& [key, v] : weights) w[key] = v;
  Json w_roles = Json::object();
  for (const auto& [role, ws] : by_role)
    for (const auto& [key, v] : ws) w_roles[role][key] = v;
  Json doc = Json::object();
  doc["period"] = {{"from", p.from_text}, {"to", p.to_text}};
  doc["weights"] = w;  // l1's, as before tiers had their own
  doc["weights_by_role"] = w_roles;
  doc["rows"] = rows;
  return doc;
}

Json complaints_report(const KpiInputs& in, const std::optional<Period>& p, Zone zone) {
  Json doc = Json::object();
  doc["period"] = p ? Json{{"from", p->from_text}, {"to", p->to_text}} : Json();
  if (!in.complaints) {
    for (const char* k : {"total", "overdue", "overdue_share", "by_cause", "by_person", "by_month"})
      doc[k] = Json();
    return doc;
  }
  std::map<std::string, long> cause, person, month;
  long total = 0, overdue = 0;
  for (const auto& c : *in.complaints) {
    if (p && !in_period(c.created_at, *p, zone)) continue;
    ++total;
    if (c.overdue) ++overdue;
    ++cause[c.cause.empty() ? "" : c.cause];
    ++person[c.against];
    auto t = parse_opt(c.created_at, zone);
    month[t ? format_day(local_day(*t, zone)).substr(0, 7) : ""]++;
  }
  auto list = [](const std::map<std::string, long>& m) {
    std::vector<std::pair<std::string, long>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    Json arr = Json::array();
    for (const auto& [k, n] : v) arr.push_back({{"key", k}, {"count", n}});
    return arr;
  };
  Json months = Json::array();
  for (const auto& [k, n] : month) months.push_back({{"key", k}, {"count", n}});
  doc["total"] = total;
  doc["overdue"] = overdue;
  doc["overdue_share"] = ratio(overdue, total);
  doc["by_cause"] = list(cause);
  doc["by_person"] = list(person);
  doc["by_month"] = months;
  return doc;
}

Period previous_period(const Period& p, Zone zone) {
  date::local_days from = local_day(p.from, zone), to = local_day(p.to, zone);
  date::year_month_day f{from}, t{to};
  Period prev;
  bool month = f.day() == date::day{1} && t.day() == date::day{1} &&
               date::year_month{t.year(), t.month()} ==
                   date::year_month{f.year(), f.month()} + date::months{1} &&
               day_start(from, zone) == p.from && day_start(to, zone) == p.to;
  if (month) {
    date::year_month ym = date::year_month{f.year(), f.month()} - date::months{1};
    date::local_days start{ym / date::day{1}};
    prev = {day_start(start, zone), p.from, format_day(start), format_day(from - date::days{1})};
  } else {
    Time start = p.from - (p.to - p.from);
    prev = {start, p.from, format_day(local_day(start, zone)),
            format_day(local_day(p.from - std::chrono::seconds(1), zone))};
  }
  return prev;
}

std::map<std::string, double> kpi_targets(const Settings& s) {
  std::map<std::string, double> t = {{"response_ontime_rate", 0.95},
                                     {"resolve_ontime_rate", 0.90},
                                     {"first_line_resolution_rate", 0.70},
                                     {"reopen_rate", 0.05},
                                     {"callback_rate", 0.30},
                                     {"callback_satisfaction", 4.5},
                                     {"complaint_ontime_rate", 1.0}};
  for (const auto& [k, v] : s.kpi_targets) t[k] = v;
  return t;
}

bool kpi_lower_is_better(const std::string& key) {
  return key == "escalation_rate" || key == "vendor_escalation_rate" || key == "reopen_rate" ||
         key == "mtta_minutes" || key == "mttr_minutes" || key == "complaints";
}

Json monthly_data(const KpiInputs& in, const Period& p, const Desk& desk) {
  Zone zone = desk.zone();
  Time now = desk.now();
  Json doc = kpi_report(in, p, zone, now);
  doc["generated_at"] = desk.stamp(now);
  Period prev = previous_period(p, zone);
  doc["previous"] = {{"period", {{"from", prev.from_text}, {"to", prev.to_text}}},
                     {"kpi", compute_kpi(window(in, prev, zone), prev, zone, now)}};
  Json targets = Json::object();
  for (const auto& [k, v] : kpi_targets(desk.settings())) targets[k] = v;
  doc["targets"] = targets;
  Json ranking = Json::array();
  Json performance = performance_report(in, p, desk);
  for (const auto& r : performance["rows"])
    ranking.push_back({{"rank", r["rank"]},
                       {"staff", r["staff"]},
                       {"name", r["name"]},
                       {"role", r["role"]},
                       {"score", r["score"]},
                       {"tickets", r["kpi"]["tickets"]}});
  doc["ranking"] = ranking;
  Json complaints = Json::array();
  if (in.complaints)
    for (const auto& c : *in.complaints)
      if (in_period(c.created_at, p, zone))
        complaints.push_back({{"id", c.id},
                              {"customer", c.customer},
                              {"text", c.text},
                              {"status", c.status},
                              {"due", c.due},
                              {"overdue", c.overdue},
                              {"closed_at", c.closed_at.empty() ? Json() : Json(c.closed_at)}});
  doc["complaints"] = complaints;
  Json majors = Json::array(), breached = Json::array();
  auto name_of = [&](const std::string& id) {
    auto it = desk.staff().find(id);
    return it == desk.staff().end() ? id : it->second.name;
  };
  for (const auto& kt : in.tickets) {
    if (!created_in(kt, p, zone)) continue;
    const Ticket& t = kt.t;
    if (t.major) {
      long children = 0;
      for (const auto& other : in.tickets)
        if (other.t.parent == t.id) ++children;
      majors.push_back({{"id", t.id},
                        {"title", t.title},
                        {"status", t.status},
                        {"created_at", t.created_at},
                        {"resolved_at", t.resolved_at.empty() ? Json() : Json(t.resolved_at)},
                        {"children", children}});
    }
    if (t.status != "cancelled" && (kt.st.response_breached || kt.st.resolve_breached))
      breached.push_back({{"id", t.id},
                          {"priority", t.priority},
                          {"title", t.title},
                          {"customer", t.customer},
                          {"assignee", t.assignee},
                          {"assignee_name", t.assignee.empty() ? "" : name_of(t.assignee)},
                          {"status", t.status},
                          {"response_breached", kt.st.response_breached},
                          {"resolve_breached", kt.st.resolve_breached}});
  }
  doc["major_incidents"] = majors;
  doc["breached"] = breached;
  Json days = Json::array();
  for (Time d = p.from; d < p.to;) {
    date::local_days ld = local_day(d, zone);
    Time next = day_start(ld + date::days{1}, zone);
    Period day{d, std::min(next, p.to), format_day(ld), format_day(ld)};
    KpiInputs one;
    for (const auto& kt : in.tickets)
      if (created_in(kt, day, zone)) one.tickets.push_back(kt);
    Json k = compute_kpi(one, day, zone, now);
    days.push_back({{"date", format_day(ld)},
                    {"tickets", k["tickets"]},
                    {"response_ontime_rate", k["response_ontime_rate"]},
                    {"resolve_ontime_rate", k["resolve_ontime_rate"]}});
    d = next;
  }
  doc["days"] = days;
  Json tiers = {{"l1", 0}, {"l2", 0}, {"vendor", 0}};
  Json priorities = {{"P1", 0}, {"P2", 0}, {"P3", 0}, {"P4", 0}};
  for (const auto& kt : in.tickets) {
    if (!created_in(kt, p, zone)) continue;
    // a ticket counts under the highest tier it reached
    std::string tier = kt.t.to_vendor ? "vendor" : kt.t.left_l1 ? "l2" : "l1";
    tiers[tier] = tiers[tier].get<long>() + 1;
    if (priorities.contains(kt.t.priority))
      priorities[kt.t.priority] = priorities[kt.t.priority].get<long>() + 1;
  }
  doc["tiers"] = tiers;
  doc["priorities"] = priorities;
  return doc;
}

}  // namespace sdesk
