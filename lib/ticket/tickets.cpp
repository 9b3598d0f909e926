#include "lib/ticket/tickets.hpp"

#include <algorithm>
#include <cctype>

#include "lib/store/kinds.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {
Ticket record_ticket(Desk& desk, const Intake& in);
Ticket apply_to_ticket(Desk& desk, const std::string& prefix, const Json& fields,
                       const std::string& summary, const Companion& also);
}  // namespace

const std::vector<std::string>& ticket_channels() {
  static const std::vector<std::string> v = {"hotline", "email", "web", "walk-in", "monitoring"};
  return v;
}

const std::vector<std::string>& ticket_priorities() {
  static const std::vector<std::string> v = {"P1", "P2", "P3", "P4"};
  return v;
}

namespace {
// Refuses (exit 4) a value outside its choices, naming the field; returns its canonical case.
std::string choice(const std::string& value, const std::vector<std::string>& choices,
                   const std::string& field) {
  std::string v = canonical_choice(value, choices);
  if (std::find(choices.begin(), choices.end(), v) == choices.end())
    refuse("{}: '{}' is not one of {}", field, value, fmt::join(choices, ", "));
  return v;
}
}  // namespace

Ticket create_ticket(Desk& desk, const Intake& given) {
  desk.op();
  const Settings& s = desk.settings();
  Intake in = given;
  // A ticket that takes up a closed one past its reopen window: the old ticket's intake fields
  // fill what is not given; its required-by time only while it is still ahead.
  if (!in.reopens.empty()) {
    Ticket old = load_ticket(desk, in.reopens);
    in.reopens = old.id;
    auto fill = [](std::string& v, const std::string& from) {
      if (v.empty()) v = from;
    };
    fill(in.title, old.title);
    fill(in.customer, old.customer);
    fill(in.contact, old.contact);
    fill(in.channel, old.channel);
    fill(in.priority, old.priority);
    fill(in.category, old.category);
    fill(in.need, old.need);
    if (in.required_by.empty() && !old.required_by.empty() &&
        desk.parse(old.required_by, "required_by") > desk.now())
      in.required_by = old.required_by;
    if (in.environment.empty())
      for (auto it = old.environment.begin(); it != old.environment.end(); ++it)
        in.environment.emplace_back(
            it.key(), it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
  }
  // Every missing field is named in the one error line, flags as the operator types them.
  // Each named as the contract's field and the flag that gives it: "required_by (--required-by)".
  std::vector<std::string> missing;
  if (in.title.empty()) missing.push_back("title (--title)");
  if (in.channel.empty()) missing.push_back("channel (--channel)");
  if (in.priority.empty()) missing.push_back("priority (--priority)");
  for (const auto& f : intake_fields()) {
    bool present = f == "customer"      ? !in.customer.empty()
                   : f == "contact"     ? !in.contact.empty()
                   : f == "need"        ? !in.need.empty()
                   : f == "required_by" ? !in.required_by.empty() || !in.reopens.empty()
                                        : !in.environment.empty();
    if (!present && !s.optional_intake.count(f))
      missing.push_back(f + (f == "required_by"   ? " (--required-by)"
                             : f == "environment" ? " (--env key=value)"
                                                  : " (--" + f + ")"));
  }
  if (!missing.empty())
    throw Error(Exit::refused,
                fmt::format("missing required intake field{}: {}", missing.size() == 1 ? "" : "s",
                            fmt::join(missing, ", ")),
                "record them with the flags named; the desk's intake norm requires them");
  in.channel = choice(in.channel, ticket_channels(), "--channel");
  in.priority = choice(in.priority, ticket_priorities(), "--priority");
  return desk.write([&] { return record_ticket(desk, in); });
}

Time parse_deadline(const Desk& desk, const std::string& text, const std::string& what) {
  Time t = desk.parse(text, what);
  return text.size() == 10 ? t + std::chrono::hours(24) - std::chrono::seconds(1) : t;
}

std::vector<std::string> intake_warnings(const Ticket& t, Zone zone) {
  std::vector<std::string> out;
  if (t.required_by.empty() || t.created_at.empty()) return out;
  Time by = parse_time(t.required_by, zone, "required_by");
  Time created = parse_time(t.created_at, zone, "created_at");
  if (by < created)
    out.push_back(fmt::format("{}: required by {}, which is already past (recorded at {})", t.id,
                              format_short(by, zone), format_short(created, zone)));
  return out;
}

namespace {
// A required-by time as typed, stamped: "by the 5th" is by the end of that day.
std::string required_by_stamp(const Desk& desk, const std::string& text) {
  return desk.stamp(parse_deadline(desk, text, "--required-by"));
}

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
  if (!in.required_by.empty()) e["required_by"] = required_by_stamp(desk, in.required_by);
  Json env = Json::object();
  for (const auto& [k, v] : in.environment) env[k] = v;
  if (!env.empty()) e["environment"] = env;
  if (!in.reopens.empty()) e["reopens"] = in.reopens;
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

Ticket edit_ticket(Desk& desk, const std::string& prefix, const TicketEdit& ed) {
  desk.op();
  bool any = ed.title || ed.priority || ed.customer || ed.contact || ed.category || ed.need ||
             ed.required_by || !ed.environment.empty();
  std::vector<std::string> missing;
  if (!any)
    missing.push_back(
        "a field to change (--title, --priority, --customer, --contact, "
        "--category, --need, --required-by or --env)");
  if (ed.reason.empty()) missing.push_back("--reason");
  if (!missing.empty()) refuse("missing required information: {}", fmt::join(missing, "; "));
  return desk.write([&] {
    Ticket t = load_ticket(desk, prefix);
    const Settings& s = desk.settings();
    Json f = Json::object(), was = Json::object();
    f["action"] = "edit";
    auto set = [&](const char* key, const std::optional<std::string>& v, const std::string& now,
                   bool required) {
      if (!v || *v == now) return;
      if (v->empty() && required)
        refuse("--{}: may not be empty{}", key == std::string("required_by") ? "required-by" : key,
               key == std::string("title") || key == std::string("priority")
                   ? ""
                   : " (the desk's intake norm requires it)");
      f[key] = *v;
      was[key] = now.empty() ? Json() : Json(now);
    };
    auto needed = [&](const char* field) { return !s.optional_intake.count(field); };
    set("title", ed.title, t.title, true);
    if (ed.priority)
      set("priority", choice(*ed.priority, ticket_priorities(), "--priority"), t.priority, true);
    set("customer", ed.customer, t.customer, needed("customer"));
    set("contact", ed.contact, t.contact, needed("contact"));
    set("category", ed.category, t.category, false);
    set("need", ed.need, t.need, needed("need"));
    if (ed.required_by)
      set("required_by",
          ed.required_by->empty() ? std::string() : required_by_stamp(desk, *ed.required_by),
          t.required_by, needed("required_by"));
    Json env = Json::object(), env_was = Json::object();
    for (const auto& [k, v] : ed.environment) {
      bool had = t.environment.contains(k);
      std::string now = had ? (t.environment[k].is_string() ? t.environment[k].get<std::string>()
                                                            : t.environment[k].dump())
                            : std::string();
      if ((v.empty() && !had) || (had && v == now)) continue;
      env[k] = v.empty() ? Json() : Json(v);
      env_was[k] = had ? t.environment[k] : Json();
    }
    if (!env.empty()) {
      Json next = t.environment;
      for (auto it = env.begin(); it != env.end(); ++it)
        if (it.value().is_null())
          next.erase(it.key());
        else
          next[it.key()] = it.value();
      if (next.empty() && needed("environment"))
        refuse("--env: may not remove every key (the desk's intake norm requires it)");
      f["environment"] = env;
      was["environment"] = env_was;
    }
    if (f.size() == 1) refuse("{}: nothing to change (the fields given hold those values)", t.id);
    std::vector<std::string> names;
    for (auto it = f.begin(); it != f.end(); ++it)
      if (it.key() != "action") names.push_back(it.key());
    f["was"] = was;
    f["reason"] = ed.reason;
    return apply_to_ticket(desk, t.id, f, fmt::format("{} ({})", fmt::join(names, ", "), ed.reason),
                           {});
  });
}

Ticket link_ticket(Desk& desk, const std::string& prefix, const std::string& parent_prefix) {
  desk.op();
  return desk.write([&] {
    Ticket t = load_ticket(desk, prefix);
    Json f = Json::object();
    f["action"] = "link";
    if (parent_prefix.empty()) {
      if (t.parent.empty()) refuse("{}: has no parent link to clear", t.id);
      f["clear"] = true;
      return apply_to_ticket(desk, t.id, f, "parent " + t.parent + " cleared", {});
    }
    std::string parent = resolve_ticket_id(desk, parent_prefix);
    if (parent == t.id) refuse("{}: a ticket cannot be its own parent", t.id);
    // Up the parent chain from the new parent: meeting this ticket would close a cycle.
    std::vector<std::string> chain = {t.id, parent};
    for (std::string up = load_ticket(desk, parent).parent; !up.empty();
         up = load_ticket(desk, up).parent) {
      if (std::find(chain.begin(), chain.end(), up) != chain.end()) {
        chain.push_back(up);
        refuse("{}: linking to {} would make a cycle ({})", t.id, parent, fmt::join(chain, " → "));
      }
      chain.push_back(up);
    }
    f["parent"] = parent;
    return apply_to_ticket(desk, t.id, f, "parent " + parent, {});
  });
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
      throw Error(Exit::refused,
                  fmt::format("{}: closed at {}, past the reopen window of {}", id, t.closed_at,
                              format_duration(desk.settings().reopen_window)),
                  fmt::format("record the return as a new ticket that takes this one up: "
                              "sdesk new --reopens {}",
                              id));
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
