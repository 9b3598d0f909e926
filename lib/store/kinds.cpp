#include "lib/store/kinds.hpp"

#include <algorithm>
#include <set>

#include "lib/store/desk.hpp"
#include "lib/store/ids.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {
std::string a_or_an(std::string_view noun) {
  bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(noun);
}
}  // namespace

bool is_yaml_path(const std::string& path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".yaml") == 0;
}

std::string path_stem(const std::string& path) {
  auto slash = path.rfind('/');
  size_t from = slash == std::string::npos ? 0 : slash + 1;
  return path.substr(from, path.size() - from - 5);
}

std::vector<Json> checked_events(const Parsed& p, const ObjectKind& kind) {
  validate_schema(p, std::string(kind.schema));
  std::vector<Json> events(p.doc["events"].begin(), p.doc["events"].end());
  std::set<std::string> ids;
  for (size_t i = 0; i < events.size(); ++i)
    if (!ids.insert(events[i].value("id", "")).second)
      refuse_field(p, "/events/" + std::to_string(i) + "/id", "duplicate event id");
  return events;
}

std::vector<Json> listed_events(const Parsed& p) {
  if (!p.doc.is_object() || !p.doc.contains("events") || !p.doc["events"].is_array())
    refuse_field(p, "/events", "missing");
  return {p.doc["events"].begin(), p.doc["events"].end()};
}

void check_state_block(const Parsed& p, const Json& want, const ObjectKind& kind) {
  for (auto it = want.begin(); it != want.end(); ++it) {
    if (it.key() == "events") continue;
    Json have = p.doc.contains(it.key()) ? p.doc[it.key()] : Json();
    if (have != it.value())
      refuse_field(p, "/" + it.key(),
                   fmt::format("says {} but its events give {}{}", have.dump(), it.value().dump(),
                               kind.state_hint));
  }
}

void refuse_unfoldable(const ObjectKind& kind, const std::string& file, const std::exception& e) {
  // An event field of the wrong type ("major": "yes"): the schema types only id, at, by, action.
  refuse("{}: not a valid {} file: {}", file, kind.name, e.what());
}

std::vector<std::string> aliases_in(const std::vector<Json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    if (e.is_object() && e.value("action", "") == "alias" && e.contains("old") &&
        e["old"].is_string())
      out.push_back(e["old"].get<std::string>());
  return out;
}

std::string resolve_object_id(const Desk& desk, const ObjectKind& kind, const std::string& typed) {
  auto id = find_object_id(desk, kind, typed);
  if (!id) not_found("no {} {}", kind.name, typed);
  return *id;
}

std::optional<std::string> find_object_id(const Desk& desk, const ObjectKind& kind,
                                          const std::string& typed) {
  std::string prefix = upper_ascii(trim_space(typed));
  if (prefix.empty()) usage_error("{} ID is required", a_or_an(kind.name));
  if (prefix.find("..") != std::string::npos || prefix.find('/') != std::string::npos)
    usage_error("'{}' is not {} ID", typed, a_or_an(kind.name));
  if (looks_like_object_id(prefix)) {
    TreePtr tree = desk.repo().head_tree();
    if (desk.repo().blob_at(tree.get(), kind.path(prefix))) return prefix;
  }
  std::vector<std::string> ids;
  std::string folder(kind.folder.substr(0, kind.folder.size() - 1));
  desk.walk(folder, [&](const std::string& path, const git_oid&) {
    if (is_yaml_path(path)) ids.push_back(path_stem(path));
  });
  auto find = [&](const std::string& p) {
    std::vector<std::string> m;
    for (const auto& id : ids)
      if (id.rfind(p, 0) == 0) m.push_back(id);
    return m;
  };
  auto matches = find(prefix);
  if (matches.empty() && prefix.rfind(kind.prefix, 0) != 0)
    matches = find(std::string(kind.prefix) + "-" + prefix);
  if (matches.empty())  // a former ID, renamed when two clones made the same one
    for (const auto& [old, id] : kind.former_ids(desk))
      if (old.rfind(prefix, 0) == 0 &&
          std::find(matches.begin(), matches.end(), id) == matches.end())
        matches.push_back(id);
  if (matches.empty()) return std::nullopt;
  return unique_match(std::move(matches), std::string(kind.name), typed);
}

std::string allocate_object_id(Desk& desk, const ObjectKind& kind) {
  TreePtr tree = desk.repo().head_tree();
  std::string id;
  do {
    id = desk.ids().object_id(std::string(kind.prefix), desk.now(), desk.zone());
  } while (desk.repo().blob_at(tree.get(), kind.path(id)));
  return id;
}

}  // namespace sdesk
