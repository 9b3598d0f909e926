// Complaints (投诉): new, investigate, measure, reply, close, show, list.
#include <iostream>

#include "cli/commands.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

namespace {

struct ActArgs {
  std::string id, text, cause, accepted, reason;
};

std::string short_time(const std::string& iso, Zone zone) {
  if (iso.empty()) return "";
  return format_short(parse_time(iso, zone, "time"), zone);
}

void print_complaint(const Globals& g, const Complaint& c) {
  if (output_format(g) == Format::json) return emit_json(g, complaint_json(c));
  emit(g, c.id + " " + c.status + (c.overdue ? " overdue" : "") + "\n");
}

void act(const Globals& g, const std::string& id, Json fields) {
  Desk desk = open_desk(g);
  Complaint c = act_on_complaint(desk, id, std::move(fields));
  after_write(desk);
  // The sweep may have escalated this very complaint: show it as the desk now holds it.
  print_complaint(g, load_complaint(desk, c.id));
}

Json fields(const std::string& action, const std::string& text) {
  Json j = Json::object();
  j["action"] = action;
  if (!text.empty()) j["text"] = text;
  return j;
}

void run_show(const Globals& g, const std::string& id) {
  Format f = output_format(g, {Format::table, Format::json, Format::csv, Format::md});
  Desk desk = open_desk(g);
  Complaint c = load_complaint(desk, id);
  if (f == Format::json) return emit_json(g, complaint_json(c));
  if (f == Format::md) return emit(g, complaint_form_md(c, desk));
  Zone z = desk.zone();
  std::vector<std::pair<std::string, std::string>> rows = {
      {"id", c.id},
      {"status", c.status + (c.overdue ? "  OVERDUE" : "")},
      {"customer", c.customer},
      {"contact", c.contact},
      {"channel", c.channel},
      {"ticket", c.ticket},
      {"against", c.against},
      {"text", c.text},
      {"investigation", c.investigation},
      {"cause", c.cause},
      {"measures", c.measures},
      {"reply", c.reply},
      {"reply accepted", !c.reply_accepted   ? ""
                         : *c.reply_accepted ? "yes"
                                             : "no"},
      {"handler", c.handler},
      {"due", short_time(c.due, z)},
      {"received", short_time(c.created_at, z) + " by " + c.created_by},
      {"escalated", short_time(c.escalated_at, z)},
      {"closed", short_time(c.closed_at, z)},
  };
  std::string out = "\nevents:\n";
  for (const auto& e : c.events) {
    std::string text = e.value("text", "");
    if (e.value("action", "") == "escalate") text = "→ " + e.value("to", "");
    out += fmt::format("  {}  {:<8}  {:<11}  {}\n", short_time(e.value("at", ""), z),
                       e.value("by", ""), e.value("action", ""), one_line(text, 70));
  }
  emit_fields(g, f, rows, out);
}

void run_list(const Globals& g, bool overdue) {
  output_format(g, {Format::table, Format::json, Format::csv, Format::md});
  Desk desk = open_desk(g);
  Json arr = Json::array();
  // A table marks an overdue due time with !; CSV gives it a column of its own.
  bool csv =
      output_format(g, {Format::table, Format::json, Format::csv, Format::md}) == Format::csv;
  Table t{{"ID", "STATUS", "CUSTOMER", "AGAINST", "HANDLER", "DUE", "TEXT"},
          {},
          {},
          {0, 0, 16, 0, 0, 0, 40}};
  if (csv) t.headers.insert(t.headers.begin() + 6, "OVERDUE");
  for (const auto& c : all_complaints(desk)) {
    if (overdue && !c.overdue) continue;
    Json j = complaint_json(c);
    j.erase("events");
    arr.push_back(j);
    t.rows.push_back({c.id, c.status, c.customer, c.against, c.handler,
                      short_time(c.due, desk.zone()) + (!csv && c.overdue ? " !" : ""), c.text});
    if (csv) t.rows.back().insert(t.rows.back().begin() + 6, c.overdue ? "yes" : "no");
  }
  emit_rows(g, t, arr);
}

}  // namespace

void register_complaint(CLI::App& app, Globals& g) {
  auto* cp = app.add_subcommand(
      "complaint", "complaints (投诉): new, investigate, measure, reply, close, show, list");
  cp->require_subcommand(1);

  auto in = std::make_shared<ComplaintIntake>();
  auto* n = cp->add_subcommand("new", "record a complaint; prints the new ID");
  n->add_option("--customer", in->customer, "who complains")->required();
  n->add_option("--text", in->text, "the complaint")->required();
  n->add_option("--ticket", in->ticket, "the ticket it is about");
  n->add_option("--against", in->against, "the staff member it is about");
  n->add_option("--due", in->due, "due time (default: now + complaints.due)");
  n->add_option("--contact", in->contact, "how to reach the customer");
  n->add_option("--channel", in->channel, "how it came in (default: the published channel)");
  add_format_flags(n, g);
  n->callback([&g, in] {
    Desk desk = open_desk(g);
    Complaint c = create_complaint(desk, *in);
    after_write(desk);
    if (output_format(g) == Format::json)
      return emit_json(g, complaint_json(load_complaint(desk, c.id)));
    emit(g, c.id + "\n");
  });

  auto a = std::make_shared<ActArgs>();
  auto verb = [&](const char* name, const char* help) {
    auto* c = cp->add_subcommand(name, help);
    c->add_option("ID", a->id, "complaint ID or unique prefix")->required();
    add_format_flags(c, g);
    return c;
  };
  auto* inv = verb("investigate", "record what the investigation found");
  inv->add_option("--text", a->text, "findings")->required();
  inv->add_option("--cause", a->cause, "the cause found");
  inv->callback([&g, a] {
    Json f = fields("investigate", a->text);
    if (!a->cause.empty()) f["cause"] = a->cause;
    act(g, a->id, f);
  });
  auto* mea = verb("measure", "record corrective measures");
  mea->add_option("--text", a->text, "measures")->required();
  mea->callback([&g, a] { act(g, a->id, fields("measure", a->text)); });
  auto* rep = verb("reply", "record the answer given to the customer");
  rep->add_option("--text", a->text, "the answer")->required();
  rep->add_option("--accepted", a->accepted, "did the customer accept it")
      ->transform(one_of({"yes", "no"}));
  rep->callback([&g, a] {
    Json f = fields("reply", a->text);
    if (!a->accepted.empty()) f["accepted"] = a->accepted == "yes";
    act(g, a->id, f);
  });
  verb("close", "close a replied complaint (PM)")->callback([&g, a] {
    act(g, a->id, fields("close", ""));
  });
  auto* cancel = verb("cancel", "end a complaint recorded by mistake (PM); it counts in no KPI");
  cancel->add_option("--reason", a->reason, "why it is cancelled (required)");
  cancel->callback([&g, a] {
    Json f = fields("cancel", "");
    f["reason"] = a->reason;
    act(g, a->id, f);
  });

  auto sid = std::make_shared<std::string>();
  auto* show = cp->add_subcommand("show", "a complaint; --format md: the filled 客户投诉反馈表");
  show->add_option("ID", *sid)->required();
  add_format_flags(show, g, false, kMarkdownFormats);
  show->callback([&g, sid] { run_show(g, *sid); });

  auto overdue = std::make_shared<bool>(false);
  auto* list = cp->add_subcommand("list", "complaints");
  list->add_flag("--overdue", *overdue, "only those past due and not closed");
  add_format_flags(list, g, false, kMarkdownFormats);
  list->callback([&g, overdue] { run_list(g, *overdue); });
}

}  // namespace sdesk::cli
