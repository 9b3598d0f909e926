#include "lib/scan.hpp"

namespace sdesk {

namespace {
bool is_yaml(const std::string& path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".yaml") == 0;
}
std::string stem(const std::string& path) {
  auto slash = path.rfind('/');
  return path.substr(slash + 1, path.size() - slash - 6);
}
}  // namespace

std::vector<std::string> ticket_ids(const Desk& desk) {
  std::vector<std::string> out;
  desk.walk("tickets", [&](const std::string& path, const git_oid&) {
    if (is_yaml(path)) out.push_back(stem(path));
  });
  return out;
}

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
