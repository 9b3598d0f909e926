#include "lib/store/staff.hpp"

#include <regex>

#include "lib/util/error.hpp"

namespace sdesk {

std::string staff_path(const std::string& id) {
  return "staff/" + id + ".yaml";
}
std::string vendor_path(const std::string& id) {
  return "vendors/" + id + ".yaml";
}

void check_short_id(const std::string& id, const std::string& what) {
  static const std::regex re(R"(^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)");
  if (!std::regex_match(id, re) || id.find("..") != std::string::npos)
    usage_error("{}: '{}' is not a valid id (letters, digits, . _ -)", what, id);
}

Staff parse_staff(const std::string& text, const std::string& file) {
  Parsed p = parse_yaml(text, file);
  validate_schema(p, "staff");
  const Json& d = p.doc;
  Staff s;
  s.id = d.value("id", "");
  s.name = d.value("name", "");
  s.role = d.value("role", "");
  s.email = d.value("email", Json()).is_string() ? d["email"].get<std::string>() : "";
  s.phone = d.value("phone", Json()).is_string() ? d["phone"].get<std::string>() : "";
  if (d.contains("skills") && d["skills"].is_array())
    s.skills = d["skills"].get<std::vector<std::string>>();
  s.active = d.value("active", true);
  s.login = d.value("login", Json()).is_string() ? d["login"].get<std::string>() : "";
  if (d.contains("ssh_keys") && d["ssh_keys"].is_array())
    s.ssh_keys = d["ssh_keys"].get<std::vector<std::string>>();
  return s;
}

Vendor parse_vendor(const std::string& text, const std::string& file) {
  Parsed p = parse_yaml(text, file);
  validate_schema(p, "vendor");
  const Json& d = p.doc;
  auto str = [&](const char* k) {
    return d.contains(k) && d[k].is_string() ? d[k].get<std::string>() : std::string();
  };
  return Vendor{str("id"), str("name"), str("contact"), str("hours"), str("sla")};
}

Json staff_json(const Staff& s) {
  Json j = Json::object();
  j["id"] = s.id;
  j["name"] = s.name;
  j["role"] = s.role;
  j["email"] = s.email.empty() ? Json() : Json(s.email);
  j["phone"] = s.phone.empty() ? Json() : Json(s.phone);
  j["skills"] = s.skills;
  j["active"] = s.active;
  j["login"] = s.login.empty() ? Json() : Json(s.login);
  j["ssh_keys"] = s.ssh_keys;
  return j;
}

Json vendor_json(const Vendor& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["name"] = v.name;
  j["contact"] = v.contact.empty() ? Json() : Json(v.contact);
  j["hours"] = v.hours.empty() ? Json() : Json(v.hours);
  j["sla"] = v.sla.empty() ? Json() : Json(v.sla);
  return j;
}

}  // namespace sdesk
