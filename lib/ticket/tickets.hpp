// Ticket operations on a desk: intake, actions by the rules, lookups and scans.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// What an operator records at intake.
struct Intake {
  std::string title;        // one-line summary
  std::string customer;     // who asks
  std::string contact;      // phone or email
  std::string channel;      // hotline, email, web, walk-in, monitoring
  std::string priority;     // P1..P4
  std::string category;     // optional category
  std::string need;         // what the customer needs
  std::string required_by;  // by when (as typed; parsed in the desk zone)
  std::vector<std::pair<std::string, std::string>> environment;  // key=value pairs
  bool major = false;                                            // a major incident
  Json extra = Json::object();  // more fields of the `new` event (template, checklist, schedule)
};

// Records a new ticket (one commit); exit 4 naming a missing intake field.
Ticket create_ticket(Desk& desk, const Intake& in);
// The full ID for an ID or unique prefix (aliases too); exit 3 if none, exit 2 if ambiguous.
std::string resolve_ticket_id(const Desk& desk, const std::string& prefix);
// Loads one ticket by ID or prefix, validating its file (hand edits included).
Ticket load_ticket(const Desk& desk, const std::string& prefix);
// Another object changed in the same commit as a ticket action (`resolve --kb` links the
// article, lib/kb/kb.hpp); both functions run again when a lost race re-runs the action.
struct Companion {
  // Before the rules are checked: may amend the event (the other object's full ID).
  std::function<void(Json& event)> prepare;
  // After the ticket's new state is known: the other object's file, if it changes.
  std::function<std::optional<FileChange>(const Ticket& next)> finish;
};
// Applies one action to a ticket by the rules and commits it; `fields` holds the event's own
// fields (action included). Returns the new state. Exit 4 when refused, nothing written.
Ticket act_on_ticket(Desk& desk, const std::string& prefix, Json fields, const std::string& summary,
                     const Companion& also = {});
}  // namespace sdesk

#include "lib/ticket/sla.hpp"

namespace sdesk {

// The contract's ticket JSON: state, `sla` at `now`, and (when asked) events, with events that
// no longer apply marked by an `illegal` field.
Json ticket_json(const Ticket& t, const SlaState& sla, Zone zone, bool with_events = true);

}  // namespace sdesk
