// The table of event objects: every kind of file that holds an append-only `events:` list
// and a state folded from it (tickets, articles, complaints). Load, merge, the merge driver,
// validate and verify read it, so each kind gets the same guarantees: union of events by id,
// conflict marks for events that no longer apply, and a rename with an alias when two clones
// made one ID.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lib/yaml.hpp"

namespace sdesk {

// What a kind's fold says of a list of events.
struct Folded {
  std::string text;                            // the file text (state block and events)
  std::map<std::string, std::string> illegal;  // event id -> why it no longer applies
};

// One kind of event object.
struct ObjectKind {
  std::string_view name;                       // "ticket", "article", "complaint"
  std::string_view prefix;                     // the ID prefix: "T", "KB", "C"
  std::string_view folder;                     // where its files live: "tickets/"
  std::string (*path)(const std::string& id);  // the file of an ID
  Folded (*fold)(const std::string& id, std::vector<Json> events);  // events -> file
};

// Every kind of event object.
const std::vector<ObjectKind>& object_kinds();
// The kind whose files live at path (a .yaml file in its folder), or null.
const ObjectKind* kind_of_path(const std::string& path);

}  // namespace sdesk
