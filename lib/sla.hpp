// SLA clocks of a ticket, computed from its events on the desk calendar.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lib/settings.hpp"
#include "lib/ticket.hpp"

namespace sdesk {

// One stretch of time that counted (or was paused) on a clock, for `sla explain`.
struct SlaInterval {
  std::string clock;     // "response" or "resolve"
  Time from;             // start
  Time to;               // end
  std::int64_t minutes;  // minutes that counted on the ticket's clock
  std::string why;       // "working hours", "paused: waiting on customer", …
};

// The SLA state of one ticket at one instant.
struct SlaState {
  std::optional<Time> response_due;         // when the first response is due
  std::optional<Time> resolve_due;          // when resolution is due
  bool response_breached = false;           // responded late, or not yet and past due
  bool resolve_breached = false;            // resolved late, or not yet and past due
  std::int64_t paused_minutes = 0;          // customer waits, on the ticket's clock
  std::optional<std::int64_t> minutes_to_response;  // clock minutes to first response
  std::optional<std::int64_t> minutes_to_resolve;   // clock minutes to (last) resolution
  bool at_risk = false;                     // a running target is past the at-risk share
  std::optional<Time> due;                  // the next running due time
  std::optional<std::int64_t> left_minutes; // clock minutes left to `due` (negative: late)
  std::vector<std::string> warnings;        // e.g. "no calendar for 2027"
  std::vector<SlaInterval> intervals;       // what counted, for explain
};

// Computes a ticket's clocks at `now`; the same events and settings give the same result.
SlaState compute_sla(const Ticket& t, const Settings& s, Time now);
// The contract's `sla` JSON object.
Json sla_json(const SlaState& st, Zone zone);

}  // namespace sdesk
