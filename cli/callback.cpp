// Callbacks (回访): pick, record, list, actions, plan, reply.
#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "lib/quality/callbacks.hpp"
#include "lib/ticket/tickets.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

namespace {

struct PickArgs {
  std::string period, sample, seed;
  bool dry_run = false;
};

struct RecordArgs {
  std::string ticket, reached, feedback, by, owner, text, due;
  int score = 0;
};

std::string short_time(const std::string& iso, Zone zone) {
  if (iso.empty()) return "";
  return format_short(parse_time(iso, zone, "time"), zone);
}

void run_pick(const Globals& g, const PickArgs& a) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  PickOptions o;
  o.period = a.period;
  o.sample = a.sample;
  o.dry_run = a.dry_run;
  if (!a.seed.empty()) {
    std::size_t used = 0;
    try {
      o.seed = std::stoull(a.seed, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != a.seed.size() || a.seed[0] == '-')
      usage_error("--seed: '{}' is not a non-negative integer", a.seed);
  }
  PickResult r = pick_callbacks(desk, o);
  if (!o.dry_run && !r.tickets.empty()) after_write(desk);
  if (f == Format::json) return emit_json(g, Json(r.tickets));
  std::string out;
  if (f == Format::table && g.output.empty() && isatty(STDOUT_FILENO)) {
    // On a terminal the caller sees whom to call; piped, IDs alone for scripts.
    Table t{{"TICKET", "CUSTOMER", "CONTACT", "TITLE"}, {}, {}, {0, 16, 0, 40}};
    for (const auto& id : r.tickets) {
      Ticket tk = load_ticket(desk, id);
      t.rows.push_back({tk.id, tk.customer, tk.contact, tk.title});
    }
    return emit(g, render_table(t, use_color()));
  }
  for (const auto& id : r.tickets) out += id + "\n";
  emit(g, out);
}

// The callbacks as a table; `phone` adds whom to call (customer, contact, title), for a terminal.
Table records_table(const std::vector<CallbackRecord>& rs, Zone zone, bool phone) {
  Table t{{"TICKET", "OWNER", "BY", "AT", "REACHED", "SCORE", "ACTION", "FEEDBACK"},
          {},
          {false, false, false, false, false, true, false, false},
          {0, 0, 0, 0, 0, 0, 0, 40}};
  if (phone) {
    t.headers.insert(t.headers.begin() + 1, {"CUSTOMER", "CONTACT", "TITLE"});
    t.right.insert(t.right.begin() + 1, 3, false);
    t.widths.insert(t.widths.begin() + 1, {16, 0, 30});
  }
  for (const auto& r : rs) {
    std::string action = !r.needs_action             ? ""
                         : r.has_plan && r.has_reply ? "closed"
                         : r.has_plan                ? "planned"
                                                     : "open";
    t.rows.push_back({r.ticket, r.owner, r.by, short_time(r.at, zone), r.reached ? "yes" : "no",
                      r.score ? std::to_string(*r.score) : "", action, r.feedback});
    if (phone) t.rows.back().insert(t.rows.back().begin() + 1, {r.customer, r.contact, r.title});
  }
  return t;
}

void run_list(const Globals& g, const std::string& by) {
  Format f = output_format(g, {Format::table, Format::json, Format::csv, Format::md});
  Desk desk = open_desk(g);
  if (by == "staff" && !desk.staff().count("staff")) {
    Json rows = callbacks_by_staff(desk, all_callbacks(desk));
    Table t{{"STAFF", "NAME", "CALLBACKS", "REACHED", "SATISFACTION", "ACTIONS", "OPEN"},
            {},
            {false, false, true, true, true, true, true}};
    for (const auto& r : rows)
      t.rows.push_back({r["staff"].get<std::string>(), r["name"].get<std::string>(),
                        r["callbacks"].dump(), r["reached"].dump(),
                        r["satisfaction"].is_null()
                            ? ""
                            : fmt::format("{:.2f}", r["satisfaction"].get<double>()),
                        r["actions"].dump(), r["open_actions"].dump()});
    return emit_rows(g, t, rows);
  }
  // --by STAFF-ID: the callbacks on that consultant's tickets, or made by that person.
  std::vector<CallbackRecord> rs;
  for (auto& r : all_callbacks(desk))
    if (by.empty() || r.owner == by || r.by == by) rs.push_back(std::move(r));
  Json arr = Json::array();
  for (const auto& r : rs) arr.push_back(callback_json(r));
  bool phone = f == Format::table && g.output.empty() && isatty(STDOUT_FILENO);
  emit_rows(g, records_table(rs, desk.zone(), phone), arr);
}

void run_actions(const Globals& g) {
  output_format(g, {Format::table, Format::json, Format::csv, Format::md});
  Desk desk = open_desk(g);
  auto rs = open_actions(desk);
  Json arr = Json::array();
  Table t{{"TICKET", "OWNER", "CALLED", "SCORE", "PLAN OWNER", "PLAN DUE", "MISSING", "FEEDBACK"},
          {},
          {false, false, false, true, false, false, false, false},
          {0, 0, 0, 0, 0, 0, 0, 40}};
  for (const auto& r : rs) {
    arr.push_back(callback_json(r));
    std::string missing = !r.has_plan && !r.has_reply ? "plan, reply"
                          : !r.has_plan               ? "plan"
                                                      : "reply";
    t.rows.push_back({r.ticket, r.owner, short_time(r.at, desk.zone()),
                      r.score ? std::to_string(*r.score) : "", r.plan_owner,
                      short_time(r.plan_due, desk.zone()), missing, r.feedback});
  }
  emit_rows(g, t, arr);
}

void print_record(const Globals& g, const Desk& desk, const CallbackRecord& r) {
  if (output_format(g) == Format::json) return emit_json(g, callback_json(r));
  std::string state = !r.needs_action             ? "no action needed"
                      : r.has_plan && r.has_reply ? "action closed"
                      : r.has_plan                ? "action open: needs a reply"
                      : r.has_reply               ? "action open: needs a plan"
                                                  : "action open: needs a plan and a reply";
  (void)desk;
  emit(g, r.ticket + " " + state + "\n");
}

}  // namespace

void register_callback(CLI::App& app, Globals& g) {
  auto* cb =
      app.add_subcommand("callback", "callbacks (回访): pick, record, list, actions, plan, reply");
  cb->require_subcommand(1);

  auto pa = std::make_shared<PickArgs>();
  auto* pick = cb->add_subcommand("pick", "sample closed tickets to call back and record the pick");
  pick->add_option("--period", pa->period, "closed in this month (YYYY-MM)");
  pick->add_option("--sample", pa->sample, "how many: N tickets or P% of the candidates");
  pick->add_option("--seed", pa->seed,
                   "seed: the same seed on the same desk picks the same tickets");
  pick->add_flag("--dry-run", pa->dry_run, "show the choice, record nothing");
  add_format_flags(pick, g);
  pick->callback([&g, pa] { run_pick(g, *pa); });

  auto ra = std::make_shared<RecordArgs>();
  auto* rec = cb->add_subcommand("record", "record a callback on a ticket");
  rec->add_option("TICKET", ra->ticket, "ticket ID or unique prefix")->required();
  rec->add_option("--reached", ra->reached, "was the customer reached")
      ->required()
      ->transform(one_of({"yes", "no"}));
  rec->add_option("--score", ra->score, "satisfaction 1..5")->check(CLI::Range(1, 5));
  rec->add_option("--feedback", ra->feedback, "what the customer said");
  add_format_flags(rec, g);
  rec->callback([&g, ra, rec] {
    Desk desk = open_desk(g);
    std::optional<int> score;
    if (rec->count("--score")) score = ra->score;
    CallbackRecord r = record_callback(desk, ra->ticket, ra->reached == "yes", score, ra->feedback);
    after_write(desk);
    print_record(g, desk, r);
  });

  auto by = std::make_shared<std::string>();
  auto* list = cb->add_subcommand("list", "callbacks recorded");
  list->add_option("--by", *by,
                   "`staff`: one row per consultant (ticket owner); a staff ID: only the "
                   "callbacks on its tickets or made by it");
  add_format_flags(list, g, false, kMarkdownFormats);
  list->callback([&g, by] { run_list(g, *by); });

  auto* actions = cb->add_subcommand("actions", "callbacks whose improvement action is open");
  add_format_flags(actions, g, false, kMarkdownFormats);
  actions->callback([&g] { run_actions(g); });

  auto* plan = cb->add_subcommand("plan", "record the improvement plan of a callback action");
  plan->add_option("TICKET", ra->ticket)->required();
  plan->add_option("--owner", ra->owner, "who carries the plan out")->required();
  plan->add_option("--text", ra->text, "the plan")->required();
  plan->add_option("--due", ra->due, "by when")->required();
  add_format_flags(plan, g);
  plan->callback([&g, ra] {
    Desk desk = open_desk(g);
    CallbackRecord r = plan_callback(desk, ra->ticket, ra->owner, ra->text, ra->due);
    after_write(desk);
    print_record(g, desk, r);
  });

  auto* reply = cb->add_subcommand("reply", "record the answer given to the customer");
  reply->add_option("TICKET", ra->ticket)->required();
  reply->add_option("--text", ra->text, "the answer")->required();
  add_format_flags(reply, g);
  reply->callback([&g, ra] {
    Desk desk = open_desk(g);
    CallbackRecord r = reply_callback(desk, ra->ticket, ra->text);
    after_write(desk);
    print_record(g, desk, r);
  });
}

}  // namespace sdesk::cli
