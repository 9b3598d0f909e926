#include "lib/sync/merge.hpp"

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "lib/kb/kb.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/store/kinds.hpp"
#include "lib/sync/objects.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

namespace sdesk {

namespace {

std::vector<Json> events_of(const Json& doc) {
  if (!doc.is_object() || !doc.contains("events") || !doc["events"].is_array()) return {};
  return std::vector<Json>(doc["events"].begin(), doc["events"].end());
}

// The `new` event of an object's events, or null.
Json new_event(const std::vector<Json>& events) {
  for (const auto& e : events)
    if (e.value("action", "") == "new") return e;
  return Json();
}

// The later of `at` and the last event's time, so that a stamped event replays last.
std::string not_before(const std::string& at, const std::vector<Json>& events) {
  static const Zone utc = date::locate_zone("UTC");
  std::string out = at;
  try {
    Time t = parse_time(at, utc, "at");
    for (const auto& e : events) {
      std::string other = e.value("at", "");
      Time o = parse_time(other, utc, "at");
      if (o > t) t = o, out = other;
    }
  } catch (const Error&) {
  }
  return out;
}

// Folds the events by their kind, adding a `conflict` event for each event that became
// illegal on replay and has none yet; `marked` receives the newly marked event ids.
std::string fold_marked(const ObjectKind& kind, const std::string& id, std::vector<Json> events,
                        const MergeStamp& stamp, std::vector<std::string>& marked) {
  Folded f = kind.fold(id, events);
  if (f.illegal.empty() || !stamp.event_id) return f.text;
  std::set<std::string> recorded;
  for (const auto& e : events)
    if (e.value("action", "") == "conflict" && e.contains("event") && e["event"].is_string())
      recorded.insert(e["event"].get<std::string>());
  bool added = false;
  std::vector<Json> with = events;
  for (const auto& [eid, why] : f.illegal) {
    if (recorded.count(eid)) continue;
    bool is_mark = false;
    for (const auto& e : events)
      if (e.value("id", "") == eid && e.value("action", "") == "conflict") is_mark = true;
    if (is_mark) continue;
    Json c = Json::object();
    c["id"] = stamp.event_id();
    c["at"] = not_before(stamp.at, events);
    c["by"] = stamp.by;
    c["action"] = "conflict";
    c["event"] = eid;
    c["why"] = why;
    with.push_back(c);
    marked.push_back(eid);
    added = true;
  }
  if (!added) return f.text;
  return kind.fold(id, std::move(with)).text;
}

// Emits a merged object: an event object is folded again by its kind; another keeps ours'
// state block.
std::string emit_object(const std::string& path, Json doc, std::vector<Json> events,
                        const MergeStamp& stamp, std::vector<std::string>& illegal) {
  if (const ObjectKind* kind = kind_of_path(path))
    return fold_marked(*kind, doc.value("id", ""), std::move(events), stamp, illegal);
  doc["events"] = events;
  return emit_yaml(doc);
}

// A short, stable digest of an event's content (FNV-1a), four base-32 characters.
std::string digest4(const Json& e) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : e.dump()) h = (h ^ c) * 1099511628211ULL;
  static const char a[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out;
  for (int i = 0; i < 4; ++i, h >>= 5) out += a[h & 31];
  return out;
}

std::string blob_bytes(Repo& repo, const std::optional<git_oid>& id) {
  return id ? repo.blob_text(*id) : std::string();
}

struct Side {
  std::optional<git_oid> id;  // nullopt: deleted
  std::uint32_t mode = GIT_FILEMODE_BLOB;
};

std::map<std::string, Side> changes(Repo& repo, git_tree* from, git_tree* to) {
  git_diff* d = nullptr;
  git_diff_options o = GIT_DIFF_OPTIONS_INIT;
  git_check(git_diff_tree_to_tree(&d, repo.get(), from, to, &o), "diff trees");
  DiffPtr diff(d);
  std::map<std::string, Side> out;
  size_t n = git_diff_num_deltas(d);
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(d, i);
    if (delta->status == GIT_DELTA_DELETED) {
      out[delta->old_file.path] = Side{std::nullopt, delta->old_file.mode};
    } else {
      out[delta->new_file.path] = Side{delta->new_file.id, delta->new_file.mode};
    }
  }
  return out;
}

}  // namespace

bool is_event_path(const std::string& path) {
  return kind_of_path(path) != nullptr;
}

std::vector<Json> union_events(const std::vector<Json>& ours, const std::vector<Json>& theirs) {
  // Events are united by id. Two different events under one id (two clones that shared an
  // identity) are both kept: the one whose content digests lower keeps the id, the other is
  // renamed id-DIGEST, so every clone that meets the pair renames it the same way.
  std::map<std::string, std::vector<Json>> by_id;
  for (const auto* list : {&ours, &theirs})
    for (const auto& e : *list) {
      auto& same = by_id[e.value("id", "")];
      if (std::find(same.begin(), same.end(), e) == same.end()) same.push_back(e);
    }
  std::vector<Json> out;
  std::set<std::string> ids;
  for (auto& [id, same] : by_id) {
    if (same.size() > 1)
      std::sort(same.begin(), same.end(), [](const Json& a, const Json& b) {
        return digest4(a) + a.dump() < digest4(b) + b.dump();
      });
    for (size_t i = 0; i < same.size(); ++i) {
      Json e = same[i];
      if (i > 0) e["id"] = id + "-" + digest4(same[i]);
      if (ids.insert(e.value("id", "")).second) out.push_back(e);
    }
  }
  sort_events(out);
  return out;
}

FileMerge merge_text(const std::string& path, const std::optional<std::string>& base,
                     const std::string& ours, const std::string& theirs) {
  git_library_init();
  git_merge_file_input in_base = GIT_MERGE_FILE_INPUT_INIT;
  git_merge_file_input in_ours = GIT_MERGE_FILE_INPUT_INIT;
  git_merge_file_input in_theirs = GIT_MERGE_FILE_INPUT_INIT;
  if (base) {
    in_base.ptr = base->data();
    in_base.size = base->size();
    in_base.path = path.c_str();
  }
  in_ours.ptr = ours.data();
  in_ours.size = ours.size();
  in_ours.path = path.c_str();
  in_theirs.ptr = theirs.data();
  in_theirs.size = theirs.size();
  in_theirs.path = path.c_str();
  git_merge_file_options opts = GIT_MERGE_FILE_OPTIONS_INIT;
  opts.ancestor_label = "base";
  opts.our_label = "ours";
  opts.their_label = "theirs";
  GitValue<git_merge_file_result, git_merge_file_result_free> r;
  git_check(git_merge_file(&r.value, &in_base, &in_ours, &in_theirs, &opts), "merge file");
  FileMerge out;
  out.text = std::string(r.value.ptr ? r.value.ptr : "", r.value.len);
  out.conflict = !r.value.automergeable;
  return out;
}

FileMerge merge_file(const std::string& path, const std::optional<std::string>& base,
                     const std::optional<std::string>& ours,
                     const std::optional<std::string>& theirs, const MergeStamp& stamp) {
  FileMerge out;
  if (ours == theirs) {
    out.text = ours;
    return out;
  }
  if (!is_event_path(path)) {
    if (ours == base) return FileMerge{theirs, false, {}};
    if (theirs == base) return FileMerge{ours, false, {}};
  } else {
    if (ours == base && theirs) return FileMerge{theirs, false, {}};
    if (theirs == base && ours) return FileMerge{ours, false, {}};
  }
  if (is_event_path(path)) {
    try {
      std::optional<Json> b, o, t;
      if (base && !base->empty()) b = parse_yaml(*base, path).doc;
      if (ours) o = parse_yaml(*ours, path).doc;
      if (theirs) t = parse_yaml(*theirs, path).doc;
      // Events are never deleted: a side that removed the file keeps what the other has.
      const Json& doc = o ? *o : t ? *t : *b;
      std::vector<Json> events = union_events(o ? events_of(*o) : std::vector<Json>{},
                                              t ? events_of(*t) : std::vector<Json>{});
      if (b) events = union_events(events, events_of(*b));
      out.text = emit_object(path, doc, std::move(events), stamp, out.illegal);
      out.conflict = false;
      return out;
    } catch (const Error&) {
      // Not a readable object on some side: merge the text as git would.
    } catch (const Json::exception&) {
      // A field of the wrong type on some side (a file no sdesk wrote): likewise.
    }
  }
  if (!ours || !theirs) {
    out.text = ours ? ours : theirs;
    out.conflict = true;  // modified on one side, deleted on the other
    return out;
  }
  return merge_text(path, base, *ours, *theirs);
}

TreeMerge merge_trees(Repo& repo, git_tree* base, git_tree* ours, git_tree* theirs,
                      const MergeStamp& stamp) {
  TreeMerge result;
  auto mine = changes(repo, base, ours);
  auto other = changes(repo, base, theirs);
  std::deque<std::string> paths;  // stable storage for update paths
  std::vector<git_tree_update> updates;
  auto put = [&](const std::string& path, const std::optional<git_oid>& id, std::uint32_t mode) {
    paths.push_back(path);
    git_tree_update u{};
    u.action = id ? GIT_TREE_UPDATE_UPSERT : GIT_TREE_UPDATE_REMOVE;
    if (id) u.id = *id;
    u.filemode = static_cast<git_filemode_t>(mode);
    u.path = paths.back().c_str();
    updates.push_back(u);
  };
  auto put_text = [&](const std::string& path, const std::optional<std::string>& text) {
    if (!text) return put(path, std::nullopt, GIT_FILEMODE_BLOB);
    git_oid id;
    git_check(git_blob_create_from_buffer(&id, repo.get(), text->data(), text->size()),
              "write blob");
    put(path, id, GIT_FILEMODE_BLOB);
  };
  for (const auto& [path, side] : other) {
    auto m = mine.find(path);
    if (m == mine.end()) {
      put(path, side.id, side.mode);
      continue;
    }
    if (m->second.id.has_value() == side.id.has_value() &&
        (!side.id || oid_eq(*m->second.id, *side.id)))
      continue;
    std::optional<git_oid> base_id = repo.blob_at(base, path);
    std::optional<std::string> b, o, t;
    if (base_id) b = repo.blob_text(*base_id);
    if (m->second.id) o = blob_bytes(repo, m->second.id);
    if (side.id) t = blob_bytes(repo, side.id);
    // The same new ID made in two clones: the later object gets a new ID, the old one an
    // alias. The new ID is derived from the later object's `new` event, so every clone that
    // meets the pair picks the same one.
    const ObjectKind* kind = kind_of_path(path);
    if (!b && o && t && kind && stamp.event_id) {
      try {
        Json od = parse_yaml(*o, path).doc, td = parse_yaml(*t, path).doc;
        Json on = new_event(events_of(od)), tn = new_event(events_of(td));
        if (on.is_object() && tn.is_object() && on != tn) {
          auto key = [](const Json& e) {
            return std::make_tuple(e.value("at", ""), e.value("id", ""), digest4(e), e.dump());
          };
          bool theirs_later = key(on) < key(tn);
          const Json& later = theirs_later ? td : od;
          std::string old_id = later.value("id", "");
          std::string new_id;
          for (int n = 0; new_id.empty() || repo.blob_at(ours, kind->path(new_id)) ||
                          repo.blob_at(theirs, kind->path(new_id));
               ++n) {
            Json seed = theirs_later ? tn : on;
            seed["rename"] = n;
            new_id = old_id.substr(0, old_id.size() - 2) + digest4(seed).substr(0, 2);
          }
          std::vector<Json> events = events_of(later);
          Json alias = Json::object();
          alias["id"] = stamp.event_id();
          alias["at"] = not_before(stamp.at, events);
          alias["by"] = stamp.by;
          alias["action"] = "alias";
          alias["old"] = old_id;
          events.push_back(alias);
          put_text(kind->path(new_id), kind->fold(new_id, std::move(events)).text);
          if (!theirs_later) put(path, side.id, side.mode);  // the path now holds theirs
          result.renamed.emplace_back(old_id, new_id);
          continue;
        }
      } catch (const Error&) {
        // Not readable as objects: merged below like any other file.
      }
    }
    FileMerge fm = merge_file(path, b, o, t, stamp);
    if (fm.conflict) {
      result.conflicts.push_back(path);
      continue;
    }
    std::string obj = path.substr(path.rfind('/') + 1);
    if (is_event_path(path)) result.merged.push_back(obj.substr(0, obj.size() - 5));
    for (const auto& eid : fm.illegal)
      result.illegal.push_back(obj.substr(0, obj.size() - 5) + " " + eid);
    put_text(path, fm.text);
  }
  git_check(git_tree_create_updated(&result.tree, repo.get(), ours, updates.size(), updates.data()),
            "build merged tree");
  return result;
}

}  // namespace sdesk
