#include "lib/ticket/workflow.hpp"

#include <algorithm>
#include <set>

#include "lib/util/error.hpp"

namespace sdesk {

namespace {
const std::vector<std::string> kOpen = {"new", "assigned", "in_progress", "pending"};
}  // namespace

const std::vector<Transition>& transitions() {
  static const std::vector<Transition> t = {
      {"new", {}, "new", "intake"},
      {"assign", {"new", "assigned", "in_progress"}, "assigned", "PM assigns"},
      {"take", {"new", "assigned"}, "assigned", "unassigned, own tier"},
      {"start", {"assigned"}, "in_progress", "first response"},
      {"note", {"*"}, "", "internal or customer update"},
      {"pending", {"in_progress"}, "pending", "customer, vendor, third-party"},
      {"resume", {"pending"}, "in_progress", ""},
      {"escalate", kOpen, "?", "to l2: new/assigned; to vendor: unchanged"},
      {"de-escalate", kOpen, "?", "to l1: assigned to owner; to l2: unchanged"},
      {"resolve", {"in_progress", "pending"}, "resolved", "solution recorded"},
      {"close", {"resolved"}, "closed", "customer confirmed"},
      {"reopen", {"resolved", "closed"}, "in_progress", "within reopen window"},
      {"cancel", kOpen, "cancelled", "with a reason"},
      {"link", {"*"}, "", "to a major incident, or cleared"},
      {"edit", {"*"}, "", "intake fields corrected"},
      {"kb", {"*"}, "", "article linked"},
      {"alias", {"*"}, "", "renamed at merge: the old ID stays an alias"},
      {"conflict", {"*"}, "", "a merge made an event no longer apply"},
      {"callback-pick", {"*"}, "", "picked for a callback"},
      {"callback", {"*"}, "", "customer called back"},
      {"callback-plan", {"*"}, "", "improvement plan"},
      {"callback-reply", {"*"}, "", "answer to the customer"},
  };
  return t;
}

bool is_open_status(const std::string& s) {
  return std::find(kOpen.begin(), kOpen.end(), s) != kOpen.end();
}

std::string why_illegal(const Ticket& t, const Json& e) {
  std::string action = str(e, "action");
  const Transition* row = nullptr;
  for (const auto& tr : transitions())
    if (tr.action == action) row = &tr;
  if (!row) return "unknown action '" + action + "'";
  if (action == "new") return t.status.empty() ? "" : "the ticket already exists";
  if (t.status.empty()) return "the ticket has no 'new' event";
  bool any = std::find(row->from.begin(), row->from.end(), "*") != row->from.end();
  if (!any && std::find(row->from.begin(), row->from.end(), t.status) == row->from.end())
    return fmt::format("cannot {} a ticket that is {}", action, t.status);
  if (action == "take" && !t.assignee.empty())
    return fmt::format("the ticket is already assigned to {}", t.assignee);
  if (action == "escalate") {
    std::string to = str(e, "to");
    if (to == "l2" && t.tier != "l1")
      return fmt::format("the ticket is already at tier {}", t.tier);
    if (to == "vendor" && t.tier != "l2")
      return fmt::format("only a tier l2 ticket goes to a vendor (this one is {})", t.tier);
    if (to != "l2" && to != "vendor") return "escalation goes to l2 or vendor:<id>";
  }
  if (action == "de-escalate") {
    std::string to = str(e, "to");
    if (to == "l2" && t.tier != "vendor") return "only a ticket at a vendor comes back to l2";
    if (to == "l1" && t.tier == "l1") return "the ticket is already at tier l1";
    if (to != "l1" && to != "l2") return "de-escalation goes to l1 or l2";
  }
  return "";
}

void apply_event(Ticket& t, const Json& e) {
  std::string action = str(e, "action");
  std::string at = str(e, "at");
  std::string by = str(e, "by");
  if (action == "new") {
    t.status = "new";
    t.tier = "l1";
    t.title = str(e, "title");
    t.priority = str(e, "priority");
    t.category = str(e, "category");
    t.channel = str(e, "channel");
    t.major = e.value("major", false);
    t.customer = str(e, "customer");
    t.contact = str(e, "contact");
    t.need = str(e, "need");
    t.required_by = str(e, "required_by");
    t.environment = e.contains("environment") && e["environment"].is_object() ? e["environment"]
                                                                              : Json::object();
    t.owner = by;
    t.created_at = at;
    if (!str(e, "parent").empty()) t.parent = str(e, "parent");
  } else if (action == "assign") {
    t.assignee = str(e, "assignee");
    t.status = "assigned";
  } else if (action == "take") {
    t.assignee = by;
    t.status = "assigned";
  } else if (action == "start") {
    t.status = "in_progress";
    if (t.responded_at.empty()) t.responded_at = at;
  } else if (action == "note") {
    // `start` is the first response. A customer update recorded by an earlier release (with no
    // `response: false`) counted as one, and still does, so its file folds as it was written.
    if (e.value("customer", false) && !e.contains("response") && t.responded_at.empty())
      t.responded_at = at;
  } else if (action == "pending") {
    t.status = "pending";
    t.pending_reason = str(e, "reason");
  } else if (action == "resume") {
    t.status = "in_progress";
    t.pending_reason.clear();
  } else if (action == "escalate") {
    std::string to = str(e, "to");
    Json esc = Json::object();
    esc["at"] = at;
    esc["by"] = by;
    esc["from"] = t.tier;
    esc["to"] = to == "vendor" ? "vendor:" + str(e, "vendor") : to;
    esc["reason"] = str(e, "reason");
    esc["done"] = str(e, "done");
    t.escalations.push_back(esc);
    if (to == "l2") {
      t.tier = "l2";
      t.left_l1 = true;
      t.assignee = str(e, "assignee");
      t.status = t.assignee.empty() ? "new" : "assigned";
    } else {
      t.tier = "vendor";
      t.vendor = str(e, "vendor");
      t.to_vendor = true;
    }
  } else if (action == "de-escalate") {
    std::string to = str(e, "to");
    if (to == "l1") {
      t.tier = "l1";
      t.vendor.clear();
      t.assignee = t.owner;
      t.status = "assigned";
    } else {
      t.tier = "l2";
      t.vendor.clear();
    }
  } else if (action == "resolve") {
    t.status = "resolved";
    t.resolved_at = at;
    if (t.responded_at.empty()) t.responded_at = at;
    std::string kb = str(e, "kb");
    if (!kb.empty() && std::find(t.kb.begin(), t.kb.end(), kb) == t.kb.end()) t.kb.push_back(kb);
  } else if (action == "close") {
    t.status = "closed";
    t.closed_at = at;
  } else if (action == "reopen") {
    t.status = "in_progress";
    t.reopen_count++;
    t.resolved_at.clear();
    t.closed_at.clear();
  } else if (action == "cancel") {
    t.status = "cancelled";
  } else if (action == "link") {
    t.parent = str(e, "parent");  // a link with `clear: true` has none
  } else if (action == "edit") {
    const std::pair<const char*, std::string*> fields[] = {{"title", &t.title},
                                                           {"priority", &t.priority},
                                                           {"customer", &t.customer},
                                                           {"contact", &t.contact},
                                                           {"category", &t.category},
                                                           {"need", &t.need},
                                                           {"required_by", &t.required_by}};
    for (const auto& [k, field] : fields)
      if (e.contains(k)) *field = str(e, k);
    if (e.contains("environment") && e["environment"].is_object())
      for (auto it = e["environment"].begin(); it != e["environment"].end(); ++it) {
        if (it.value().is_null())
          t.environment.erase(it.key());
        else
          t.environment[it.key()] = it.value();
      }
  } else if (action == "callback-plan") {
    // A replay from scratch keeps the plans, so that a plan's owner may reply.
    bool have = std::any_of(t.events.begin(), t.events.end(),
                            [&](const Json& x) { return str(x, "id") == str(e, "id"); });
    if (!have) t.events.push_back(e);
  } else if (action == "kb") {
    std::string kb = str(e, "article");
    if (!kb.empty() && std::find(t.kb.begin(), t.kb.end(), kb) == t.kb.end()) t.kb.push_back(kb);
  }
}

std::string why_forbidden(const Settings& s, const Staff& actor, const Ticket& t, const Json& e) {
  if (!actor.active) return fmt::format("{} is deactivated", actor.id);
  if (actor.role == "pm") return "";
  std::string action = str(e, "action");
  if (action == "assign") {
    // Assigning an unassigned ticket of one's own tier to oneself is a `take`.
    std::string tier = t.tier == "vendor" ? "l2" : t.tier;
    if (str(e, "assignee") == actor.id && t.assignee.empty() && tier == actor.role) return "";
    return "only the PM assigns a ticket to someone else";
  }
  if (action == "callback-plan" || action == "callback-reply") {
    std::string owner;  // the consultant the PM named in the latest plan
    for (const auto& ev : t.events)
      if (str(ev, "action") == "callback-plan") owner = str(ev, "owner");
    if (!owner.empty() && owner == actor.id) return "";
    return fmt::format("{} ({}) may not record a callback {}: only the PM or the plan's owner{}",
                       actor.id, actor.role, action == "callback-plan" ? "plan" : "reply",
                       owner.empty() ? "" : " (" + owner + ")");
  }
  if (action == "escalate" && str(e, "to") == "vendor" && actor.role != "l2")
    return "only l2 or the PM escalates to a vendor";
  auto it = s.permissions.find(action);
  std::vector<std::string> who;
  if (it != s.permissions.end())
    who = it->second;
  else {
    static const std::map<std::string, std::vector<std::string>> dflt = {
        {"new", {"l1", "l2"}},
        {"take", {"l1", "l2"}},
        {"start", {"assignee"}},
        {"note", {"owner", "assignee"}},
        {"pending", {"assignee"}},
        {"resume", {"assignee"}},
        {"escalate", {"assignee"}},
        {"de-escalate", {"assignee"}},
        {"resolve", {"assignee"}},
        {"close", {"owner", "assignee"}},
        {"reopen", {"owner", "assignee"}},
        {"cancel", {"owner", "assignee"}},
        {"link", {"owner", "assignee"}},
        {"edit", {"owner", "assignee"}},
        {"kb", {"l1", "l2"}},
        {"alias", {"any"}},
        {"conflict", {"any"}},
        {"callback-pick", {"l1"}},
        {"callback", {"l1"}},
    };
    auto d = dflt.find(action);
    if (d != dflt.end()) who = d->second;
  }
  for (const auto& w : who) {
    if (w == actor.role && action != "take") return "";
    if (w == "owner" && actor.id == t.owner) return "";
    if (w == "assignee" && actor.id == t.assignee) return "";
    if (w == "any") return "";
    if (action == "take" && w == actor.role) {
      std::string tier = t.tier == "vendor" ? "l2" : t.tier;
      if (tier == actor.role) return "";
      return fmt::format("{} takes only tickets of tier {} (this one is {})", actor.id, actor.role,
                         t.tier);
    }
  }
  std::string people;
  for (const auto& w : who) people += (people.empty() ? "" : ", ") + w;
  return fmt::format("{} ({}) may not {} this ticket (allowed: pm{}{})", actor.id, actor.role,
                     action, people.empty() ? "" : ", ", people);
}

std::string workflow_diagram(const std::string& format) {
  std::set<std::pair<std::string, std::string>> seen;
  struct Edge {
    std::string from, to, label;
  };
  std::vector<Edge> edges;
  auto add = [&](const std::string& f, const std::string& to, const std::string& label) {
    if (seen.insert({f + "->" + to, label}).second) edges.push_back({f, to, label});
  };
  for (const auto& tr : transitions()) {
    if (tr.to.empty()) continue;
    if (tr.action == "new") {
      add("start", "new", "new (intake)");
      continue;
    }
    if (tr.action == "escalate") {
      for (const auto& f : tr.from) add(f, f == "new" ? "new" : "new", "escalate to l2");
      for (const auto& f : tr.from) add(f, f, "escalate to vendor");
      add("in_progress", "assigned", "escalate --assign");
      continue;
    }
    if (tr.action == "de-escalate") {
      for (const auto& f : tr.from) add(f, "assigned", "de-escalate to l1");
      continue;
    }
    for (const auto& f : tr.from) add(f, tr.to, tr.action);
  }
  std::string out;
  if (format == "mermaid") {
    out = "stateDiagram-v2\n";
    for (const auto& e : edges)
      out += fmt::format("  {} --> {}: {}\n", e.from == "start" ? "[*]" : e.from, e.to, e.label);
    out += "  closed --> [*]\n  cancelled --> [*]\n";
    return out;
  }
  if (format != "dot") usage_error("--format: '{}' is not dot or mermaid", format);
  out =
      "digraph sdesk {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n  start "
      "[shape=point];\n";
  for (const auto& e : edges)
    out += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\"];\n", e.from, e.to, e.label);
  out += "}\n";
  return out;
}

}  // namespace sdesk
