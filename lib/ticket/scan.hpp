// Reads that scan the desk. Every scan goes through here, so that the index cache has one
// place to live (DESIGN.md "Index cache"; lib/cache.hpp).
#pragma once
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/ticket/cache.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// Every ticket in HEAD, in ID order (through the index cache).
std::vector<Ticket> all_tickets(const Desk& desk);
// The tickets in HEAD whose head passes `keep`, in ID order; only those are decoded in full.
std::vector<Ticket> tickets_where(const Desk& desk, const HeadFilter& keep);
// The open tickets in HEAD (new, assigned, in_progress, pending), in ID order.
std::vector<Ticket> open_tickets(const Desk& desk);

}  // namespace sdesk
