// Changes to the desk's people: adding, changing and deactivating staff (one commit each).
// Who may do what lives here, not in the CLI: the first member is the PM and adds themself;
// after that only a PM changes staff (a role change is a PM action, never a self-promotion).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/store/staff.hpp"

namespace sdesk {

// The fields `staff set` changes; an unset field stays as it is.
struct StaffChange {
  std::optional<std::string> name;    // display name
  std::optional<std::string> role;    // pm, l1 or l2
  std::optional<std::string> email;   // matched against a commit's author email
  std::optional<std::string> phone;   // phone number
  std::optional<std::string> skills;  // comma-separated skills
  std::optional<std::string> login;   // the login the git server knows the person by
  std::vector<std::string> ssh_keys;  // public keys to add ("ssh-ed25519 AAAA… comment")
  bool clear_keys = false;            // drop the recorded keys first
};

// Adds a staff member; exit 4 unless the operator is a PM (or it is the desk's first, a PM).
Staff add_staff(Desk& desk, Staff s);
// Changes a staff member's record (PM only); exit 4 when nothing would change.
Staff set_staff(Desk& desk, const std::string& id, const StaffChange& change);
// Deactivates a staff member (PM only): they can no longer act.
Staff deactivate_staff(Desk& desk, const std::string& id);
// Refuses (exit 2) text that is not one OpenSSH public key line ("TYPE BASE64 [comment]").
void check_ssh_key(const std::string& key);

}  // namespace sdesk
