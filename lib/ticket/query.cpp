#include "lib/ticket/query.hpp"

#include <algorithm>
#include <limits>

#include "lib/ticket/scan.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

std::vector<TicketRow> select_tickets(const Desk& desk, const TicketQuery& o) {
  Zone z = desk.zone();
  std::optional<Time> since, until;
  if (!o.since.empty()) since = desk.parse(o.since, "--since");
  if (!o.until.empty()) {
    until = desk.parse(o.until, "--until");
    if (o.until.size() == 10) *until += std::chrono::hours(24);
  }
  // A value outside a filter's domain is a typo, not an empty result.
  auto check = [](const std::string& list, const char* flag, std::vector<std::string> allowed) {
    for (const auto& v : split_list(list))
      if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
        usage_error("{}: '{}' is not one of {}", flag, v, fmt::join(allowed, ", "));
  };
  check(o.status, "--status",
        {"new", "assigned", "in_progress", "pending", "resolved", "closed", "cancelled"});
  check(o.tier, "--tier", {"l1", "l2", "vendor"});
  check(o.priority, "--priority", {"P1", "P2", "P3", "P4"});
  auto in = [](const std::string& list, const std::string& v) {
    if (list.empty()) return true;
    auto items = split_list(list);
    return std::find(items.begin(), items.end(), v) != items.end();
  };
  std::vector<TicketRow> rows;
  // The head filters run on the index cache's summaries, so only kept tickets are decoded.
  HeadFilter keep = [&](const TicketHead& h) {
    return in(o.status, std::string(h.status)) && in(o.tier, std::string(h.tier)) &&
           in(o.assignee, std::string(h.assignee)) && in(o.priority, std::string(h.priority)) &&
           (o.customer.empty() || h.customer.find(o.customer) != std::string_view::npos) &&
           (!o.open || is_open_status(std::string(h.status)));
  };
  for (auto& t : tickets_where(desk, keep)) {
    if (since || until) {
      Time c = parse_time(t.created_at, z, "created_at");
      if ((since && c < *since) || (until && c >= *until)) continue;
    }
    SlaState st = compute_sla(t, desk.settings(), desk.now());
    if (o.breached && !(st.response_breached || st.resolve_breached)) continue;
    if (o.at_risk && !st.at_risk) continue;
    rows.push_back({std::move(t), std::move(st)});
  }
  const std::string& key = o.sort;
  auto due_of = [](const TicketRow& r) {
    return r.st.due ? r.st.due->time_since_epoch().count() : std::numeric_limits<long long>::max();
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const TicketRow& a, const TicketRow& b) {
    if (key == "priority") return a.t.priority < b.t.priority;
    if (key == "status") return a.t.status < b.t.status;
    if (key == "created" || key == "created_at") return a.t.created_at < b.t.created_at;
    if (key == "due") return due_of(a) < due_of(b);
    if (key == "assignee") return a.t.assignee < b.t.assignee;
    if (key == "customer") return a.t.customer < b.t.customer;
    return a.t.id < b.t.id;
  });
  if (o.limit > 0 && rows.size() > static_cast<size_t>(o.limit)) rows.resize(o.limit);
  return rows;
}

}  // namespace sdesk
