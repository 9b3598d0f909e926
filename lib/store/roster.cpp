#include "lib/store/roster.hpp"

#include <algorithm>

#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {

void require_pm(const Desk& desk, const char* what) {
  if (desk.op().role != "pm")
    refuse("only the PM {} ({} is {})", what, desk.op().id, desk.op().role);
}

void check_role(const std::string& role) {
  if (role != "pm" && role != "l1" && role != "l2")
    usage_error("--role: '{}' is not one of pm, l1, l2", role);
}

// The login another member already has, or "".
std::string login_holder(const Desk& desk, const std::string& login, const std::string& self) {
  for (const auto& [id, s] : desk.staff())
    if (id != self && !login.empty() && s.login == login) return id;
  return "";
}
}  // namespace

void check_ssh_key(const std::string& key) {
  std::string k = trim_space(key);
  auto sp = k.find(' ');
  std::string type = k.substr(0, sp);
  bool known =
      type.rfind("ssh-", 0) == 0 || type.rfind("ecdsa-sha2-", 0) == 0 || type.rfind("sk-", 0) == 0;
  std::string body = sp == std::string::npos ? "" : k.substr(sp + 1, k.find(' ', sp + 1) - sp - 1);
  bool base64 =
      body.size() >= 16 && std::all_of(body.begin(), body.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
      });
  if (!known || !base64 || k.find('\n') != std::string::npos)
    usage_error("--ssh-key: not an OpenSSH public key line (\"ssh-ed25519 AAAA… comment\")");
}

Staff add_staff(Desk& desk, Staff s) {
  check_short_id(s.id, "staff id");
  s.role = canonical_choice(s.role, {"pm", "l1", "l2"});
  check_role(s.role);
  for (const auto& k : s.ssh_keys) check_ssh_key(k);
  return desk.write([&] {
    // Only file names are looked at, so that adding a member does not read every other one.
    bool first = true;
    desk.walk("staff", [&](const std::string&, const git_oid&) { first = false; });
    if (first && s.role != "pm")
      refuse("the first staff member of a desk must be the PM (--role pm)");
    if (!first) require_pm(desk, "adds staff");
    if (desk.read(staff_path(s.id))) refuse("staff member '{}' already exists", s.id);
    if (std::string other = s.login.empty() ? "" : login_holder(desk, s.login, s.id);
        !other.empty())
      refuse("--login {}: already the login of {}", s.login, other);
    desk.refuse_if_hand_edited(staff_path(s.id));
    std::vector<FileChange> ch{{staff_path(s.id), emit_yaml(staff_json(s))}};
    if (first)
      desk.commit_as(s, ch, s.id, "staff-add", s.name);
    else
      desk.commit(ch, s.id, "staff-add", s.name);
    desk.reload_staff();
    return s;
  });
}

Staff set_staff(Desk& desk, const std::string& id, const StaffChange& c) {
  std::optional<std::string> role = c.role;
  if (role) role = canonical_choice(*role, {"pm", "l1", "l2"});
  if (role) check_role(*role);
  for (const auto& k : c.ssh_keys) check_ssh_key(k);
  return desk.write([&] {
    require_pm(desk, "changes staff records");
    Staff s = desk.staff_member(id);
    Staff before = s;
    if (c.name) s.name = *c.name;
    if (role) s.role = *role;
    if (c.email) s.email = *c.email;
    if (c.phone) s.phone = *c.phone;
    if (c.skills) s.skills = split_list(*c.skills);
    if (c.login) s.login = *c.login;
    if (c.clear_keys) s.ssh_keys.clear();
    for (const auto& k : c.ssh_keys)
      if (std::find(s.ssh_keys.begin(), s.ssh_keys.end(), trim_space(k)) == s.ssh_keys.end())
        s.ssh_keys.push_back(trim_space(k));
    if (std::string other = login_holder(desk, s.login, s.id); !other.empty())
      refuse("--login {}: already the login of {}", s.login, other);
    if (staff_json(s) == staff_json(before)) refuse("staff member '{}': nothing to change", s.id);
    if (s.id == desk.op().id && s.role != "pm" &&
        std::none_of(desk.staff().begin(), desk.staff().end(), [&](const auto& m) {
          return m.first != s.id && m.second.active && m.second.role == "pm";
        }))
      refuse("{} is the desk's only active PM and may not give up the role", s.id);
    desk.refuse_if_hand_edited(staff_path(s.id));
    desk.commit({{staff_path(s.id), emit_yaml(staff_json(s))}}, s.id, "staff-set", s.name);
    desk.reload_staff();
    return s;
  });
}

Staff deactivate_staff(Desk& desk, const std::string& id) {
  return desk.write([&] {
    require_pm(desk, "deactivates staff");
    Staff s = desk.staff_member(id);
    if (!s.active) refuse("staff member '{}' is already deactivated", s.id);
    desk.refuse_if_hand_edited(staff_path(s.id));
    s.active = false;
    desk.commit({{staff_path(s.id), emit_yaml(staff_json(s))}}, s.id, "staff-deactivate", s.name);
    desk.reload_staff();
    return s;
  });
}

}  // namespace sdesk
