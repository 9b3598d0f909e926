#include "lib/ticket/ticket.hpp"

#include <algorithm>

#include "lib/store/ids.hpp"
#include "lib/store/kinds.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

namespace sdesk {

std::string ticket_path(const std::string& id) {
  auto [y, m] = id_year_month(id);
  return "tickets/" + y + "/" + m + "/" + id + ".yaml";
}

void sort_events(std::vector<Json>& events) {
  static const Zone utc = date::locate_zone("UTC");
  std::vector<std::pair<std::int64_t, size_t>> keys;
  for (size_t i = 0; i < events.size(); ++i) {
    std::int64_t t = 0;
    try {
      t = parse_time(events[i].value("at", ""), utc, "at").time_since_epoch().count();
    } catch (const Error&) {
    }
    keys.push_back({t, i});
  }
  std::vector<size_t> order(events.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (keys[a].first != keys[b].first) return keys[a].first < keys[b].first;
    return events[a].value("id", "") < events[b].value("id", "");
  });
  std::vector<Json> sorted;
  sorted.reserve(events.size());
  for (size_t i : order) sorted.push_back(std::move(events[i]));
  events = std::move(sorted);
}

Ticket fold_ticket(const std::string& id, std::vector<Json> events) {
  sort_events(events);
  Ticket t;
  t.id = id;
  for (const auto& e : events) {
    std::string why = why_illegal(t, e);
    if (!why.empty())
      t.illegal[e.value("id", "")] = why;
    else
      apply_event(t, e);
    if (e.value("action", "") == "alias" && e.contains("old"))
      t.aliases.push_back(e["old"].get<std::string>());
  }
  t.events = std::move(events);
  return t;
}

Json ticket_file_json(const Ticket& t) {
  Json j = Json::object();
  j["id"] = t.id;
  j["title"] = t.title;
  j["status"] = t.status;
  j["tier"] = t.tier;
  j["priority"] = t.priority;
  j["category"] = opt(t.category);
  j["channel"] = t.channel;
  j["major"] = t.major;
  j["parent"] = opt(t.parent);
  j["customer"] = opt(t.customer);
  j["contact"] = opt(t.contact);
  j["need"] = opt(t.need);
  j["required_by"] = opt(t.required_by);
  j["environment"] = t.environment;
  j["assignee"] = opt(t.assignee);
  j["vendor"] = opt(t.vendor);
  j["created_at"] = t.created_at;
  j["created_by"] = t.owner;
  j["responded_at"] = opt(t.responded_at);
  j["resolved_at"] = opt(t.resolved_at);
  j["closed_at"] = opt(t.closed_at);
  j["reopen_count"] = t.reopen_count;
  j["escalations"] = t.escalations;
  j["kb"] = t.kb;
  if (!t.aliases.empty()) j["aliases"] = t.aliases;
  j["events"] = t.events;
  return j;
}

std::string ticket_yaml(const Ticket& t) {
  return emit_yaml(ticket_file_json(t),
                   "sdesk ticket (工单). The fields above `events` are derived from the events;\n"
                   "append to events only through sdesk.");
}

Ticket parse_ticket_fast(const std::string& text, const std::string& file) {
  Parsed p = parse_yaml(text, file);
  return fold_or_refuse(ticket_kind(), file,
                        [&] { return fold_ticket(p.doc.value("id", ""), listed_events(p)); });
}

Ticket parse_ticket(const std::string& text, const std::string& file) {
  const ObjectKind& kind = ticket_kind();
  Parsed p = parse_yaml(text, file);
  std::vector<Json> events = checked_events(p, kind);
  Ticket t = fold_or_refuse(kind, file, [&] { return fold_ticket(p.doc["id"], events); });
  check_state_block(p, ticket_file_json(t), kind);
  return t;
}

}  // namespace sdesk
