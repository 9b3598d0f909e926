// Work orders (工单): intake, the lifecycle verbs, show, list and the audit log.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "lib/kb/kb.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/store/kinds.hpp"
#include "lib/sync/objects.hpp"
#include "lib/ticket/query.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/ticket/templates.hpp"
#include "lib/ticket/tickets.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

namespace {

struct NewOptions {
  Intake in;
  std::vector<std::string> env;
  std::string template_name;
};

struct ActOptions {
  std::string id, staff, text, reason, done, to, solution, cause, kb, confirmed_by, parent, assign;
  bool customer = false, clear = false;
};

struct EditOptions {
  std::string id;
  TicketEdit edit;
  std::vector<std::string> env;
};

std::string short_time(const std::string& iso, Zone zone) {
  if (iso.empty()) return "";
  return format_short(parse_time(iso, zone, "time"), zone);
}

void print_new_ticket(const Globals& g, Desk& desk, const Ticket& t) {
  if (output_format(g) == Format::json) {
    emit_json(g, ticket_json(t, compute_sla(t, desk.settings(), desk.now()), desk.zone()));
    return;
  }
  emit(g, t.id + "\n");
}

void warn_sla(const SlaState& st) {
  for (const auto& w : st.warnings) warn(w);
}

// `--env key=value` options as pairs; exit 2 naming one that is not key=value.
std::vector<std::pair<std::string, std::string>> env_pairs(const std::vector<std::string>& env) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) usage_error("--env: '{}' is not key=value", kv);
    out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

// Whether `sdesk new` was given no intake flag at all.
bool no_intake_flags(const NewOptions& o) {
  const Intake& i = o.in;
  return i.reopens.empty() && i.title.empty() && i.customer.empty() && i.contact.empty() &&
         i.channel.empty() && i.priority.empty() && i.category.empty() && i.need.empty() &&
         i.required_by.empty() && o.env.empty() && !i.major;
}

// Asks for one intake field on the terminal (prompt on stderr); empty answers keep `dflt`.
std::string ask(const std::string& label, const std::string& dflt, bool required,
                const std::vector<std::string>& choices = {}) {
  for (;;) {
    std::cerr << label << (dflt.empty() ? "" : " [" + dflt + "]") << ": " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) usage_error("intake cancelled at '{}'", label);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.erase(0, 1);
    if (line.empty()) line = dflt;
    if (line.empty() && required) {
      std::cerr << "  " << label << " is required by the intake norm\n";
      continue;
    }
    if (!line.empty() && !choices.empty() &&
        std::find(choices.begin(), choices.end(), line) == choices.end()) {
      std::string all;
      for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
      std::cerr << "  one of: " << all << "\n";
      continue;
    }
    return line;
  }
}

// The interactive intake: the desk's phone script, then each field in the norm's order.
void prompt_intake(const Settings& s, NewOptions& o) {
  if (!s.phone_script.empty())
    std::cerr << "话术 / phone script: " << printable(s.phone_script, true) << "\n";
  auto req = [&](const char* f) { return !s.optional_intake.count(f); };
  o.in.title = ask("title (摘要)", "", true);
  o.in.customer = ask("customer (客户)", "", req("customer"));
  o.in.contact = ask("contact (联系方式)", "", req("contact"));
  o.in.need = ask("need (需求)", "", req("need"));
  o.in.required_by = ask("required_by (要求完成时间, YYYY-MM-DD HH:MM)", "", req("required_by"));
  std::string env = ask("environment (环境, key=value, …)", "", req("environment"));
  std::string kv;
  for (char c : env + ",") {
    if (c != ',') {
      if (c != ' ' || !kv.empty()) kv += c;
      continue;
    }
    if (!kv.empty()) o.env.push_back(kv);
    kv.clear();
  }
  o.in.channel =
      ask("channel (渠道)", "hotline", true, {"hotline", "email", "web", "walk-in", "monitoring"});
  o.in.priority = ask("priority (优先级)", "P3", true, {"P1", "P2", "P3", "P4"});
  o.in.category = ask("category (分类)", "", false);
}

void run_new(const Globals& g, NewOptions o) {
  Desk desk = open_desk(g);
  if (o.template_name.empty() && no_intake_flags(o) && isatty(STDIN_FILENO))
    prompt_intake(desk.settings(), o);
  o.in.environment = env_pairs(o.env);
  if (!o.template_name.empty())
    o.in = apply_template(desk, load_template(desk, o.template_name), o.in);
  Ticket t = create_ticket(desk, o.in);
  for (const auto& w : intake_warnings(t, desk.zone())) warn(w);
  warn_sla(compute_sla(t, desk.settings(), desk.now()));
  after_write(desk);
  print_new_ticket(g, desk, t);
}

std::string event_line(const Json& e, Zone zone) {
  std::string a = e.value("action", "");
  std::string detail;
  auto s = [&](const char* k) {
    return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : "";
  };
  if (a == "new")
    detail = s("title") + (s("reopens").empty() ? "" : " (reopens " + s("reopens") + ")");
  else if (a == "assign")
    detail = "→ " + s("assignee");
  else if (a == "note")
    detail = (e.value("customer", false) ? "[customer] " : "") + s("text");
  else if (a == "pending")
    detail = s("reason") + ": " + s("text");
  else if (a == "escalate")
    detail = "→ " + s("to") + (s("vendor").empty() ? "" : ":" + s("vendor")) + " · " + s("reason") +
             " · done: " + s("done");
  else if (a == "de-escalate")
    detail = "→ " + s("to") + " · " + s("reason");
  else if (a == "resolve")
    detail = s("solution");
  else if (a == "close")
    detail = "confirmed by " + s("confirmed_by");
  else if (a == "reopen" || a == "cancel")
    detail = s("reason");
  else if (a == "link")
    detail = e.value("clear", false) ? "parent link cleared" : "parent " + s("parent");
  else if (a == "edit") {
    for (auto it = e.begin(); it != e.end(); ++it)
      if (it.key() != "id" && it.key() != "at" && it.key() != "by" && it.key() != "action" &&
          it.key() != "was" && it.key() != "reason")
        detail += (detail.empty() ? "" : ", ") + it.key() + "=" + cell(it.value());
    detail += " · " + s("reason");
  } else if (a == "callback") {
    std::optional<int> score;
    if (e.contains("score") && e["score"].is_number_integer()) score = e["score"].get<int>();
    detail = std::string(e.value("reached", false) ? "reached" : "not reached") +
             (score ? fmt::format(" · score {}", *score) : "") +
             (s("feedback").empty() ? "" : " · " + s("feedback"));
  } else if (a == "kb")
    detail = "article " + s("article");
  return fmt::format("{}  {:<8}  {:<11}  {}", short_time(s("at"), zone), s("by"), a,
                     one_line(detail, 70));
}

void run_show(const Globals& g, const std::string& id) {
  Desk desk = open_desk(g);
  Ticket t = load_ticket(desk, id);
  SlaState st = compute_sla(t, desk.settings(), desk.now());
  warn_sla(st);
  Format f = output_format(g);
  if (f == Format::json) return emit_json(g, ticket_json(t, st, desk.zone()));
  Zone z = desk.zone();
  std::string env;
  for (auto it = t.environment.begin(); it != t.environment.end(); ++it)
    env += (env.empty() ? "" : ", ") + it.key() + "=" + cell(it.value());
  auto due = [&](const std::optional<Time>& d, bool breached) {
    if (!d) return std::string("—");
    return format_short(*d, z) + (breached ? "  BREACHED" : "");
  };
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", t.id},
      {"title", t.title},
      {"status", t.status + (t.pending_reason.empty() ? "" : " (" + t.pending_reason + ")")},
      {"tier", t.tier + (t.vendor.empty() ? "" : " (" + t.vendor + ")")},
      {"priority", t.priority + (t.major ? "  MAJOR" : "")},
      {"customer", t.customer},
      {"contact", t.contact},
      {"need", t.need},
      {"required by", short_time(t.required_by, z)},
      {"environment", env},
      {"channel", t.channel},
      {"category", t.category},
      {"owner", t.owner},
      {"assignee", t.assignee},
      {"created", short_time(t.created_at, z)},
      {"response due", due(st.response_due, st.response_breached)},
      {"resolve due", due(st.resolve_due, st.resolve_breached)},
  };
  if (!t.parent.empty()) fields.push_back({"parent", t.parent});
  if (!t.kb.empty()) {
    std::string kb;
    for (const auto& k : t.kb) kb += (kb.empty() ? "" : ", ") + k;
    fields.push_back({"kb", kb});
  }
  if (t.reopen_count) fields.push_back({"reopened", std::to_string(t.reopen_count)});
  std::string out;
  if (t.major) {
    // A major incident lists the tickets linked to it, with their states.
    std::vector<Ticket> children;
    for (auto& c : tickets_where(desk, {}))
      if (c.parent == t.id) children.push_back(std::move(c));
    out += fmt::format("\nchildren: {}\n", children.size());
    for (const auto& c : children)
      out += fmt::format("  {}  {:<11}  {:<8}  {}  {}\n", c.id, c.status, c.assignee, c.customer,
                         one_line(c.title, 50));
  }
  out += "\nevents:\n";
  for (const auto& e : t.events) {
    out += "  " + event_line(e, z);
    auto bad = t.illegal.find(e.value("id", ""));
    if (bad != t.illegal.end()) out += "  [CONFLICT: " + bad->second + "]";
    out += "\n";
  }
  emit_fields(g, f, fields, out);
}

void run_list(const Globals& g, const TicketQuery& o) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  Zone z = desk.zone();
  std::vector<TicketRow> rows = select_tickets(desk, o);
  if (f == Format::json) {
    Json arr = Json::array();
    for (const auto& r : rows) arr.push_back(ticket_json(r.t, r.st, z, false));
    return emit_json(g, arr);
  }
  // A table marks the due time (! breached, ~ at risk); CSV gives the mark a column of its own.
  bool csv = f == Format::csv;
  Table t{{"ID", "PRI", "STATUS", "TIER", "ASSIGNEE", "CUSTOMER", "DUE", "TITLE"},
          {},
          {},
          {0, 0, 0, 0, 0, 16, 0, 40}};
  if (csv) t.headers.insert(t.headers.begin() + 7, "SLA");
  for (const auto& r : rows) {
    std::string due = r.st.due ? format_short(*r.st.due, z) : "";
    bool breached = r.st.response_breached || r.st.resolve_breached;
    std::string sla = breached ? "breached" : r.st.at_risk ? "at_risk" : "";
    if (!csv && !sla.empty()) due += breached ? " !" : " ~";
    t.rows.push_back(
        {r.t.id, r.t.priority, r.t.status, r.t.tier, r.t.assignee, r.t.customer, due, r.t.title});
    if (csv) t.rows.back().insert(t.rows.back().begin() + 7, sla);
  }
  if (csv) return emit_csv(g, t);
  emit(g, render_table(t, use_color()));
}

// Prints a ticket's new status (or its JSON) after a change.
void print_ticket_state(const Globals& g, const Desk& desk, const Ticket& t) {
  if (output_format(g) == Format::json) {
    emit_json(g, ticket_json(t, compute_sla(t, desk.settings(), desk.now()), desk.zone()));
    return;
  }
  emit(g, t.id + " " + t.status + (t.assignee.empty() ? "" : " " + t.assignee) + "\n");
}

// Runs one lifecycle verb and prints the ticket's new status (or its JSON).
void act(const Globals& g, const std::string& id, Json fields, const std::string& summary) {
  Desk desk = open_desk(g);
  Ticket t = fields.contains("kb") ? act_with_article(desk, id, std::move(fields), summary)
                                   : act_on_ticket(desk, id, std::move(fields), summary);
  after_write(desk);
  print_ticket_state(g, desk, t);
}

Json fields(const std::string& action) {
  Json j = Json::object();
  j["action"] = action;
  return j;
}

void need_text(const std::string& v, const char* flag) {
  if (v.empty()) refuse("missing required information: {}", flag);
}

// Refuses (exit 4) naming every flag of `texts` left empty, in one line.
void need_texts(const std::vector<std::pair<std::string, const char*>>& texts) {
  std::vector<std::string> missing;
  for (const auto& [v, flag] : texts)
    if (v.empty()) missing.push_back(flag);
  if (!missing.empty()) refuse("missing required information: {}", fmt::join(missing, ", "));
}

void run_log(const Globals& g, const std::string& id_in) {
  Desk desk = open_desk(g);
  auto entries = audit_trail(desk, id_in);
  Json arr = Json::array();
  Table t{{"WHEN", "WHO", "ACTION", "COMMIT", "SUBJECT"}, {}, {}};
  for (const auto& e : entries) {
    // A back-dated entry (SDESK_NOW well before the commit): the auditor sees when it really was.
    bool late = e.backdated();
    Json j = Json::object();
    j["at"] = desk.stamp(e.when);
    j["recorded_at"] = desk.stamp(e.recorded);
    j["backdated"] = late;
    j["by"] = e.author;
    j["email"] = e.email;
    j["action"] = e.action;
    j["commit"] = e.commit;
    j["subject"] = e.subject;
    arr.push_back(j);
    t.rows.push_back({format_short(e.when, desk.zone()) +
                          (late ? " (recorded " + format_short(e.recorded, desk.zone()) + ")" : ""),
                      e.author, e.action, e.commit.substr(0, 10), e.subject});
  }
  emit_rows(g, t, arr);
}

}  // namespace

void register_ticket(CLI::App& app, Globals& g) {
  auto no = std::make_shared<NewOptions>();
  auto* n = app.add_subcommand("new", "record a request at intake; prints the new ID");
  n->add_option("--title", no->in.title, "one-line summary");
  n->add_option("--customer", no->in.customer, "who asks");
  n->add_option("--contact", no->in.contact, "phone or email");
  n->add_option("--channel", no->in.channel)->transform(one_of(ticket_channels()));
  n->add_option("--priority", no->in.priority)->transform(one_of(ticket_priorities()));
  n->add_option("--category", no->in.category);
  n->add_option("--need", no->in.need, "what the customer needs");
  n->add_option("--required-by", no->in.required_by,
                "by when (ISO 8601, +2h, +3d, 'today 18:00', 'tomorrow 09:00', '明天 09:00')");
  n->add_option("--env", no->env, "environment key=value (repeatable)");
  n->add_flag("--major", no->in.major, "a major incident");
  n->add_option("--template", no->template_name,
                "fill fields from templates/<NAME>.yaml (flags given override it)");
  n->add_option("--reopens", no->in.reopens,
                "a closed ticket this one takes up again (past its reopen window); its fields "
                "fill those not given");
  add_format_flags(n, g);
  n->callback([&g, no] { run_new(g, *no); });

  auto id = std::make_shared<std::string>();
  auto* show = app.add_subcommand("show", "a ticket with its events and SLA clocks");
  show->add_option("ID", *id)->required();
  add_format_flags(show, g);
  show->callback([&g, id] { run_show(g, *id); });

  auto lo = std::make_shared<TicketQuery>();
  auto* list = app.add_subcommand("list", "tickets, filtered");
  add_query_flags(list, *lo);
  add_format_flags(list, g);
  list->callback([&g, lo] { run_list(g, *lo); });

  auto ao = std::make_shared<ActOptions>();
  auto verb = [&](const char* name, const char* help) {
    auto* c = app.add_subcommand(name, help);
    c->add_option("ID", ao->id, "ticket ID or unique prefix")->required();
    add_format_flags(c, g);
    return c;
  };
  auto* assign = verb("assign", "assign a ticket (PM)");
  assign->add_option("STAFF", ao->staff)->required();
  assign->callback([&g, ao] {
    Desk desk = open_desk(g);
    desk.staff_member(ao->staff);
    auto f = fields("assign");
    f["assignee"] = ao->staff;
    act(g, ao->id, f, "to " + ao->staff);
  });
  verb("take", "take an unassigned ticket of your tier")->callback([&g, ao] {
    act(g, ao->id, fields("take"), "");
  });
  verb("start", "start work (first response)")->callback([&g, ao] {
    act(g, ao->id, fields("start"), "");
  });
  auto* note = verb("note", "add a note; --customer for an update told to the customer");
  note->add_option("TEXT", ao->text)->required();
  note->add_flag("--customer", ao->customer);
  note->callback([&g, ao] {
    need_text(ao->text, "TEXT");
    auto f = fields("note");
    f["text"] = ao->text;
    f["customer"] = ao->customer;
    act(g, ao->id, f, ao->text);
  });
  auto* pending = verb("pending", "wait on the customer, a vendor or a third party");
  pending->add_option("--reason", ao->reason)
      ->required()
      ->transform(one_of({"customer", "vendor", "third-party"}));
  pending->add_option("TEXT", ao->text);
  pending->callback([&g, ao] {
    auto f = fields("pending");
    f["reason"] = ao->reason;
    f["text"] = ao->text;
    act(g, ao->id, f, ao->reason);
  });
  verb("resume", "work again after a wait")->callback([&g, ao] {
    act(g, ao->id, fields("resume"), "");
  });
  auto* esc = verb("escalate", "hand over to l2 or a vendor with what was found and tried");
  esc->add_option("--to", ao->to, "l2 or vendor:<vendor-id>")->required();
  esc->add_option("--reason", ao->reason, "why it goes up");
  esc->add_option("--done", ao->done, "what was found and tried");
  esc->add_option("--assign", ao->assign, "l2 consultant to assign");
  esc->callback([&g, ao] {
    need_texts({{ao->reason, "--reason"}, {ao->done, "--done"}});
    auto f = fields("escalate");
    Desk desk = open_desk(g);
    std::string to = ao->to;
    if (to.size() >= 7 && upper_ascii(to.substr(0, 7)) == "VENDOR:") to = "vendor:" + to.substr(7);
    if (upper_ascii(to) == "L2") to = "l2";
    ao->to = to;
    if (ao->to == "l2") {
      f["to"] = "l2";
      if (!ao->assign.empty()) {
        const Staff& s = desk.staff_member(ao->assign);
        if (s.role == "l1") refuse("{} is l1; an escalated ticket goes to l2 or the PM", s.id);
        f["assignee"] = ao->assign;
      }
    } else if (ao->to.rfind("vendor:", 0) == 0) {
      std::string v = ao->to.substr(7);
      if (!desk.vendors().count(v)) not_found("no vendor '{}'", v);
      f["to"] = "vendor";
      f["vendor"] = v;
    } else {
      usage_error("--to: '{}' is not l2 or vendor:<vendor-id>", ao->to);
    }
    f["reason"] = ao->reason;
    f["done"] = ao->done;
    act(g, ao->id, f, "to " + ao->to);
  });
  auto* de = verb("de-escalate", "a fix comes back down to l1 or l2");
  de->add_option("--to", ao->to)->required()->transform(one_of({"l1", "l2"}));
  de->add_option("--reason", ao->reason);
  de->callback([&g, ao] {
    need_text(ao->reason, "--reason");
    auto f = fields("de-escalate");
    f["to"] = ao->to;
    f["reason"] = ao->reason;
    act(g, ao->id, f, "to " + ao->to);
  });
  auto* res = verb("resolve", "resolved, waiting for the customer to confirm");
  res->add_option("--solution", ao->solution);
  res->add_option("--cause", ao->cause);
  res->add_option("--kb", ao->kb, "a knowledge-base article that solved it");
  res->callback([&g, ao] {
    need_text(ao->solution, "--solution");
    auto f = fields("resolve");
    f["solution"] = ao->solution;
    if (!ao->cause.empty()) f["cause"] = ao->cause;
    if (!ao->kb.empty()) f["kb"] = ao->kb;  // any unique prefix; lib links both ways
    act(g, ao->id, f, ao->solution);
  });
  auto* close = verb("close", "close after the customer confirmed");
  close->add_option("--confirmed-by", ao->confirmed_by, "who confirmed");
  close->callback([&g, ao] {
    need_text(ao->confirmed_by, "--confirmed-by");
    auto f = fields("close");
    f["confirmed_by"] = ao->confirmed_by;
    act(g, ao->id, f, "confirmed by " + ao->confirmed_by);
  });
  auto* reopen = verb("reopen", "reopen a resolved or recently closed ticket");
  reopen->add_option("--reason", ao->reason);
  reopen->callback([&g, ao] {
    need_text(ao->reason, "--reason");
    auto f = fields("reopen");
    f["reason"] = ao->reason;
    act(g, ao->id, f, ao->reason);
  });
  auto* cancel = verb("cancel", "cancel an open ticket");
  cancel->add_option("--reason", ao->reason);
  cancel->callback([&g, ao] {
    need_text(ao->reason, "--reason");
    auto f = fields("cancel");
    f["reason"] = ao->reason;
    act(g, ao->id, f, ao->reason);
  });
  auto* link = verb("link", "tie a ticket to a major incident, or --clear its link");
  auto* parent_opt = link->add_option("--parent", ao->parent, "the major incident");
  link->add_flag("--clear", ao->clear, "remove the parent link")->excludes(parent_opt);
  link->callback([&g, ao] {
    if (ao->parent.empty() && !ao->clear) usage_error("link: give --parent ID or --clear");
    Desk desk = open_desk(g);
    Ticket t = link_ticket(desk, ao->id, ao->clear ? "" : ao->parent);
    after_write(desk);
    print_ticket_state(g, desk, t);
  });

  auto eo = std::make_shared<EditOptions>();
  auto* edit = app.add_subcommand("edit", "correct a ticket's intake fields, with a reason");
  edit->add_option("ID", eo->id, "ticket ID or unique prefix")->required();
  auto text_opt = [&](const char* flag, std::optional<std::string>& into, const char* help) {
    edit->add_option_function<std::string>(
        flag, [&into](const std::string& v) { into = v; }, help);
  };
  text_opt("--title", eo->edit.title, "one-line summary");
  edit->add_option_function<std::string>(
          "--priority", [eo](const std::string& v) { eo->edit.priority = v; },
          "P1..P4 (re-times the SLA clocks from creation)")
      ->transform(one_of(ticket_priorities()));
  text_opt("--customer", eo->edit.customer, "who asks");
  text_opt("--contact", eo->edit.contact, "phone or email");
  text_opt("--category", eo->edit.category, "category ('' removes it)");
  text_opt("--need", eo->edit.need, "what the customer needs");
  text_opt("--required-by", eo->edit.required_by, "by when (as for `new`)");
  edit->add_option("--env", eo->env, "environment key=value (repeatable; key= removes the key)");
  edit->add_option("--reason", eo->edit.reason, "why the correction (required)");
  add_format_flags(edit, g);
  edit->callback([&g, eo] {
    eo->edit.environment = env_pairs(eo->env);
    Desk desk = open_desk(g);
    Ticket t = edit_ticket(desk, eo->id, eo->edit);
    if (eo->edit.required_by)
      for (const auto& w : intake_warnings(t, desk.zone())) warn(w);
    after_write(desk);
    print_ticket_state(g, desk, t);
  });

  auto lid = std::make_shared<std::string>();
  auto* log = app.add_subcommand("log", "an object's audit trail from git history");
  log->add_option("ID", *lid)->required();
  add_format_flags(log, g, false, kMarkdownFormats);
  log->callback([&g, lid] { run_log(g, *lid); });
}

}  // namespace sdesk::cli
