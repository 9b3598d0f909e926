#include "lib/quality/complaints.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "lib/store/calendar.hpp"
#include "lib/store/ids.hpp"
#include "lib/store/kinds.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/ticket/tickets.hpp"
#include "lib/util/error.hpp"

namespace sdesk {

namespace {

// Why an event may not apply to a complaint in its state, or "".
std::string why_illegal(const Complaint& c, const Json& e) {
  std::string a = str(e, "action");
  if (a == "new") return c.status.empty() ? "" : "the complaint already exists";
  if (c.status.empty()) return "the complaint has no 'new' event";
  if (a == "alias" || a == "conflict") return "";
  if (c.status == "closed" || c.status == "cancelled")
    return fmt::format("cannot {} a {} complaint", a, c.status);
  if (a == "cancel") return "";
  auto from = [&](std::initializer_list<const char*> ok) {
    for (const char* s : ok)
      if (c.status == s) return std::string();
    return fmt::format("cannot {} a complaint that is {}", a, c.status);
  };
  if (a == "investigate") return from({"received", "investigating"});
  if (a == "measure") return from({"investigating", "measures"});
  if (a == "reply") {
    if (c.status == "received") return "cannot reply before an investigation (investigate first)";
    return from({"investigating", "measures", "replied"});
  }
  if (a == "close") {
    if (c.reply.empty()) return "closing needs a reply to the customer (complaint reply first)";
    return from({"replied"});
  }
  if (a == "escalate") return c.escalated_at.empty() ? "" : "already escalated to the PM";
  return "unknown action '" + a + "'";
}

void join(std::string& into, const std::string& text) {
  if (text.empty()) return;
  into += (into.empty() ? "" : "\n") + text;
}

void apply(Complaint& c, const Json& e) {
  std::string a = str(e, "action");
  std::string by = str(e, "by");
  if (a == "new") {
    c.status = "received";
    c.customer = str(e, "customer");
    c.contact = str(e, "contact");
    c.channel = str(e, "channel");
    c.ticket = str(e, "ticket");
    c.against = str(e, "against");
    c.text = str(e, "text");
    c.due = str(e, "due");
    c.created_at = str(e, "at");
    c.created_by = by;
    c.handler = by;
  } else if (a == "investigate") {
    c.status = "investigating";
    join(c.investigation, str(e, "text"));
    if (!str(e, "cause").empty()) c.cause = str(e, "cause");
    c.handler = by;
  } else if (a == "measure") {
    c.status = "measures";
    join(c.measures, str(e, "text"));
    c.handler = by;
  } else if (a == "reply") {
    c.status = "replied";
    c.reply = str(e, "text");
    c.reply_accepted = e.contains("accepted") && e["accepted"].is_boolean()
                           ? std::optional<bool>(e["accepted"].get<bool>())
                           : std::nullopt;
    c.handler = by;
  } else if (a == "close") {
    c.status = "closed";
    c.closed_at = str(e, "at");
  } else if (a == "cancel") {
    c.status = "cancelled";  // recorded by mistake: it counts in no KPI
  } else if (a == "escalate") {
    c.escalated_at = str(e, "at");
  }
}

// Adds a duration to an instant on the desk's business calendar (Nd = N working days, Nh/Nm
// working time); on the 24x7 clock when the calendar does not cover the year.
Time add_duration(Time t, const Duration& d, const Settings& s) {
  try {
    Calendar cal(s);
    Clock clock(cal, true);
    if (d.unit == Duration::Unit::days) return clock.add_working_days(t, d.amount);
    return clock.advance(t, clock.target_seconds(t, d));
  } catch (const CalendarGap&) {
    if (d.unit == Duration::Unit::months) return add_months(t, static_cast<int>(d.amount), s.zone);
    return t + std::chrono::minutes(wall_minutes(d));
  }
}

}  // namespace

std::string complaint_yaml(const Complaint& c) {
  return emit_yaml(complaint_file_json(c),
                   "sdesk complaint (客户投诉反馈表). The fields above `events` are derived from\n"
                   "the events; append to events only through sdesk.");
}

std::string resolve_complaint_id(const Desk& desk, const std::string& prefix) {
  return resolve_object_id(desk, complaint_kind(), prefix);
}

std::string complaint_path(const std::string& id) {
  return "complaints/" + id_year_month(id).first + "/" + id + ".yaml";
}

Complaint fold_complaint(const std::string& id, std::vector<Json> events, Time now) {
  sort_events(events);
  Complaint c;
  c.id = id;
  for (const auto& e : events) {
    std::string why = why_illegal(c, e);
    if (why.empty())
      apply(c, e);
    else
      c.illegal[str(e, "id")] = why;
  }
  c.events = std::move(events);
  if (c.status != "closed" && c.status != "cancelled" && !c.due.empty()) {
    static const Zone utc = date::locate_zone("UTC");
    try {
      c.overdue = now > parse_time(c.due, utc, "due");
    } catch (const Error&) {
      c.overdue = false;
    }
  }
  return c;
}

Json complaint_file_json(const Complaint& c) {
  Json j = Json::object();
  j["id"] = c.id;
  j["status"] = c.status;
  j["customer"] = c.customer;
  j["contact"] = opt(c.contact);
  j["channel"] = opt(c.channel);
  j["ticket"] = opt(c.ticket);
  j["against"] = opt(c.against);
  j["text"] = c.text;
  j["investigation"] = opt(c.investigation);
  j["cause"] = opt(c.cause);
  j["measures"] = opt(c.measures);
  j["reply"] = opt(c.reply);
  j["reply_accepted"] = c.reply_accepted ? Json(*c.reply_accepted) : Json();
  j["handler"] = opt(c.handler);
  j["due"] = c.due;
  j["created_at"] = c.created_at;
  j["created_by"] = c.created_by;
  j["closed_at"] = opt(c.closed_at);
  j["escalated_at"] = opt(c.escalated_at);
  j["events"] = c.events;
  return j;
}

Json complaint_json(const Complaint& c) {
  Json f = complaint_file_json(c);
  Json j = Json::object();
  for (const char* k :
       {"id", "status", "customer", "contact", "channel", "ticket", "against", "text",
        "investigation", "cause", "measures", "reply", "reply_accepted", "handler", "due"})
    j[k] = f[k];
  j["overdue"] = c.overdue;
  j["created_at"] = f["created_at"];
  j["closed_at"] = f["closed_at"];
  j["events"] = f["events"];
  return j;
}

Complaint parse_complaint(const std::string& text, const std::string& file, Time now) {
  const ObjectKind& kind = complaint_kind();
  Parsed p = parse_yaml(text, file);
  std::vector<Json> events = checked_events(p, kind);
  Complaint c =
      fold_or_refuse(kind, file, [&] { return fold_complaint(p.doc["id"], events, now); });
  check_state_block(p, complaint_file_json(c), kind);
  return c;
}

std::vector<Complaint> all_complaints(const Desk& desk) {
  const ObjectKind& kind = complaint_kind();
  std::vector<Complaint> out;
  desk.walk("complaints", [&](const std::string& path, const git_oid& blob) {
    if (!is_yaml_path(path)) return;
    Parsed p = parse_yaml(desk.blob(blob), path);
    out.push_back(fold_or_refuse(kind, path, [&] {
      return fold_complaint(p.doc.value("id", ""), listed_events(p), desk.now());
    }));
  });
  std::sort(out.begin(), out.end(),
            [](const Complaint& a, const Complaint& b) { return a.id < b.id; });
  return out;
}

Complaint load_complaint(const Desk& desk, const std::string& prefix) {
  std::string id = resolve_complaint_id(desk, prefix);
  auto f = desk.read(complaint_path(id));
  if (!f) not_found("no complaint {}", prefix);
  return parse_complaint(f->text, f->path, desk.now());
}

Complaint create_complaint(Desk& desk, const ComplaintIntake& in) {
  const Staff& op = desk.op();
  if (in.customer.empty()) refuse("missing required information: --customer");
  if (in.text.empty()) refuse("missing required information: --text");
  return desk.write([&] {
    Json e = desk.new_event("new", op.id);
    e["customer"] = in.customer;
    if (!in.contact.empty()) e["contact"] = in.contact;
    std::string channel = in.channel.empty() ? desk.settings().complaint_channel : in.channel;
    if (!channel.empty()) e["channel"] = channel;
    if (!in.ticket.empty()) e["ticket"] = resolve_ticket_id(desk, in.ticket);
    if (!in.against.empty()) e["against"] = desk.staff_member(in.against).id;
    e["text"] = in.text;
    Time due;
    if (in.due.empty()) {
      due = add_duration(desk.now(), desk.settings().complaint_due, desk.settings());
    } else {
      bool is_duration = !in.due.empty() && std::isdigit(static_cast<unsigned char>(in.due[0])) &&
                         std::isalpha(static_cast<unsigned char>(in.due.back()));
      due = is_duration ? add_duration(desk.now(), parse_duration(in.due, "--due"), desk.settings())
                        : desk.parse(in.due, "--due");
    }
    e["due"] = desk.stamp(due);
    std::string id = allocate_object_id(desk, complaint_kind());
    Complaint c = fold_complaint(id, {e}, desk.now());
    desk.commit({{complaint_path(id), complaint_yaml(c)}}, id, "new", in.customer + ": " + in.text);
    return c;
  });
}

Complaint act_on_complaint(Desk& desk, const std::string& prefix, Json fields) {
  const Staff& op = desk.op();
  std::string action = fields["action"].get<std::string>();
  if ((action == "close" || action == "cancel") && op.role != "pm")
    refuse("{} ({}) may not {} a complaint: only the PM does", op.id, op.role, action);
  if (action == "cancel" && str(fields, "reason").empty())
    refuse("missing required information: --reason");
  if (action != "close" && action != "cancel" && action != "escalate" &&
      str(fields, "text").empty())
    refuse("missing required information: --text");
  return desk.write([&] {
    std::string id = resolve_complaint_id(desk, prefix);
    std::string path = complaint_path(id);
    desk.refuse_if_hand_edited(path);
    Complaint c = load_complaint(desk, id);
    Json e = desk.new_event(action, op.id);
    for (auto it = fields.begin(); it != fields.end(); ++it)
      if (it.key() != "action") e[it.key()] = it.value();
    std::string why = why_illegal(c, e);
    if (!why.empty()) refuse("{}: {}", id, why);
    std::vector<Json> events = c.events;
    desk.append_event(events, e);
    Complaint next = fold_complaint(id, std::move(events), desk.now());
    desk.commit({{path, complaint_yaml(next)}}, id, action,
                str(e, action == "cancel" ? "reason" : "text"));
    return next;
  });
}

int sweep_overdue(Desk& desk) {
  std::vector<Complaint> due;
  for (auto& c : all_complaints(desk))
    if (c.overdue && c.escalated_at.empty()) due.push_back(std::move(c));
  if (due.empty()) return 0;  // the common case: no lock, no write
  // Recorded by the operator when there is one (cron may have none: then the first PM).
  const Staff* author = nullptr;
  if (desk.has_operator()) author = &desk.op();
  for (const auto& [sid, s] : desk.staff())
    if (!author && s.role == "pm" && s.active) author = &s;
  if (!author) refuse("no operator and no active PM to record the complaint escalation");
  return desk.write([&] {
    std::vector<FileChange> changes;
    std::vector<std::string> ids;
    for (const auto& stale : due) {
      std::string path = complaint_path(stale.id);
      auto f = desk.read(path);
      if (!f || f->hand_edited) continue;  // a hand edit waits for `sdesk commit`
      Complaint c = parse_complaint(f->text, path, desk.now());
      if (!c.overdue || !c.escalated_at.empty()) continue;  // another sdesk got there first
      Json e = desk.new_event("escalate", author->id);
      e["to"] = "pm";
      e["due"] = c.due;
      std::vector<Json> events = c.events;
      desk.append_event(events, e);
      changes.push_back(
          {path, complaint_yaml(fold_complaint(c.id, std::move(events), desk.now()))});
      ids.push_back(c.id);
    }
    if (ids.empty()) return 0;
    std::vector<std::string> also(ids.begin() + 1, ids.end());
    desk.commit_as(*author, changes, ids.front(), "escalate",
                   fmt::format("overdue complaint{} to the PM{}", ids.size() == 1 ? "" : "s",
                               ids.size() == 1 ? "" : fmt::format(" ({})", ids.size())),
                   also);
    return static_cast<int>(ids.size());
  });
}

std::string complaint_form_md(const Complaint& c, const Desk& desk) {
  auto cellv = [](const std::string& s) {
    std::string o;
    for (char ch : s) {
      if (ch == '\n')
        o += "<br>";
      else if (ch == '|')
        o += "\\|";
      else
        o += ch;
    }
    return o.empty() ? std::string("—") : o;
  };
  auto when = [&](const std::string& iso) {
    return iso.empty() ? std::string() : format_short(desk.parse(iso, "time"), desk.zone());
  };
  auto name = [&](const std::string& id) {
    auto it = desk.staff().find(id);
    return it == desk.staff().end() || id.empty() ? id : it->second.name + " (" + id + ")";
  };
  std::string status_zh = c.status == "received"        ? "已受理"
                          : c.status == "investigating" ? "调查中"
                          : c.status == "measures"      ? "整改中"
                          : c.status == "replied"       ? "已答复"
                          : c.status == "cancelled"     ? "已撤销"
                                                        : "已关闭";
  std::string accepted = !c.reply_accepted ? "—" : *c.reply_accepted ? "是" : "否";
  std::string out = "# 客户投诉反馈表\n\n";
  out += fmt::format("{} · {}\n\n", desk.settings().name, c.id);
  out += "| 项目 | 内容 |\n| --- | --- |\n";
  std::vector<std::pair<std::string, std::string>> rows = {
      {"投诉编号", c.id},
      {"状态", status_zh + " (" + c.status + ")"},
      {"投诉客户", c.customer},
      {"联系方式", c.contact},
      {"投诉渠道", c.channel},
      {"相关工单", c.ticket},
      {"被投诉人", name(c.against)},
      {"受理时间", when(c.created_at)},
      {"受理人", name(c.created_by)},
      {"处理时限", when(c.due) + (c.overdue ? " (已超时)" : "")},
      {"投诉内容", c.text},
      {"调查情况", c.investigation},
      {"原因分析", c.cause},
      {"整改措施", c.measures},
      {"答复客户", c.reply},
      {"客户是否认可", accepted},
      {"处理人", name(c.handler)},
      {"升级至项目经理", when(c.escalated_at)},
      {"关闭时间", when(c.closed_at)},
  };
  for (const auto& [k, v] : rows) out += "| " + k + " | " + cellv(v) + " |\n";
  return out;
}

namespace {
Folded fold_complaint_file(const std::string& id, std::vector<Json> events) {
  Complaint o = fold_complaint(id, std::move(events), Time{});
  return {complaint_yaml(o), o.illegal};
}
std::string check_complaint_file(const std::string& text, const std::string& file) {
  return parse_complaint(text, file, Time{}).id;
}
std::vector<std::pair<std::string, std::string>> complaint_former_ids(const Desk& desk) {
  return former_ids_of(all_complaints(desk));
}
}  // namespace

const ObjectKind& complaint_kind() {
  static const ObjectKind kind{"complaint",
                               "C",
                               "complaints/",
                               "complaint",
                               "",
                               complaint_path,
                               fold_complaint_file,
                               check_complaint_file,
                               complaint_former_ids};
  return kind;
}

}  // namespace sdesk
