#include "lib/ticket/scan.hpp"

#include "lib/store/kinds.hpp"

namespace sdesk {

std::vector<Ticket> tickets_where(const Desk& desk, const HeadFilter& keep) {
  TreePtr tree = desk.repo().head_tree();
  return cached_tickets(desk.repo(), tree.get(), keep);
}

std::vector<Ticket> all_tickets(const Desk& desk) {
  return tickets_where(desk, {});
}

std::vector<Ticket> open_tickets(const Desk& desk) {
  return tickets_where(desk,
                       [](const TicketHead& h) { return is_open_status(std::string(h.status)); });
}

}  // namespace sdesk
