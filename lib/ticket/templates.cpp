#include "lib/ticket/templates.hpp"

#include "lib/util/error.hpp"
#include "lib/util/text.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

std::string template_path(const std::string& name) {
  return "templates/" + name + ".yaml";
}

TicketTemplate load_template(const Desk& desk, const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
    refuse("--template: '{}' is not a template name", name);
  std::string path = template_path(name);
  auto f = desk.read(path);
  if (!f) not_found("no template {} ({} does not exist)", name, path);
  Json doc = parse_yaml(f->text, path).doc;
  if (!doc.is_object()) refuse("{}: expected a mapping of ticket fields", path);
  TicketTemplate t;
  t.name = name;
  auto text = [&](const std::string& k, const Json& v) {
    if (!v.is_string() && !v.is_number()) refuse("{}: {}: expected text", path, k);
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& k = it.key();
    const Json& v = it.value();
    if (v.is_null()) continue;
    if (k == "title")
      t.intake.title = text(k, v);
    else if (k == "category")
      t.intake.category = text(k, v);
    else if (k == "priority")
      t.intake.priority = text(k, v);
    else if (k == "channel")
      t.intake.channel = text(k, v);
    else if (k == "need")
      t.intake.need = text(k, v);
    else if (k == "customer")
      t.intake.customer = text(k, v);
    else if (k == "contact")
      t.intake.contact = text(k, v);
    else if (k == "required_by")
      t.intake.required_by = text(k, v);
    else if (k == "major") {
      if (!v.is_boolean()) refuse("{}: major: expected true or false", path);
      t.intake.major = v.get<bool>();
    } else if (k == "environment") {
      if (!v.is_object()) refuse("{}: environment: expected a mapping of key: value", path);
      for (auto e = v.begin(); e != v.end(); ++e)
        t.intake.environment.emplace_back(e.key(), text("environment." + e.key(), e.value()));
    } else if (k == "checklist") {
      if (!v.is_array()) refuse("{}: checklist: expected a list", path);
      for (const auto& s : v) t.checklist.push_back(text("checklist", s));
    } else {
      refuse(
          "{}: {}: not a template key (title, category, priority, channel, need, customer, "
          "contact, environment, required_by, major, checklist)",
          path, k);
    }
  }
  if (!t.intake.priority.empty()) {
    static const std::vector<std::string> ps = {"P1", "P2", "P3", "P4"};
    std::string p = t.intake.priority;
    for (auto& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (std::find(ps.begin(), ps.end(), p) == ps.end())
      refuse("{}: priority: '{}' is not P1..P4", path, t.intake.priority);
    t.intake.priority = p;
  }
  return t;
}

Intake apply_template(const Desk& desk, const TicketTemplate& t, const Intake& given) {
  Intake in = t.intake;
  if (in.required_by.size() > 1 && in.required_by[0] == '+') {
    Duration d = parse_duration(in.required_by.substr(1), template_path(t.name) + ": required_by");
    in.required_by = desk.stamp(desk.now() + std::chrono::minutes(wall_minutes(d)));
  }
  auto over = [](std::string& field, const std::string& v) {
    if (!v.empty()) field = v;
  };
  over(in.title, given.title);
  over(in.customer, given.customer);
  over(in.contact, given.contact);
  over(in.channel, given.channel);
  over(in.priority, given.priority);
  over(in.category, given.category);
  over(in.need, given.need);
  over(in.required_by, given.required_by);
  in.major = in.major || given.major;
  for (const auto& [k, v] : given.environment) {
    auto it = std::find_if(in.environment.begin(), in.environment.end(),
                           [&](const auto& kv) { return kv.first == k; });
    if (it != in.environment.end())
      it->second = v;
    else
      in.environment.emplace_back(k, v);
  }
  in.extra = given.extra;
  in.extra["template"] = t.name;
  if (!t.checklist.empty()) in.extra["checklist"] = t.checklist;
  return in;
}

}  // namespace sdesk
