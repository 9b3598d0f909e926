// Reads that scan the desk. Every scan goes through here, so that the index cache has one
// place to live (DESIGN.md "Index cache").
#pragma once
#include <string>
#include <vector>

#include "lib/desk.hpp"
#include "lib/ticket.hpp"

namespace sdesk {

// IDs of every ticket in HEAD, from the tree's paths alone (no file is read).
std::vector<std::string> ticket_ids(const Desk& desk);
// Every ticket in HEAD, in ID order.
std::vector<Ticket> all_tickets(const Desk& desk);

}  // namespace sdesk
