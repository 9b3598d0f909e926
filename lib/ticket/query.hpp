// The ticket filters of `list` (and `export`): one query, the tickets it keeps with their SLA.
#pragma once
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/ticket/sla.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// What `list` filters on; empty strings and false flags keep everything.
struct TicketQuery {
  std::string status;       // statuses, comma-separated
  std::string tier;         // tiers, comma-separated
  std::string assignee;     // assignees, comma-separated; "me" is the operator
  std::string priority;     // priorities, comma-separated
  std::string customer;     // a part of the customer's name
  std::string since;        // created at or after (a time as typed)
  std::string until;        // created before (a date includes that day)
  std::string sort = "id";  // id, priority, status, created, due, assignee, customer
  bool open = false;        // only open tickets
  bool breached = false;    // only tickets past an SLA target
  bool at_risk = false;     // only tickets at risk
  bool major = false;       // only major incidents
  std::string parent;       // only tickets linked to this major incident (ID or prefix)
  int limit = 0;            // at most this many (0: all)
};

// A ticket kept by a query, with its SLA state at the desk's now.
struct TicketRow {
  Ticket t;     // the ticket
  SlaState st;  // its SLA clocks
};

// The tickets the query keeps, sorted and limited; exit 2 for a value outside a filter's domain.
std::vector<TicketRow> select_tickets(const Desk& desk, const TicketQuery& q);

}  // namespace sdesk
