// Staff (staff/<id>.yaml) and vendors (vendors/<id>.yaml).
#pragma once
#include <string>
#include <vector>

#include "lib/util/yaml.hpp"

namespace sdesk {

// One person of the desk.
struct Staff {
  std::string id;                     // short id, the file name
  std::string name;                   // display name
  std::string role;                   // pm, l1 or l2
  std::string email;                  // matched against git user.email
  std::string phone;                  // phone number
  std::vector<std::string> skills;    // skills, for assignment
  bool active = true;                 // deactivated staff cannot act
  std::string login;                  // how the git server knows them (the pusher's name)
  std::vector<std::string> ssh_keys;  // OpenSSH public keys: pushes and commit signatures
};

// An outside vendor for escalation.
struct Vendor {
  std::string id;       // short id, the file name
  std::string name;     // company name
  std::string contact;  // contact person, phone or email
  std::string hours;    // support hours
  std::string sla;      // contract SLA, as text
};

// The path of a staff file.
std::string staff_path(const std::string& id);
// The path of a vendor file.
std::string vendor_path(const std::string& id);
// Parses and validates a staff file.
Staff parse_staff(const std::string& text, const std::string& file);
// Parses and validates a vendor file.
Vendor parse_vendor(const std::string& text, const std::string& file);
// The JSON of a staff member (also its file content).
Json staff_json(const Staff& s);
// The JSON of a vendor (also its file content).
Json vendor_json(const Vendor& v);
// Refuses (exit 2) an id that is not a safe short name: [a-z0-9][a-z0-9._-]*.
void check_short_id(const std::string& id, const std::string& what);

}  // namespace sdesk
