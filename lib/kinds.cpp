#include "lib/kinds.hpp"

#include "lib/complaints.hpp"
#include "lib/kb.hpp"
#include "lib/ticket.hpp"

namespace sdesk {

namespace {
Folded fold_ticket_file(const std::string& id, std::vector<Json> events) {
  Ticket t = fold_ticket(id, std::move(events));
  return {ticket_yaml(t), t.illegal};
}
Folded fold_article_file(const std::string& id, std::vector<Json> events) {
  Article a = fold_article(id, std::move(events));
  return {article_yaml(a), a.illegal};
}
Folded fold_complaint_file(const std::string& id, std::vector<Json> events) {
  Complaint c = fold_complaint(id, std::move(events), Time{});
  return {complaint_yaml(c), c.illegal};
}
}  // namespace

const std::vector<ObjectKind>& object_kinds() {
  static const std::vector<ObjectKind> kinds{
      {"ticket", "T", "tickets/", ticket_path, fold_ticket_file},
      {"article", "KB", "kb/", article_path, fold_article_file},
      {"complaint", "C", "complaints/", complaint_path, fold_complaint_file},
  };
  return kinds;
}

const ObjectKind* kind_of_path(const std::string& path) {
  if (path.size() <= 5 || path.compare(path.size() - 5, 5, ".yaml") != 0) return nullptr;
  for (const auto& k : object_kinds())
    if (path.compare(0, k.folder.size(), k.folder) == 0) return &k;
  return nullptr;
}

}  // namespace sdesk
