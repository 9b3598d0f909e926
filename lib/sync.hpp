// `sdesk sync`: fetch from a git remote, merge desk objects event by event, commit the merge,
// push, and retry when the remote moved meanwhile.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "lib/desk.hpp"

namespace sdesk {

// What a sync is asked to do.
struct SyncOptions {
  std::string remote;                                // remote name, URL or path ("" = upstream)
  std::function<void(const std::string&)> progress;  // progress lines (null: quiet)
  int attempts = 5;                                  // rounds before giving up on a moving remote
};

// What a sync did.
struct SyncResult {
  std::string remote;               // the remote used (name or URL)
  std::string branch;               // the remote branch, e.g. refs/heads/main
  std::string outcome;              // up-to-date, fast-forward, merged or pushed
  std::string head;                 // HEAD after the sync (40 hex)
  bool pushed = false;              // whether the remote was updated
  int attempts = 0;                 // rounds it took
  std::vector<std::string> merged;  // objects merged event by event
  std::vector<std::pair<std::string, std::string>> renamed;  // colliding IDs: old -> new
  std::vector<std::string> illegal;                          // "ID event-id" newly marked on replay
};

// Syncs the desk with its remote (one merge commit when both sides moved); exit 5 with
// nothing changed locally when the remote is unreachable or a text conflict stops it.
SyncResult sync_desk(Desk& desk, const SyncOptions& opts);

}  // namespace sdesk
