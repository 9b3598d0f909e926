// `sdesk verify`: files against their schemas and history against the rules — events only
// appended, authors active staff whose role permits each new event, commits naming what
// they change. Reads trees from commits only, so it runs in a bare repository (a pre-receive
// hook) as well as in a clone.
#pragma once
#include <string>
#include <vector>

#include "lib/git.hpp"

namespace sdesk {

// One thing verify found wrong.
struct Finding {
  std::string commit;   // the commit (40 hex), or "" for the work tree
  std::string path;     // the file, or "" for the commit itself
  std::string message;  // what is wrong, one line
};

// Verifies the commits of a range ("A..B", "B" = all of B's history, "" = HEAD's history).
std::vector<Finding> verify_history(Repo& repo, const std::string& range);
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
