#include "lib/ticket/query.hpp"

#include <algorithm>
#include <limits>

#include "lib/ticket/scan.hpp"
#include "lib/ticket/tickets.hpp"
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
  // A value outside a filter's domain is a typo, not an empty result; any case is accepted.
  TicketQuery q = o;
  auto check = [](std::string& list, const char* flag, const std::vector<std::string>& allowed) {
    std::vector<std::string> out;
    for (const auto& given : split_list(list)) {
      std::string v = canonical_choice(given, allowed);
      if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
        usage_error("{}: '{}' is not one of {}", flag, given, fmt::join(allowed, ", "));
      out.push_back(v);
    }
    list = fmt::format("{}", fmt::join(out, ","));
  };
  check(q.status, "--status",
        {"new", "assigned", "in_progress", "pending", "resolved", "closed", "cancelled"});
  check(q.tier, "--tier", {"l1", "l2", "vendor"});
  check(q.priority, "--priority", ticket_priorities());
  if (q.assignee == "me") q.assignee = desk.op().id;  // the operator
  std::string parent = q.parent.empty() ? "" : resolve_ticket_id(desk, q.parent);
  auto in = [](const std::string& list, const std::string& v) {
    if (list.empty()) return true;
    auto items = split_list(list);
    return std::find(items.begin(), items.end(), v) != items.end();
  };
  std::vector<TicketRow> rows;
  // The head filters run on the index cache's summaries, so only kept tickets are decoded.
  HeadFilter keep = [&](const TicketHead& h) {
    return in(q.status, std::string(h.status)) && in(q.tier, std::string(h.tier)) &&
           in(q.assignee, std::string(h.assignee)) && in(q.priority, std::string(h.priority)) &&
           (q.customer.empty() || h.customer.find(q.customer) != std::string_view::npos) &&
           (!q.open || is_open_status(std::string(h.status)));
  };
  for (auto& t : tickets_where(desk, keep)) {
    if (since || until) {
      Time c = parse_time(t.created_at, z, "created_at");
      if ((since && c < *since) || (until && c >= *until)) continue;
    }
    SlaState st = compute_sla(t, desk.settings(), desk.now());
    if (q.major && !t.major) continue;
    if (!parent.empty() && t.parent != parent) continue;
    // A cancelled ticket is owed nothing: it is never breached.
    if (q.breached && (t.status == "cancelled" || !(st.response_breached || st.resolve_breached)))
      continue;
    if (q.at_risk && !st.at_risk) continue;
    rows.push_back({std::move(t), std::move(st)});
  }
  const std::string& key = q.sort;
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
  if (q.limit > 0 && rows.size() > static_cast<size_t>(q.limit)) rows.resize(q.limit);
  return rows;
}

}  // namespace sdesk
