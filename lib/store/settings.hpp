// Desk settings from desk.yaml: calendar, SLA policy, windows, permissions, norms, weights.
#pragma once
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lib/util/time.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

// A span of working time within a day, in minutes from midnight [from, to).
struct Interval {
  int from = 0;  // first minute
  int to = 0;    // minute after the last
};

// Response and resolution targets of one priority.
struct SlaTarget {
  Duration response;     // time to first response
  Duration resolve;      // time to resolution
  bool business = true;  // true: working-hours clock; false: 24x7
};

// Everything desk.yaml says, with the contract's defaults for what it leaves out.
struct Settings {
  std::string name;                                  // desk name
  std::string timezone = "Asia/Shanghai";            // IANA zone name
  Zone zone = nullptr;                               // the zone itself
  std::string hotline;                               // hotline number
  std::array<std::vector<Interval>, 7> hours;        // working hours, [0] = Monday
  std::map<date::local_days, std::string> holidays;  // dated days off, with names
  std::map<date::local_days, std::string> workdays;  // dated extra working days, with names
  std::set<int> calendar_years;                      // years whose holidays are known
  double at_risk = 0.75;                             // share of a target that is "at risk"
  std::map<std::string, SlaTarget> sla;              // by priority P1..P4
  Duration reopen_window{7, Duration::Unit::days};   // reopen allowed this long after close
  Duration skew_window{
      1, Duration::Unit::days};  // how far behind an object's last event a clock may be
  int satisfied_at = 4;          // callback score that is satisfied
  Duration complaint_due{3, Duration::Unit::days};              // default complaint due time
  std::string complaint_channel;                                // published complaint channel
  Duration kb_review_every{12, Duration::Unit::months};         // article review period
  std::map<std::string, std::vector<std::string>> permissions;  // action -> who may
  std::set<std::string> optional_intake;      // intake fields the desk made optional
  std::string phone_script;                   // norms.phone: what to say on the hotline
  std::map<std::string, double> kpi_weights;  // report performance weights (every role)
  std::map<std::string, std::map<std::string, double>> kpi_role_weights;  // per role (l1, l2)
  std::map<std::string, double> kpi_targets;  // kpi.targets: KPI key -> target (monthly report)
  bool require_signed = false;                // guard.require_signed: pushes need SSH signatures
  Json doc;                                   // the parsed file, for later readers
};

// Parses desk.yaml text (validated against the desk schema); exit 4 naming line and field.
Settings load_settings(const std::string& text);
// The desk.yaml that `sdesk init` writes: every contract key with its default, commented.
std::string default_desk_yaml(const std::string& name);
// Replaces (or appends) one top-level key of a YAML text, keeping every other line.
std::string set_top_level_key(const std::string& text, const std::string& key,
                              const std::string& yaml_value);
// The intake fields of the norm, in the order an operator asks for them.
const std::vector<std::string>& intake_fields();

}  // namespace sdesk
