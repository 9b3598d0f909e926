// Merging desks object by object: events of tickets, articles and complaints are united by
// id and replayed; other files merge as git would. Used by `sdesk sync` (whole trees) and by
// the git merge driver that sdesk registers in every clone (one file at a time).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/git/git.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

// What a merge needs to stamp the events it adds (conflict marks, aliases).
struct MergeStamp {
  std::string by = "sdesk";                                  // who merges (staff id)
  std::string at;                                            // when (ISO 8601 with offset)
  std::function<std::string()> event_id;                     // a new event ID
  std::function<std::string(const std::string&)> object_id;  // a new object ID for a prefix
};

// The result of merging one file.
struct FileMerge {
  std::optional<std::string> text;   // the merged bytes (nullopt: the file is deleted)
  bool conflict = false;             // a real text conflict (text holds git's markers)
  std::vector<std::string> illegal;  // ticket events that no longer apply on replay
};

// Whether a desk path holds an object with an append-only `events:` list.
bool is_event_path(const std::string& path);
// Unites two event lists by id (ours first when an id repeats) in (at, id) order.
std::vector<Json> union_events(const std::vector<Json>& ours, const std::vector<Json>& theirs);
// Merges three versions of one desk file (base absent when the file is new on both sides).
FileMerge merge_file(const std::string& path, const std::optional<std::string>& base,
                     const std::optional<std::string>& ours,
                     const std::optional<std::string>& theirs, const MergeStamp& stamp);
// Merges text as git would (git_merge_file); conflict markers name ours and theirs.
FileMerge merge_text(const std::string& path, const std::optional<std::string>& base,
                     const std::string& ours, const std::string& theirs);

// The result of merging two trees.
struct TreeMerge {
  git_oid tree{};                                            // the merged tree
  std::vector<std::string> conflicts;                        // paths with a real text conflict
  std::vector<std::string> merged;                           // objects merged event by event
  std::vector<std::pair<std::string, std::string>> renamed;  // colliding IDs: old -> new
  std::vector<std::string> illegal;                          // "ID event-id" marked on replay
};

// Merges theirs into ours over base (null when the histories share nothing).
TreeMerge merge_trees(Repo& repo, git_tree* base, git_tree* ours, git_tree* theirs,
                      const MergeStamp& stamp);

}  // namespace sdesk
