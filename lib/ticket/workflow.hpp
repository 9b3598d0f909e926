// The ticket state machine and role rules, as one table that the code, `sdesk workflow` and
// `sdesk verify` all read.
#pragma once
#include <string>
#include <vector>

#include "lib/store/settings.hpp"
#include "lib/store/staff.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// One row of the state machine.
struct Transition {
  std::string action;             // the verb (event action)
  std::vector<std::string> from;  // statuses it applies in ("*" = any)
  std::string to;                 // resulting status ("" = unchanged, "?" = depends on event)
  std::string label;              // a note for the diagram
};

// The whole table.
const std::vector<Transition>& transitions();
// Why an event may not be applied to a ticket in its current state, or "" when it may.
std::string why_illegal(const Ticket& t, const Json& event);
// Applies a legal event to a ticket.
void apply_event(Ticket& t, const Json& event);
// Why an actor may not perform an event on a ticket under the desk's permissions, or "".
std::string why_forbidden(const Settings& s, const Staff& actor, const Ticket& t,
                          const Json& event);
// The state machine as Graphviz dot or Mermaid text.
std::string workflow_diagram(const std::string& format);

}  // namespace sdesk
