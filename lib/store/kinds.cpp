#include "lib/store/kinds.hpp"

#include <algorithm>
#include <set>

#include "lib/kb/kb.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/store/desk.hpp"
#include "lib/store/ids.hpp"
#include "lib/store/scan.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/util/text.hpp"

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

std::string check_ticket(const std::string& text, const std::string& file) {
  return parse_ticket(text, file).id;
}
std::string check_article(const std::string& text, const std::string& file) {
  return parse_article(text, file).id;
}
std::string check_complaint(const std::string& text, const std::string& file) {
  return parse_complaint(text, file, Time{}).id;
}

using Former = std::vector<std::pair<std::string, std::string>>;
template <class T>
void add_former(Former& out, const T& object) {
  for (const auto& old : aliases_in(object.events)) out.push_back({old, object.id});
}
Former ticket_former_ids(const Desk& desk) {
  Former out;
  for (const auto& t : all_tickets(desk)) add_former(out, t);
  return out;
}
Former article_former_ids(const Desk& desk) {
  Former out;
  for (const auto& a : all_articles(desk)) add_former(out, a);
  return out;
}
Former complaint_former_ids(const Desk& desk) {
  Former out;
  for (const auto& c : all_complaints(desk)) add_former(out, c);
  return out;
}

std::string a_or_an(std::string_view noun) {
  bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(noun);
}
}  // namespace

const std::vector<ObjectKind>& object_kinds() {
  static const std::vector<ObjectKind> kinds{
      {"ticket", "T", "tickets/", "ticket", "", ticket_path, fold_ticket_file, check_ticket,
       ticket_former_ids},
      {"article", "KB", "kb/", "kb",
       " (change articles with `sdesk kb edit`, which records the change as an event)",
       article_path, fold_article_file, check_article, article_former_ids},
      {"complaint", "C", "complaints/", "complaint", "", complaint_path, fold_complaint_file,
       check_complaint, complaint_former_ids},
  };
  return kinds;
}

const ObjectKind& object_kind(std::string_view name) {
  for (const auto& k : object_kinds())
    if (k.name == name) return k;
  internal_error("no object kind {}", name);
}

bool is_yaml_path(const std::string& path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".yaml") == 0;
}

std::string path_stem(const std::string& path) {
  auto slash = path.rfind('/');
  size_t from = slash == std::string::npos ? 0 : slash + 1;
  return path.substr(from, path.size() - from - 5);
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
