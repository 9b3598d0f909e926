// `sdesk verify`: files against their schemas and history against the rules — events only
// appended, authors active staff whose role permits each new event, commits naming what
// they change. Reads trees from commits only, so it runs in a bare repository (a pre-receive
// hook) as well as in a clone.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "lib/git/git.hpp"

namespace sdesk {

// One thing verify found wrong.
struct Finding {
  std::string commit;   // the commit (40 hex), or "" for the work tree
  std::string path;     // the file, or "" for the commit itself
  std::string message;  // what is wrong, one line
};

// A commit whose stated (author) time is well before it was recorded (committer time).
struct Backdated {
  std::string commit;  // the commit (40 hex)
  Time stated;         // the author time: the operator's clock (SDESK_NOW when set)
  Time recorded;       // the committer time: when it was really made
};

// What verify found in a range.
struct Verified {
  std::vector<Finding> findings;     // what is wrong; empty when the range is clean
  std::vector<Backdated> backdated;  // commits made well after their stated time (not wrong)
  std::size_t commits = 0;           // commits checked
};

// What to verify, and for a push, who pushes.
struct VerifyOptions {
  std::string range;   // "A..B", "B" = all of B's history, "" = HEAD's history
  bool push = false;   // run by the pre-receive hook: commits must be the pusher's
  std::string pusher;  // the server's login of who pushes ("" when the server names nobody)
  std::function<void(std::size_t done, std::size_t total)> progress;  // called per commit
};

// Verifies the commits of a range: files, events and roles, and the guard (PM-only files,
// the pusher, signatures when the desk requires them).
Verified verify_history(Repo& repo, const VerifyOptions& o);
// One line for a finding: "<commit 10> <path>: <message>".
std::string finding_line(const Finding& f);
// Makes objects of a push in quarantine visible (GIT_OBJECT_DIRECTORY and
// GIT_ALTERNATE_OBJECT_DIRECTORIES, as git sets them for a pre-receive hook).
void add_quarantine_objects(Repo& repo);
// The pre-receive hook script that runs `<exe> verify` on each pushed range.
std::string pre_receive_hook(const std::string& exe);
// Writes the pre-receive hook into the repository's hooks directory; returns its path.
std::string install_hook(Repo& repo, const std::string& exe);

}  // namespace sdesk
