#include "lib/ticket/tickets.hpp"

#include <algorithm>
#include <cctype>

#include "lib/store/kinds.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/error.hpp"

namespace sdesk {

namespace {
Ticket record_ticket(Desk& desk, const Intake& in);
Ticket apply_to_ticket(Desk& desk, const std::string& prefix, const Json& fields,
                       const std::string& summary, const Companion& also);
}  // namespace

Ticket create_ticket(Desk& desk, const Intake& in) {
  desk.op();
  const Settings& s = desk.settings();
  if (in.title.empty()) refuse("missing required field: title");
  if (in.channel.empty()) refuse("missing required field: channel");
  if (in.priority.empty()) refuse("missing required field: priority");
  auto required = [&](const std::string& field, bool present) {
    if (!present && !s.optional_intake.count(field))
      throw Error(Exit::refused, fmt::format("missing required intake field: {}", field),
                  fmt::format("record it with --{} (the desk's intake norm requires it)",
                              field == "required_by"   ? "required-by"
                              : field == "environment" ? "env key=value"
                                                       : field));
  };
  for (const auto& f : intake_fields()) {
    bool present = f == "customer"      ? !in.customer.empty()
                   : f == "contact"     ? !in.contact.empty()
                   : f == "need"        ? !in.need.empty()
                   : f == "required_by" ? !in.required_by.empty()
                                        : !in.environment.empty();
    required(f, present);
  }
  return desk.write([&] { return record_ticket(desk, in); });
}

namespace {
Ticket record_ticket(Desk& desk, const Intake& in) {
  const Staff& op = desk.op();
  const Settings& s = desk.settings();
  Json e = desk.new_event("new");
  e["title"] = in.title;
  e["priority"] = in.priority;
  if (!in.category.empty()) e["category"] = in.category;
  e["channel"] = in.channel;
  e["major"] = in.major;
  if (!in.customer.empty()) e["customer"] = in.customer;
  if (!in.contact.empty()) e["contact"] = in.contact;
  if (!in.need.empty()) e["need"] = in.need;
  if (!in.required_by.empty()) {
    // "By the 5th" is by the end of that day, not its first second.
    Time by = desk.parse(in.required_by, "--required-by");
    if (in.required_by.size() == 10) by += std::chrono::hours(24) - std::chrono::seconds(1);
    e["required_by"] = desk.stamp(by);
  }
  Json env = Json::object();
  for (const auto& [k, v] : in.environment) env[k] = v;
  if (!env.empty()) e["environment"] = env;
  for (const auto& [k, v] : in.extra.items())
    if (!e.contains(k)) e[k] = v;
  Ticket probe;
  std::string why = why_forbidden(s, op, probe, e);
  if (!why.empty()) refuse("{}", why);
  std::string id = allocate_object_id(desk, ticket_kind());
  Ticket t = fold_ticket(id, {e});
  desk.commit({{ticket_path(id), ticket_yaml(t)}}, id, "new", in.title);
  return t;
}
}  // namespace

std::string resolve_ticket_id(const Desk& desk, const std::string& prefix) {
  return resolve_object_id(desk, ticket_kind(), prefix);
}

Ticket load_ticket(const Desk& desk, const std::string& prefix) {
  std::string id = resolve_ticket_id(desk, prefix);
  auto f = desk.read(ticket_path(id));
  if (!f) not_found("no ticket {}", prefix);
  return parse_ticket(f->text, f->path);
}

Ticket act_on_ticket(Desk& desk, const std::string& prefix, Json fields, const std::string& summary,
                     const Companion& also) {
  return desk.write([&] { return apply_to_ticket(desk, prefix, fields, summary, also); });
}

namespace {
Ticket apply_to_ticket(Desk& desk, const std::string& prefix, const Json& fields,
                       const std::string& summary, const Companion& also) {
  const Staff& op = desk.op();
  std::string id = resolve_ticket_id(desk, prefix);
  std::string path = ticket_path(id);
  desk.refuse_if_hand_edited(path);
  Ticket t = load_ticket(desk, id);
  std::string action = fields.at("action").get<std::string>();
  Json e = desk.new_event(action);
  for (auto it = fields.begin(); it != fields.end(); ++it)
    if (it.key() != "action") e[it.key()] = it.value();
  if (action == "note" && e.value("customer", false)) e["response"] = false;  // see apply_event
  if (also.prepare) also.prepare(e);
  std::string why = why_forbidden(desk.settings(), op, t, e);
  if (!why.empty()) refuse("{}", why);
  why = why_illegal(t, e);
  if (!why.empty()) refuse("{}: {}", id, why);
  if (action == "reopen" && t.status == "closed") {
    Time closed = desk.parse(t.closed_at, "closed_at");
    auto window = std::chrono::minutes(wall_minutes(desk.settings().reopen_window));
    if (desk.now() > closed + window)
      refuse("{}: closed at {}, past the reopen window of {}", id, t.closed_at,
             format_duration(desk.settings().reopen_window));
  }
  std::vector<Json> events = t.events;
  desk.append_event(events, e);
  Ticket next = fold_ticket(id, std::move(events));
  if (next.illegal.count(e["id"].get<std::string>()))
    refuse("{}: {}", id, next.illegal[e["id"].get<std::string>()]);
  std::vector<FileChange> changes{{path, ticket_yaml(next)}};
  std::vector<std::string> related;
  if (also.finish)
    if (auto other = also.finish(next)) {
      changes.push_back(*other);
      related.push_back(path_stem(other->path));
    }
  desk.commit(changes, id, action, summary, related);
  return next;
}
}  // namespace

}  // namespace sdesk

namespace sdesk {

Json ticket_json(const Ticket& t, const SlaState& sla, Zone zone, bool with_events) {
  Json file = ticket_file_json(t);
  Json j = Json::object();
  for (auto it = file.begin(); it != file.end(); ++it) {
    if (it.key() == "kb") j["sla"] = sla_json(sla, zone);
    if (it.key() == "events") {
      if (!with_events) continue;
      Json events = Json::array();
      for (auto e : it.value()) {
        auto bad = t.illegal.find(e.value("id", ""));
        if (bad != t.illegal.end()) e["illegal"] = bad->second;
        events.push_back(e);
      }
      j["events"] = events;
      continue;
    }
    j[it.key()] = it.value();
  }
  return j;
}

namespace {
Folded fold_ticket_file(const std::string& id, std::vector<Json> events) {
  Ticket o = fold_ticket(id, std::move(events));
  return {ticket_yaml(o), o.illegal};
}
std::string check_ticket_file(const std::string& text, const std::string& file) {
  return parse_ticket(text, file).id;
}
std::vector<std::pair<std::string, std::string>> ticket_former_ids(const Desk& desk) {
  return former_ids_of(all_tickets(desk));
}
}  // namespace

const ObjectKind& ticket_kind() {
  static const ObjectKind kind{"ticket",
                               "T",
                               "tickets/",
                               "ticket",
                               "",
                               ticket_path,
                               fold_ticket_file,
                               check_ticket_file,
                               ticket_former_ids};
  return kind;
}

}  // namespace sdesk
