#include "lib/notify/notify.hpp"

#include <algorithm>
#include <set>
#include <thread>

#include "lib/duty/duty.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/ticket/sla.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/util/error.hpp"
#include "lib/util/process.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

namespace {

constexpr auto kNews = std::chrono::hours(24);  // older events and crossings are not news
constexpr int kAttemptsInRun = 3;               // sends tried at once before a later retry
constexpr int kMaxAttempts = 8;                 // sends tried in all before giving up

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void add_unique(std::vector<std::string>& v, const std::string& x) {
  if (!x.empty() && !has(v, x)) v.push_back(x);
}

const std::vector<std::string>& known_events() {
  static const std::vector<std::string> v = {
      "new:P1",   "new:P2",      "new:P3",       "new:P4",        "major",
      "escalate", "sla_at_risk", "sla_breached", "complaint_due", "complaint_overdue",
      "handover", "daily"};
  return v;
}

// Names and phones of people, for message lines and @mentions.
struct People {
  const Desk& desk;
  std::string name(const std::string& id) const {
    auto it = desk.staff().find(id);
    return it == desk.staff().end() ? id : it->second.name;
  }
  std::string phone(const std::string& id) const {
    auto it = desk.staff().find(id);
    return it == desk.staff().end() ? "" : it->second.phone;
  }
  std::vector<std::string> pm_and_duty(Time at) const {
    std::vector<std::string> out;
    for (const auto& [id, s] : desk.staff())
      if (s.active && s.role == "pm") add_unique(out, s.phone);
    try {
      for (const auto& e : on_duty(desk, at))
        for (const auto& id : e.staff) add_unique(out, phone(id));
    } catch (const Error&) {
      // a roster that cannot be read leaves only the PM
    }
    return out;
  }
};

std::string when(const Desk& desk, const std::optional<Time>& t) {
  return t ? format_short(*t, desk.zone()) : std::string("—");
}

std::string next_actor(const People& p, const Ticket& t) {
  if (!t.assignee.empty()) return p.name(t.assignee);
  if (t.tier == "vendor") return "厂商 " + t.vendor;
  return t.tier + " 队列（待领取）";
}

// The fields every ticket message offers: ID, title, customer, priority, due, who acts next.
Message ticket_message(const Desk& desk, const Ticket& t, const std::string& kind,
                       const std::string& key) {
  People p{desk};
  SlaState st = compute_sla(t, desk.settings(), desk.now());
  Message m;
  m.key = key;
  m.kind = kind;
  m.tags = {kind};
  m.object = t.id;
  m.vars = {{"id", t.id},
            {"title", t.title},
            {"customer", t.customer.empty() ? "—" : t.customer},
            {"priority", t.priority},
            {"major", t.major ? "（重大事件）" : ""},
            {"due", when(desk, st.due)},
            {"next", next_actor(p, t)}};
  return m;
}

Message new_ticket_message(const Desk& desk, const Ticket& t) {
  Message m = ticket_message(desk, t, t.major ? "major" : "new", "new:" + t.id);
  m.tags = {"new:" + t.priority};
  if (t.major) m.tags.push_back("major");
  m.phones = People{desk}.pm_and_duty(desk.now());
  return m;
}

Message escalate_message(const Desk& desk, const Ticket& t, const Json& e) {
  People p{desk};
  std::string to = e.value("to", "");
  if (to == "vendor") to += ":" + e.value("vendor", "");
  Message m = ticket_message(desk, t, "escalate", "escalate:" + t.id + ":" + e.value("id", ""));
  m.vars["from"] = e.value("from", "");
  m.vars["to"] = to;
  m.vars["reason"] = e.value("reason", "");
  m.vars["done"] = e.value("done", "");
  m.vars["by"] = p.name(e.value("by", ""));
  if (!t.assignee.empty()) {
    add_unique(m.phones, p.phone(t.assignee));
  } else if (to == "l2") {
    for (const auto& [id, s] : desk.staff())
      if (s.active && s.role == "l2") add_unique(m.phones, s.phone);
  }
  if (to.rfind("vendor:", 0) == 0) {
    auto vendors = desk.vendors();
    auto it = vendors.find(to.substr(7));
    if (it != vendors.end() && it->second.contact.find('@') != std::string::npos) {
      // the contact may be "Name <mail>" or a bare address
      std::string c = it->second.contact;
      auto lt = c.find('<'), gt = c.find('>');
      if (lt != std::string::npos && gt > lt) c = c.substr(lt + 1, gt - lt - 1);
      m.mail_to.push_back(c);
    }
  }
  return m;
}

Message handover_message(const Desk& desk, const Json& doc) {
  People p{desk};
  Message m;
  m.kind = "handover";
  m.key = "handover:" + doc.value("id", "");
  m.object = doc.value("id", "");
  m.tags = {"handover"};
  auto count = [&](const char* k) { return std::to_string(doc.contains(k) ? doc[k].size() : 0); };
  m.vars = {{"from", p.name(doc.value("from", ""))},
            {"to", p.name(doc.value("to", ""))},
            {"open", count("open")},
            {"at_risk", count("at_risk")},
            {"breached", count("breached")},
            {"escalations", count("escalations")},
            {"complaints_due", count("complaints_due")},
            {"note", doc.value("note", "")}};
  add_unique(m.phones, p.phone(doc.value("to", "")));
  return m;
}

std::set<std::string> event_ids(const Ticket& t) {
  std::set<std::string> out;
  for (const auto& e : t.events) out.insert(e.value("id", ""));
  return out;
}

bool fresh(const Desk& desk, const std::string& at) {
  if (at.empty()) return false;
  try {
    Time t = desk.parse(at, "at");
    return desk.now() - t < kNews;
  } catch (const Error&) {
    return false;
  }
}

Message complaint_message(const Desk& desk, const Complaint& c, bool overdue) {
  People p{desk};
  Message m;
  m.kind = overdue ? "complaint_overdue" : "complaint_due";
  m.key = m.kind + ":" + c.id;
  m.object = c.id;
  m.tags = {m.kind};
  std::string due;
  try {
    due = format_short(desk.parse(c.due, "due"), desk.zone());
  } catch (const Error&) {
    due = c.due;
  }
  m.vars = {{"id", c.id},
            {"customer", c.customer},
            {"text", one_line(c.text, 60)},
            {"status", c.status},
            {"due", due},
            {"next", c.handler.empty() ? "项目经理" : p.name(c.handler)}};
  for (const auto& [id, s] : desk.staff())
    if (s.active && s.role == "pm") add_unique(m.phones, s.phone);
  add_unique(m.phones, p.phone(c.handler));
  return m;
}

Message daily_message(const Desk& desk, date::local_days day) {
  People p{desk};
  int open = 0, created = 0, resolved = 0, breached = 0, at_risk = 0;
  Time since = desk.now() - kNews;
  for (const auto& t : all_tickets(desk)) {
    auto recent = [&](const std::string& at) {
      return !at.empty() && desk.parse(at, "at") >= since;
    };
    if (recent(t.created_at)) ++created;
    if (recent(t.resolved_at)) ++resolved;
    if (!is_open_status(t.status) || t.status == "resolved") continue;
    ++open;
    SlaState st = compute_sla(t, desk.settings(), desk.now());
    if (st.response_breached || st.resolve_breached)
      ++breached;
    else if (st.at_risk)
      ++at_risk;
  }
  int overdue = 0;
  for (const auto& c : all_complaints(desk))
    if (c.overdue) ++overdue;
  std::string duty;
  try {
    for (const auto& e : on_duty(desk, desk.now()))
      for (const auto& id : e.staff) duty += (duty.empty() ? "" : "、") + p.name(id);
  } catch (const Error&) {
  }
  Message m;
  m.kind = "daily";
  m.key = "daily:" + format_day(day);
  m.object = format_day(day);
  m.tags = {"daily"};
  m.vars = {{"desk", desk.settings().name},         {"date", format_day(day)},
            {"open", std::to_string(open)},         {"created", std::to_string(created)},
            {"resolved", std::to_string(resolved)}, {"breached", std::to_string(breached)},
            {"at_risk", std::to_string(at_risk)},   {"overdue", std::to_string(overdue)},
            {"duty", duty.empty() ? "—" : duty}};
  return m;
}

// sdesk's own wording of each kind of message; desk.yaml notify.messages overrides it.
const std::map<std::string, Wording>& default_wording() {
  static const std::string ticket =
      "工单：{id}\n标题：{title}\n客户：{customer}\n优先级：{priority}{major}\n时限：{due}\n"
      "下一步：{next}";
  static const std::map<std::string, Wording> w = {
      {"new", {"【新工单 {priority}】{title}", ticket}},
      {"major", {"【重大事件】{title}", ticket}},
      {"escalate",
       {"【工单升级】{title}",
        ticket + "\n升级：{from} → {to}\n原因：{reason}\n已做：{done}\n升级人：{by}"}},
      {"sla_at_risk", {"【SLA 预警】{title}", ticket + "\n{clock}剩余：{left} 分钟"}},
      {"sla_breached", {"【SLA 超时】{title}", ticket + "\n{clock}时限已过"}},
      {"complaint_due",
       {"【投诉即将到期】{customer}",
        "投诉：{id}\n客户：{customer}\n内容：{text}\n状态：{status}\n时限：{due}\n下一步：{next}"}},
      {"complaint_overdue",
       {"【投诉已超时】{customer}",
        "投诉：{id}\n客户：{customer}\n内容：{text}\n状态：{status}\n时限：{due}\n下一步：{next}"}},
      {"handover",
       {"【交接班】{from} → {to}",
        "未关闭工单：{open}\nSLA 预警：{at_risk}\nSLA 超时：{breached}\n升级中：{escalations}\n"
        "待办投诉：{complaints_due}\n备注：{note}"}},
      {"daily",
       {"【日报】{desk} {date}",
        "未关闭工单：{open}\n近 24 小时新建：{created}，解决：{resolved}\nSLA 超时：{breached}，"
        "预警：{at_risk}\n逾期投诉：{overdue}\n今日值班：{duty}"}}};
  return w;
}

// A wording with each {name} of vars filled in; other braces stay as they are.
std::string fill(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    auto it =
        close == std::string::npos ? vars.end() : vars.find(text.substr(i + 1, close - i - 1));
    if (it != vars.end()) {
      out += it->second;
      i = close + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// The message in the desk's wording (else sdesk's), when it has none of its own yet.
Message worded(const NotifyConfig& cfg, Message m) {
  if (!m.title.empty()) return m;
  auto it = cfg.wording.find(m.kind);
  const auto& w = default_wording();
  const Wording* use = it != cfg.wording.end() ? &it->second
                       : w.count(m.kind)       ? &w.at(m.kind)
                                               : nullptr;
  if (!use) return m;
  m.title = fill(use->title, m.vars);
  m.text = fill(use->text, m.vars);
  return m;
}

std::vector<std::string> channels_for(const NotifyConfig& cfg, const Message& m) {
  std::vector<std::string> out;
  for (const auto& r : cfg.rules) {
    bool match = false;
    for (const auto& t : m.tags) match = match || has(r.on, t);
    if (match)
      for (const auto& c : r.to) add_unique(out, c);
  }
  return out;
}

// One channel, one message: up to kAttemptsInRun sends with a growing pause, then recorded.
void attempt(const Desk& desk, DeliveryLog& log, const Channel& c, const Message& m,
             int attempts_before, NotifyResult& res) {
  Delivery d;
  d.key = m.key;
  d.channel = c.name;
  d.message = message_json(m);
  d.at = desk.stamp(desk.now());
  d.attempts = attempts_before;
  long real = system_now().time_since_epoch().count();
  if (c.per_minute > 0 && log.sent_since(c.name, real - 60) >= c.per_minute) {
    d.status = "deferred";
    d.next_try = desk.stamp(desk.now() + std::chrono::minutes(1));
    d.error = fmt::format("rate limit: {} a minute", c.per_minute);
    log.record(d);
    ++res.deferred;
    return;
  }
  for (int i = 0; i < kAttemptsInRun && d.attempts < kMaxAttempts; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << i));
    ++d.attempts;
    try {
      send_message(c, m, system_now());
      d.status = "sent";
      d.error.clear();
      d.sent_real = system_now().time_since_epoch().count();
      log.record(d);
      ++res.sent;
      return;
    } catch (const Error& e) {
      d.error = e.what();
    }
  }
  d.status = d.attempts >= kMaxAttempts ? "given_up" : "failed";
  if (d.status == "failed")
    d.next_try = desk.stamp(desk.now() + std::chrono::minutes(1 << std::min(d.attempts, 10)));
  log.record(d);
  ++res.failed;
  res.errors.push_back(fmt::format("{} → {}: {}", m.key, c.name, d.error));
}

// Delivers with the log already open and locked (see deliver).
NotifyResult deliver_to(const Desk& desk, const NotifyConfig& cfg, DeliveryLog& log,
                        const std::vector<Message>& msgs) {
  NotifyResult res;
  // What earlier runs left failed or deferred, once its time has come.
  for (const auto& d : log.all()) {
    if (d.status != "failed" && d.status != "deferred") continue;
    if (!d.next_try.empty() && desk.parse(d.next_try, "next_try") > desk.now()) continue;
    auto c = cfg.channels.find(d.channel);
    if (c == cfg.channels.end()) continue;
    attempt(desk, log, c->second, message_from_json(d.message), d.attempts, res);
  }
  for (const auto& m : msgs)
    for (const auto& name : channels_for(cfg, m)) {
      if (log.find(m.key, name)) continue;  // sent, or being retried: never twice
      attempt(desk, log, cfg.channels.at(name), worded(cfg, m), 0, res);
    }
  return res;
}

}  // namespace

NotifyConfig notify_config(const Settings& s) {
  NotifyConfig cfg;
  if (!s.doc.is_object() || !s.doc.contains("notify") || s.doc["notify"].is_null()) return cfg;
  const Json& n = s.doc["notify"];
  cfg.channels = parse_channels(n);
  if (n.contains("messages") && n["messages"].is_object())
    for (const auto& [kind, w] : n["messages"].items()) {
      if (!default_wording().count(kind))
        refuse("desk.yaml: notify.messages: unknown kind '{}'", kind);
      const Wording& d = default_wording().at(kind);
      cfg.wording[kind] = {w.value("title", d.title), w.value("text", d.text)};
    }
  if (!n.contains("rules")) return cfg;
  if (!n["rules"].is_array()) refuse("desk.yaml: notify.rules: expected a list of rules");
  for (const auto& j : n["rules"]) {
    NotifyRule r;
    auto strings = [&](const char* k) {
      std::vector<std::string> v;
      if (j.contains(k) && j[k].is_string()) v.push_back(j[k].get<std::string>());
      if (j.contains(k) && j[k].is_array())
        for (const auto& x : j[k])
          if (x.is_string()) v.push_back(x.get<std::string>());
      return v;
    };
    r.on = strings("on");
    r.to = strings("to");
    r.at = j.value("at", "");
    for (const auto& e : r.on)
      if (!has(known_events(), e)) refuse("desk.yaml: notify.rules: unknown event '{}'", e);
    for (const auto& c : r.to)
      if (!cfg.channels.count(c)) refuse("desk.yaml: notify.rules: unknown channel '{}'", c);
    if (has(r.on, "daily")) {
      if (r.at.size() != 5 || r.at[2] != ':' || !isdigit(r.at[0]) || !isdigit(r.at[1]) ||
          !isdigit(r.at[3]) || !isdigit(r.at[4]) || std::stoi(r.at.substr(0, 2)) > 23 ||
          std::stoi(r.at.substr(3)) > 59)
        refuse("desk.yaml: notify.rules: a daily rule needs at: \"HH:MM\" (got '{}')", r.at);
    }
    cfg.rules.push_back(std::move(r));
  }
  return cfg;
}

std::vector<Message> pushed_messages(const Desk& desk, const std::optional<git_oid>& old_commit,
                                     const git_oid& new_commit) {
  const Repo& repo = desk.repo();
  TreePtr new_tree = repo.tree_of(new_commit);
  TreePtr old_tree = old_commit ? repo.tree_of(*old_commit) : TreePtr();
  git_diff* raw = nullptr;
  git_diff_options o = GIT_DIFF_OPTIONS_INIT;
  std::string tickets = "tickets/", handovers = "handovers/";
  char* specs[] = {tickets.data(), handovers.data()};
  o.pathspec = {specs, 2};
  git_check(git_diff_tree_to_tree(&raw, repo.get(), old_tree.get(), new_tree.get(), &o),
            "diff the pushed range");
  DiffPtr diff(raw);
  std::vector<Message> out;
  size_t n = git_diff_num_deltas(raw);
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    if (d->status == GIT_DELTA_DELETED) continue;
    std::string path = d->new_file.path;
    if (path.size() < 6 || path.compare(path.size() - 5, 5, ".yaml") != 0) continue;
    try {
      std::string text = repo.blob_text(d->new_file.id);
      if (path.rfind("handovers/", 0) == 0) {
        if (d->status != GIT_DELTA_ADDED) continue;
        Json doc = parse_yaml(text, path).doc;
        if (fresh(desk, doc.value("at", ""))) out.push_back(handover_message(desk, doc));
        continue;
      }
      Ticket t = parse_ticket_fast(text, path);
      std::set<std::string> before;
      if (d->status != GIT_DELTA_ADDED && old_tree) {
        if (auto old_text = repo.read_at(old_tree.get(), path))
          before = event_ids(parse_ticket_fast(*old_text, path));
      }
      for (const auto& e : t.events) {
        if (before.count(e.value("id", "")) || !fresh(desk, e.value("at", ""))) continue;
        std::string action = e.value("action", "");
        if (action == "new") out.push_back(new_ticket_message(desk, t));
        if (action == "escalate") out.push_back(escalate_message(desk, t, e));
      }
    } catch (const Error&) {
      // a file the pre-receive hook let through but this sdesk cannot read: nothing to tell
    }
  }
  return out;
}

std::vector<Message> threshold_messages(const Desk& desk, const NotifyConfig& cfg) {
  std::vector<Message> out;
  Time now = desk.now();
  for (const auto& t : open_tickets(desk)) {
    SlaState st = compute_sla(t, desk.settings(), now);
    if (!st.due) continue;  // no running clock (paused, resolved, or no calendar)
    std::string which = t.responded_at.empty() && st.response_due && *st.due == *st.response_due
                            ? "response"
                            : "resolve";
    std::string label = which == "response" ? "响应" : "解决";
    if (now >= *st.due) {
      if (now - *st.due >= kNews) continue;
      Message m = ticket_message(desk, t, "sla_breached", "sla_breached:" + t.id + ":" + which);
      m.vars["clock"] = label;
      add_unique(m.phones, People{desk}.phone(t.assignee.empty() ? t.owner : t.assignee));
      for (const auto& [id, s] : desk.staff())
        if (s.active && s.role == "pm") add_unique(m.phones, s.phone);
      out.push_back(std::move(m));
    } else if (st.at_risk) {
      Message m = ticket_message(desk, t, "sla_at_risk", "sla_at_risk:" + t.id + ":" + which);
      m.vars["clock"] = label;
      m.vars["left"] = std::to_string(st.left_minutes ? *st.left_minutes : 0);
      add_unique(m.phones, People{desk}.phone(t.assignee.empty() ? t.owner : t.assignee));
      out.push_back(std::move(m));
    }
  }
  for (const auto& c : all_complaints(desk)) {
    if (c.status == "closed" || c.status == "cancelled" || c.due.empty()) continue;
    Time due;
    try {
      due = desk.parse(c.due, "due");
    } catch (const Error&) {
      continue;
    }
    if (now >= due && now - due < kNews)
      out.push_back(complaint_message(desk, c, true));
    else if (now < due && due - now <= kNews)
      out.push_back(complaint_message(desk, c, false));
  }
  date::local_days today = local_day(now, desk.zone());
  for (const auto& r : cfg.rules) {
    if (!has(r.on, "daily")) continue;
    int minute = std::stoi(r.at.substr(0, 2)) * 60 + std::stoi(r.at.substr(3));
    auto local = date::local_seconds(today) + std::chrono::minutes(minute);
    Time at = std::chrono::time_point_cast<std::chrono::seconds>(
        desk.zone()->to_sys(local, date::choose::earliest));
    if (now >= at && now - at < std::chrono::hours(12)) {
      out.push_back(daily_message(desk, today));
      break;
    }
  }
  return out;
}

NotifyResult deliver(const Desk& desk, const NotifyConfig& cfg, const std::vector<Message>& msgs) {
  if (cfg.channels.empty()) return {};
  DeliveryLog log(desk.repo().gitdir());
  return deliver_to(desk, cfg, log, msgs);
}

NotifyResult notify_push(const Desk& desk, const std::string& old_hex, const std::string& new_hex,
                         const std::string& ref) {
  if (ref != desk.repo().head_branch()) return {};  // only the desk's own branch is news
  auto oid = [](const std::string& hex) -> std::optional<git_oid> {
    git_oid id;
    if (hex.find_first_not_of('0') == std::string::npos) return std::nullopt;
    if (git_oid_fromstrn(&id, hex.c_str(), hex.size()) != 0)
      usage_error("'{}' is not a commit id", hex);
    return id;
  };
  auto to = oid(new_hex);
  NotifyConfig cfg = notify_config(desk.settings());
  if (!to || cfg.channels.empty()) return {};  // a deletion, or nobody to tell
  return deliver(desk, cfg, pushed_messages(desk, oid(old_hex), *to));
}

NotifyResult notify_sweep(const Desk& desk, const NotifyConfig& cfg) {
  if (cfg.channels.empty()) return {};
  DeliveryLog log(desk.repo().gitdir());
  std::vector<Message> msgs;
  auto head = desk.repo().head();
  if (head) {
    std::optional<git_oid> seen;
    git_oid id;
    std::string hex = log.swept();
    git_commit* probe = nullptr;
    if (!hex.empty() && git_oid_fromstr(&id, hex.c_str()) == 0 &&
        git_commit_lookup(&probe, desk.repo().get(), &id) == 0) {
      CommitPtr keep(probe);
      seen = id;
    }
    if (!seen || !oid_eq(*seen, *head)) msgs = pushed_messages(desk, seen, *head);
  }
  auto crossed = threshold_messages(desk, cfg);
  msgs.insert(msgs.end(), crossed.begin(), crossed.end());
  NotifyResult res = deliver_to(desk, cfg, log, msgs);
  if (head) log.set_swept(oid_hex(*head));
  return res;
}

void notify_test(const Desk& desk, const std::string& channel) {
  NotifyConfig cfg = notify_config(desk.settings());
  auto it = cfg.channels.find(channel);
  if (it == cfg.channels.end()) not_found("no channel {} in desk.yaml notify.channels", channel);
  Message m;
  m.kind = "test";
  m.key = "test:" + desk.stamp(desk.now());
  m.object = "desk";
  m.tags = {"test"};
  m.title = fmt::format("【测试】{} 通知测试", desk.settings().name);
  m.text = fmt::format("这是一条测试消息。\n渠道：{}（{}）\n时间：{}", channel, it->second.type,
                       format_short(desk.now(), desk.zone()));
  send_message(it->second, m, system_now());
}

std::string post_receive_hook(const std::string& exe) {
  std::string quoted = shell_quote(exe);
  return "#!/bin/sh\n"
         "# sdesk: notify the events of each push (written by `sdesk hook install`).\n"
         "# Channel secrets: notify.env in this repository (KEY=value lines, mode 600), if any.\n"
         "SDESK=" +
         quoted +
         "\n"
         "env=\"${GIT_DIR:-.}/notify.env\"\n"
         "if [ -r \"$env\" ]; then set -a; . \"$env\"; set +a; fi\n"
         "while read old new ref; do\n"
         "  \"$SDESK\" -C \"${GIT_DIR:-.}\" notify push \"$old\" \"$new\" \"$ref\" || true\n"
         "done\n"
         "exit 0\n";
}

}  // namespace sdesk
