// The git merge driver that sdesk registers in every clone, so that a plain `git pull` merges
// desk objects event by event (the driver itself is `sdesk merge-driver`, lib/sync/merge.hpp).
#pragma once
#include <string>

#include "lib/git/git.hpp"

namespace sdesk {

// The merge driver command line git runs for `merge=sdesk` files.
std::string merge_driver_command(const std::string& exe);
// The absolute path of the running sdesk binary.
std::string self_exe();
// Registers the sdesk merge driver in the repository's own config when it is missing or
// names another binary.
void ensure_merge_driver(Repo& repo);

}  // namespace sdesk
