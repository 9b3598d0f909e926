#include "lib/sla.hpp"

#include "lib/error.hpp"

namespace sdesk {

// Provisional: a wall clock for every priority, until the calendar lands.
SlaState compute_sla(const Ticket& t, const Settings& s, Time now) {
  SlaState st;
  auto it = s.sla.find(t.priority);
  if (it == s.sla.end() || t.created_at.empty()) return st;
  Zone zone = s.zone;
  Time created = parse_time(t.created_at, zone, "created_at");
  st.response_due = created + std::chrono::minutes(wall_minutes(it->second.response));
  st.resolve_due = created + std::chrono::minutes(wall_minutes(it->second.resolve));
  if (!t.responded_at.empty()) {
    Time r = parse_time(t.responded_at, zone, "responded_at");
    st.minutes_to_response = (r - created).count() / 60;
    st.response_breached = r > *st.response_due;
  } else {
    st.response_breached = now > *st.response_due;
  }
  if (!t.resolved_at.empty()) {
    Time r = parse_time(t.resolved_at, zone, "resolved_at");
    st.minutes_to_resolve = (r - created).count() / 60;
    st.resolve_breached = r > *st.resolve_due;
  } else if (is_open_status(t.status)) {
    st.resolve_breached = now > *st.resolve_due;
    st.due = t.responded_at.empty() ? st.response_due : st.resolve_due;
    st.left_minutes = (*st.due - now).count() / 60;
  }
  return st;
}

Json sla_json(const SlaState& st, Zone zone) {
  auto t = [&](const std::optional<Time>& v) { return v ? Json(format_time(*v, zone)) : Json(); };
  auto n = [](const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(); };
  Json j = Json::object();
  j["response_due"] = t(st.response_due);
  j["resolve_due"] = t(st.resolve_due);
  j["response_breached"] = st.response_breached;
  j["resolve_breached"] = st.resolve_breached;
  j["paused_minutes"] = st.paused_minutes;
  j["minutes_to_response"] = n(st.minutes_to_response);
  j["minutes_to_resolve"] = n(st.minutes_to_resolve);
  return j;
}

}  // namespace sdesk
