// The mechanism of event objects: every kind of file that holds an append-only `events:` list
// and a state folded from it (tickets, articles, complaints) is described by one ObjectKind,
// which its domain defines (ticket_kind, article_kind, complaint_kind) and lib/sync/objects.hpp
// lists. Parsing, ID resolution and allocation here, and `validate`, `verify`, the merge and the
// merge driver above, read it, so each kind gets the same guarantees: checked state blocks, union
// of events by id, conflict marks for events that no longer apply, and a rename with an alias
// when two clones made one ID.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/util/error.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

class Desk;

// What a kind's fold says of a list of events.
struct Folded {
  std::string text;                            // the file text (state block and events)
  std::map<std::string, std::string> illegal;  // event id -> why it no longer applies
};

// One kind of event object.
struct ObjectKind {
  std::string_view name;        // "ticket", "article", "complaint"
  std::string_view prefix;      // the ID prefix: "T", "KB", "C"
  std::string_view folder;      // where its files live: "tickets/"
  std::string_view schema;      // its schema under schemas/: "ticket", "kb", "complaint"
  std::string_view state_hint;  // said after a state block that its events contradict
  std::string (*path)(const std::string& id);                              // the file of an ID
  Folded (*fold)(const std::string& id, std::vector<Json> events);         // events -> file
  std::string (*check)(const std::string& text, const std::string& file);  // full parse -> ID
  // Former IDs (renamed at a merge) -> the object's ID now, of every object of the kind.
  std::vector<std::pair<std::string, std::string>> (*former_ids)(const Desk& desk);
};

// Whether path names a .yaml file.
bool is_yaml_path(const std::string& path);
// The file name of a .yaml path without folder and extension (the object's ID).
std::string path_stem(const std::string& path);

// The events of a parsed object file after its kind's schema check; exit 4 naming the field of
// a duplicate event id.
std::vector<Json> checked_events(const Parsed& p, const ObjectKind& kind);
// The events of a parsed object file for a fast scan (only their presence is checked).
std::vector<Json> listed_events(const Parsed& p);
// Exit 4 naming the field when the file's state block is not what its events give (want).
void check_state_block(const Parsed& p, const Json& want, const ObjectKind& kind);
// Exit 4 for a fold that met a field of the wrong type (a file no sdesk wrote).
[[noreturn]] void refuse_unfoldable(const ObjectKind& kind, const std::string& file,
                                    const std::exception& e);
// Runs fold(), turning a JSON type error into refuse_unfoldable.
template <class F>
auto fold_or_refuse(const ObjectKind& kind, const std::string& file, F&& fold) {
  try {
    return fold();
  } catch (const Json::exception& e) {
    refuse_unfoldable(kind, file, e);
  }
}
// The former IDs recorded by `alias` events.
std::vector<std::string> aliases_in(const std::vector<Json>& events);
// Former ID -> ID now, of every object in the list (anything with `id` and `events`).
template <class T>
std::vector<std::pair<std::string, std::string>> former_ids_of(const std::vector<T>& objects) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& o : objects)
    for (const auto& old : aliases_in(o.events)) out.push_back({old, o.id});
  return out;
}

// The ID of the object a typed ID or unique prefix names (also a former ID), or nullopt when
// none matches: exit 2 for a malformed or ambiguous one.
std::optional<std::string> find_object_id(const Desk& desk, const ObjectKind& kind,
                                          const std::string& typed);
// find_object_id, exit 3 when none matches.
std::string resolve_object_id(const Desk& desk, const ObjectKind& kind, const std::string& typed);
// A fresh object ID of the kind, in the desk-local month of now, unused at HEAD.
std::string allocate_object_id(Desk& desk, const ObjectKind& kind);

}  // namespace sdesk
