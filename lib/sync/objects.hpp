// The table of event objects: every kind the desk holds (tickets, articles, complaints), as
// their domains define them. The merge, the merge driver, `validate`, `verify` and `log` read it,
// so a kind added here gets every guarantee of lib/store/kinds.hpp at once.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "lib/git/history.hpp"
#include "lib/store/desk.hpp"
#include "lib/store/kinds.hpp"

namespace sdesk {

// Every kind of event object.
const std::vector<ObjectKind>& object_kinds();
// The kind of the given name ("ticket", "article", "complaint"); it must exist.
const ObjectKind& object_kind(std::string_view name);
// The kind whose files live at path (a .yaml file in its folder), or null.
const ObjectKind* kind_of_path(const std::string& path);
// The kind an ID or typed prefix names by its prefix ("KB…", "C-…"), else the ticket kind.
const ObjectKind& kind_of_id(const std::string& typed);
// The audit trail of an object, newest first: a ticket, article or complaint by ID or unique
// prefix, any other ID (a staff member, a handover) as typed; exit 3 when no commit names it.
std::vector<LogEntry> audit_trail(const Desk& desk, const std::string& typed);

}  // namespace sdesk
