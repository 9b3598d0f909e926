#include "lib/sync/objects.hpp"

#include "lib/kb/kb.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

const std::vector<ObjectKind>& object_kinds() {
  static const std::vector<ObjectKind> kinds{ticket_kind(), article_kind(), complaint_kind()};
  return kinds;
}

const ObjectKind& object_kind(std::string_view name) {
  for (const auto& k : object_kinds())
    if (k.name == name) return k;
  internal_error("no object kind {}", name);
}

const ObjectKind* kind_of_path(const std::string& path) {
  if (!is_yaml_path(path)) return nullptr;
  for (const auto& k : object_kinds())
    if (path.compare(0, k.folder.size(), k.folder) == 0) return &k;
  return nullptr;
}

const ObjectKind& kind_of_id(const std::string& typed) {
  std::string up = upper_ascii(trim_space(typed));
  for (const auto& k : object_kinds())
    if (up.rfind(std::string(k.prefix) + "-", 0) == 0 ||
        (k.prefix.size() > 1 && up.rfind(k.prefix, 0) == 0))
      return k;
  return object_kinds().front();
}

std::vector<LogEntry> audit_trail(const Desk& desk, const std::string& typed) {
  const ObjectKind& kind = kind_of_id(typed);
  // An ID that names no object of the kind may still name something else's history.
  auto entries = object_log(desk.repo(), find_object_id(desk, kind, typed).value_or(typed));
  if (entries.empty()) not_found("no history for {}", typed);
  return entries;
}

}  // namespace sdesk
