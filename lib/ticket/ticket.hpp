// A work order (工单): its state is a pure fold of its append-only events.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "lib/util/yaml.hpp"

namespace sdesk {

struct ObjectKind;
// The ticket kind of event object (prefix T, files under tickets/).
const ObjectKind& ticket_kind();

// The state of a ticket, folded from its events.
struct Ticket {
  std::string id;           // T-2611-7QK4M3Z
  std::string title;        // one-line summary
  std::string status;       // new, assigned, in_progress, pending, resolved, closed, cancelled
  std::string tier = "l1";  // l1, l2 or vendor
  std::string priority;     // P1..P4
  std::string category;     // free category, may be empty
  std::string channel;      // hotline, email, web, walk-in, monitoring
  bool major = false;       // a major incident
  std::string parent;       // the major incident this ticket belongs to
  std::string customer;     // who asked
  std::string contact;      // phone or email
  std::string need;         // what the customer needs
  std::string required_by;  // by when the customer needs it (ISO 8601), may be empty
  Json environment = Json::object();           // environment key -> value
  std::string owner;                           // the consultant who recorded it (created_by)
  std::string assignee;                        // who works it now
  std::string vendor;                          // the vendor it is escalated to
  std::string created_at;                      // when it was recorded
  std::string responded_at;                    // first response (start or customer update)
  std::string resolved_at;                     // last resolution
  std::string closed_at;                       // when the customer confirmed
  std::string pending_reason;                  // customer, vendor or third-party while pending
  int reopen_count = 0;                        // how often it was reopened
  Json escalations = Json::array();            // [{at, by, from, to, reason, done}]
  std::vector<std::string> kb;                 // linked knowledge-base articles
  std::vector<std::string> aliases;            // former IDs (after a rename at merge)
  std::vector<Json> events;                    // all events, in (at, id) order
  std::map<std::string, std::string> illegal;  // event id -> why it no longer applies
  bool left_l1 = false;                        // ever escalated beyond l1
  bool to_vendor = false;                      // ever escalated to a vendor
};

// The statuses in which a ticket is still being worked.
bool is_open_status(const std::string& status);
// The path of a ticket file: tickets/<YYYY>/<MM>/<ID>.yaml.
std::string ticket_path(const std::string& id);
// Sorts events by (at, id) — the replay order.
void sort_events(std::vector<Json>& events);
// Replays events into a ticket; events that are not legal at their turn are kept and marked.
Ticket fold_ticket(const std::string& id, std::vector<Json> events);
// The state block and events of a ticket as its file holds them (contract field order).
Json ticket_file_json(const Ticket& t);
// The ticket's YAML file text.
std::string ticket_yaml(const Ticket& t);
// Parses a ticket file: schema, then events folded and compared with the state block;
// exit 4 naming file, line and field on any mismatch.
Ticket parse_ticket(const std::string& text, const std::string& file);
// Parses a ticket file fast for scans (no schema check, no state comparison).
Ticket parse_ticket_fast(const std::string& text, const std::string& file);

}  // namespace sdesk
