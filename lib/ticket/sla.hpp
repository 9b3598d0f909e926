// SLA clocks of a ticket, computed from its events on the desk calendar.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lib/store/settings.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// One stretch of time that counted (or was paused) on a clock, for `sla explain`.
struct SlaInterval {
  std::string clock;     // "response" or "resolve"
  Time from;             // start
  Time to;               // end
  std::int64_t minutes;  // minutes of the ticket's clock in the stretch
  std::string why;       // "working hours (weekday)", "paused: waiting on customer", …
  bool counted = true;   // false: paused or stopped, the minutes did not count
};

// The SLA state of one ticket at one instant.
struct SlaState {
  std::optional<Time> response_due;                 // when the first response is due
  std::optional<Time> resolve_due;                  // when resolution is due
  bool response_breached = false;                   // responded late, or not yet and past due
  bool resolve_breached = false;                    // resolved late, or not yet and past due
  std::int64_t paused_minutes = 0;                  // customer waits, on the ticket's clock
  std::optional<std::int64_t> minutes_to_response;  // clock minutes to first response
  std::optional<std::int64_t> minutes_to_resolve;   // clock minutes to (last) resolution
  std::optional<std::int64_t> seconds_to_response;  // the same in exact seconds (for means)
  std::optional<std::int64_t> seconds_to_resolve;   // the same in exact seconds (for means)
  bool at_risk = false;                             // a running target is past the at-risk share
  std::optional<Time> due;                          // the next running due time
  std::optional<std::int64_t> left_minutes;         // clock minutes left to `due` (negative: late)
  std::vector<std::string> warnings;                // e.g. "no calendar for 2027"
  std::vector<SlaInterval> intervals;               // what counted (explain_sla only)
  std::string clock;                                // "business" or "24x7" ("" without a policy)
  std::optional<std::int64_t> response_target;      // response target in clock minutes
  std::optional<std::int64_t> resolve_target;       // resolution target in clock minutes
  bool due_from_required_by = false;                // resolve_due is the customer's required_by
};

// Computes a ticket's clocks at `now`; the same events and settings give the same result.
SlaState compute_sla(const Ticket& t, const Settings& s, Time now);
// The same, with every stretch of each clock in `intervals`, for `sla explain`.
SlaState explain_sla(const Ticket& t, const Settings& s, Time now);
// The contract's `sla` JSON object.
Json sla_json(const SlaState& st, Zone zone);

}  // namespace sdesk
