// `sdesk sync`: fetch from a git remote with the system `git`, merge desk objects event by event
// (libgit2), commit the merge, push with `git`, and retry when the remote moved meanwhile.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/store/desk.hpp"

namespace sdesk {

// Receives git's own output as it comes, one piece per line or progress redraw (each piece
// ends in "\n" or "\r", but perhaps the last), unfiltered: the caller makes it printable.
using TransportEcho = std::function<void(std::string_view)>;

// What a sync is asked to do.
struct SyncOptions {
  std::string remote;                                // remote name, URL or path ("" = upstream)
  std::function<void(const std::string&)> progress;  // sdesk's own progress lines (null: quiet)
  TransportEcho transport;  // git's progress and messages (null: git runs quietly)
  int attempts = 5;         // rounds before giving up on a moving remote
};

// What a sync did.
struct SyncResult {
  std::string remote;               // the remote used (name or URL, credentials removed)
  std::string branch;               // the remote branch, e.g. refs/heads/main
  std::string outcome;              // up-to-date, fast-forward, merged or pushed
  std::string head;                 // HEAD after the sync (40 hex)
  bool pushed = false;              // whether the remote was updated
  int attempts = 0;                 // rounds it took
  std::vector<std::string> merged;  // objects merged event by event
  std::vector<std::pair<std::string, std::string>> renamed;  // colliding IDs: old -> new
  std::vector<std::string> illegal;                          // "ID event-id" newly marked on replay
};

// Text with the credentials of every URL in it removed (`https://user:token@host/x` becomes
// `https://host/x`; an ssh:// user name without a password is kept), for messages and commits.
std::string redact_credentials(std::string_view text);

// The line that says why a `git fetch` or `git push` failed, from its output: the server's own
// first message (a hook's finding), else the first line of ssh's or git's that is neither a note
// nor progress; credentials removed.
std::string transport_failure(const std::string& output, int status);

// Syncs the desk with its remote (one merge commit when both sides moved); exit 5 with
// nothing changed locally when the remote is unreachable or a text conflict stops it.
SyncResult sync_desk(Desk& desk, const SyncOptions& opts);

}  // namespace sdesk
