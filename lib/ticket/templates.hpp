// Request templates (templates/<name>.yaml): ticket defaults and a checklist for
// `sdesk new --template NAME` and for scheduled routine work.
#pragma once
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/ticket/tickets.hpp"

namespace sdesk {

// A template as its file holds it.
struct TicketTemplate {
  std::string name;                    // the file's stem
  Intake intake;                       // the fields it fills (empty: not named)
  std::vector<std::string> checklist;  // steps recorded on the new ticket
};

// The path of a template file: templates/<name>.yaml.
std::string template_path(const std::string& name);
// Reads a template from the desk; exit 3 when there is none, exit 4 naming a bad key.
TicketTemplate load_template(const Desk& desk, const std::string& name);
// The intake of a template with what the operator gave on top: a field given overrides the
// template's, environment keys are merged (given ones win); the template and its checklist are
// recorded on the new event. A template's `required_by: +Nm|+Nh|+Nd` counts from the desk's now.
Intake apply_template(const Desk& desk, const TicketTemplate& t, const Intake& given);

}  // namespace sdesk
