// Hotline duty (值班): a roster per month in duty/<YYYY>/<MM>.yaml, named shifts with hours,
// who is on duty at an instant, and shift handovers in handovers/<YYYY>/<MM>/<stamp>.yaml.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"

namespace sdesk {

// A named shift: local hours [from, to) in minutes; to <= from runs past midnight.
struct Shift {
  std::string name;  // "day", "night", "full" or a desk's own name
  int from = 0;      // first minute of the day
  int to = 0;        // minute after the last (may be on the next day)
};

// One roster entry: who is on one shift of one day.
struct DutyEntry {
  std::string date;                // YYYY-MM-DD, the day the shift starts
  Shift shift;                     // the shift and its hours
  std::vector<std::string> staff;  // staff ids on duty
  std::string set_by;              // who set it
  std::string set_at;              // when (ISO 8601)
};

// The shifts every desk knows: day 09:00-18:00, night 18:00-09:00, full 00:00-24:00.
const std::vector<Shift>& default_shifts();
// A shift from "NAME" (a default) or "NAME=HH:MM-HH:MM"; exit 2 naming --shift otherwise.
Shift parse_shift(const std::string& spec);
// "HH:MM-HH:MM" of a shift.
std::string shift_hours(const Shift& s);
// The path of a month's roster: duty/<YYYY>/<MM>.yaml.
std::string duty_path(const std::string& year_month);
// The roster of a month (YYYY-MM), in (date, start) order; empty when none is set.
std::vector<DutyEntry> duty_month(const Desk& desk, const std::string& year_month);
// Sets who is on a shift of a day (PM only), replacing that shift's staff; one commit.
DutyEntry set_duty(Desk& desk, const std::string& day, const std::vector<std::string>& staff,
                   const Shift& shift);
// The entries whose shift covers the instant (a night shift of the day before included).
std::vector<DutyEntry> on_duty(const Desk& desk, Time at);
// The JSON of one entry ({date, shift, hours, staff, set_by, set_at}).
Json duty_json(const DutyEntry& e);

// Everything a shift hands over, as recorded and printed.
struct Handover {
  std::string id;    // H-… object ID
  std::string path;  // handovers/<YYYY>/<MM>/<stamp>.yaml
  Json doc;  // {id, at, from, to, note, open, at_risk, breached, escalations, complaints_due}
};

// Gathers the open tickets by tier, SLA risks, pending escalations, complaints due and the
// note at the desk's now; the operator hands over to `to`. Nothing is written.
Handover gather_handover(const Desk& desk, const std::string& to, const std::string& note);
// Records a handover in one commit and returns it.
Handover record_handover(Desk& desk, const std::string& to, const std::string& note);
// A handover as Markdown (for mail or chat).
std::string handover_md(const Json& doc);

}  // namespace sdesk
