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
  std::string reopens;  // a closed ticket this one takes up again (its fields fill the gaps)
};

// A correction of a ticket's intake fields (`sdesk edit`); unset fields stay as they are.
struct TicketEdit {
  std::optional<std::string> title;                              // new one-line summary
  std::optional<std::string> priority;                           // new priority (any case)
  std::optional<std::string> customer;                           // new customer
  std::optional<std::string> contact;                            // new contact
  std::optional<std::string> category;                           // new category ("" removes it)
  std::optional<std::string> need;                               // new need
  std::optional<std::string> required_by;                        // new required-by time, as typed
  std::vector<std::pair<std::string, std::string>> environment;  // key=value ("" value removes)
  std::string reason;                                            // why (required)
};

// The ticket channels of the contract, in its order.
const std::vector<std::string>& ticket_channels();
// The priorities P1..P4.
const std::vector<std::string>& ticket_priorities();
// Parses a deadline an operator typed (what Desk::parse reads); a date alone means the end of
// that day, 23:59:59, so "by the 5th" and "due the 5th" both include the 5th.
Time parse_deadline(const Desk& desk, const std::string& text, const std::string& what);
// Records a new ticket (one commit); exit 4 naming every missing intake field in one line.
Ticket create_ticket(Desk& desk, const Intake& in);
// Warnings about a ticket just recorded or edited (a required-by time already past).
std::vector<std::string> intake_warnings(const Ticket& t, Zone zone);
// Corrects a ticket's intake fields with an `edit` event holding what changed (one commit); the
// owner, the assignee and the PM may; exit 4 when refused or nothing changes.
Ticket edit_ticket(Desk& desk, const std::string& prefix, const TicketEdit& edit);
// Ties a ticket to a parent (a major incident), or with an empty parent removes its link (one
// commit); exit 4 when the link would make a cycle.
Ticket link_ticket(Desk& desk, const std::string& prefix, const std::string& parent);
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
