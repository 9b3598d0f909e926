#include "lib/sync/validate.hpp"

#include <filesystem>
#include <map>

#include "lib/store/desk.hpp"
#include "lib/store/kinds.hpp"
#include "lib/store/settings.hpp"
#include "lib/store/staff.hpp"
#include "lib/sync/objects.hpp"
#include "lib/util/error.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

namespace {
bool starts(const std::string& s, const char* p) {
  return s.rfind(p, 0) == 0;
}
}  // namespace

bool pm_only_path(const std::string& path) {
  return path == "desk.yaml" || path == ".gitattributes" || starts(path, "staff/") ||
         starts(path, "vendors/") || starts(path, "schemas/");
}

std::string object_of_path(const std::string& path) {
  if (path == "desk.yaml") return "desk";
  if (!is_yaml_path(path)) return "";
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return path.substr(slash + 1, path.size() - slash - 6);
}

std::string object_of_file(const std::string& path, const std::string& text) {
  Json doc;
  try {
    if (is_yaml_path(path)) doc = parse_yaml(text, path).doc;
  } catch (const Error&) {
    // an unreadable file is reported on its own; name it by its stem
  }
  return object_of_doc(path, doc);
}

std::string object_of_doc(const std::string& path, const Json& doc) {
  std::string stem = object_of_path(path);
  if (stem.empty() || path == "desk.yaml") return stem;
  if (starts(path, "duty/") && path.size() == 17) return "duty-" + path.substr(5, 4) + "-" + stem;
  if (starts(path, "surveys/") && stem == "campaign") {
    auto slash = path.find('/', 8);
    return path.substr(8, slash - 8);
  }
  if (doc.is_object() && doc.contains("id") && doc["id"].is_string())
    return doc["id"].get<std::string>();
  return stem;
}

void validate_file(const std::string& path, const std::string& text) {
  if (path == "desk.yaml") {
    load_settings(text);
    return;
  }
  if (!is_yaml_path(path)) return;
  std::string stem = object_of_path(path);
  if (starts(path, "staff/")) {
    Staff s = parse_staff(text, path);
    if (s.id != stem) refuse("{}: id: '{}' does not match the file name", path, s.id);
  } else if (starts(path, "vendors/")) {
    Vendor v = parse_vendor(text, path);
    if (v.id != stem) refuse("{}: id: '{}' does not match the file name", path, v.id);
  } else if (const ObjectKind* kind = kind_of_path(path)) {
    std::string id = kind->check(text, path);
    if (id != stem) refuse("{}: id: '{}' does not match the file name", path, id);
    if (kind->path(id) != path)
      refuse("{}: the file is not where its ID puts it ({})", path, kind->path(id));
  } else {
    for (const auto& [prefix, schema] :
         std::map<std::string, std::string>{{"duty/", "duty"}, {"handovers/", "handover"}}) {
      if (!starts(path, prefix.c_str())) continue;
      if (!embedded_schemas().count(schema + ".schema.json")) return;
      validate_schema(parse_yaml(text, path), schema);
      return;
    }
    if (starts(path, "surveys/")) {
      std::string schema =
          path.size() >= 14 && path.compare(path.size() - 14, 14, "/campaign.yaml") == 0
              ? "survey-campaign"
              : "survey-response";
      if (embedded_schemas().count(schema + ".schema.json"))
        validate_schema(parse_yaml(text, path), schema);
    }
  }
}

void check_append_only(const std::string& path, const std::string& old_text,
                       const std::string& new_text) {
  if (!is_yaml_path(path)) return;
  check_append_only(path, parse_yaml(old_text, path).doc, parse_yaml(new_text, path).doc);
}

void check_append_only(const std::string& path, const Json& before, const Json& after) {
  if (!before.is_object() || !before.contains("events")) return;
  std::map<std::string, const Json*> now;
  if (after.is_object() && after.contains("events") && after["events"].is_array())
    for (const auto& e : after["events"]) now[e.value("id", "")] = &e;
  for (const auto& e : before["events"]) {
    std::string id = e.value("id", "");
    auto it = now.find(id);
    if (it == now.end())
      refuse("{}: events: event {} was removed (events are append-only)", path, id);
    if (*it->second == e) continue;
    // Two different events under one id, met at a merge: the one kept under id-DIGEST is the
    // same event, renamed (see union_events).
    bool renamed = false;
    for (auto r = now.lower_bound(id + "-");
         !renamed && r != now.end() && r->first.compare(0, id.size() + 1, id + "-") == 0; ++r) {
      Json same = *r->second;
      same["id"] = id;
      renamed = same == e;
    }
    if (!renamed) refuse("{}: events: event {} was altered (events are append-only)", path, id);
  }
}

void refuse_output_path(const Desk& desk, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  // A link is followed as the write would follow it, even when it points at nothing yet.
  for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
    fs::path to = fs::read_symlink(p, ec);
    if (ec) break;
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  p = fs::weakly_canonical(p, ec).lexically_normal();
  auto inside = [&](const fs::path& dir) {
    if (dir.empty()) return false;
    std::error_code e;
    fs::path d = fs::weakly_canonical(dir, e).lexically_normal();
    fs::path rel = p.lexically_relative(d);
    return !rel.empty() && *rel.begin() != "..";
  };
  const Repo& repo = desk.repo();
  fs::path root = repo.workdir();
  if (inside(repo.gitdir()) || (!root.empty() && inside(root / ".git")))
    refuse("-o {}: is inside the desk's .git directory", path);
  if (fs::is_directory(p, ec)) refuse("-o {}: is a directory", path);
  if (root.empty() || !inside(root)) return;
  std::error_code e;
  std::string rel =
      p.lexically_relative(fs::weakly_canonical(root, e).lexically_normal()).generic_string();
  TreePtr tree = repo.head_tree();
  if (repo.blob_at(tree.get(), rel))
    refuse("-o {}: is a file the desk tracks ({}); write the report outside it", path, rel);
}

}  // namespace sdesk
