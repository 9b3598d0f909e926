// Routine work (巡检): schedules in schedules/<name>.yaml that `sdesk sweep` turns into tickets
// from a template, once per occurrence, on the desk's calendar.
#pragma once
#include <string>
#include <vector>

#include "lib/store/calendar.hpp"
#include "lib/store/desk.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// One schedule as its file holds it.
struct Schedule {
  std::string name;           // the file's stem
  std::string every;          // daily, weekly:<mon..sun> or monthly:<1..28>
  std::string at;             // HH:MM, desk-local
  std::string template_name;  // the template each ticket is made from
  std::string created_at;     // when it was added
  std::string created_by;     // who added it
};

// One occurrence of a schedule: the day it is named after and the day it falls on.
struct Occurrence {
  date::local_days nominal;  // the day the rule names (the occurrence's key)
  date::local_days day;      // the working day it is created on
};

// The path of a schedule file: schedules/<name>.yaml.
std::string schedule_path(const std::string& name);
// Adds a schedule (one commit); exit 4 for a bad --every or --at, a missing template, or a
// name already used.
Schedule add_schedule(Desk& desk, const std::string& name, const std::string& every,
                      const std::string& at, const std::string& template_name);
// Every schedule of the desk, by name.
std::vector<Schedule> list_schedules(const Desk& desk);
// The occurrences of a schedule whose nominal day lies in [from, to]. Daily work happens on
// working days only (a day off has none); weekly and monthly work that falls on a day off
// moves to the next working day, and is dropped when that reaches its next occurrence. Days
// of a year the calendar does not cover have none.
std::vector<Occurrence> occurrences(const Schedule& s, const Calendar& cal, date::local_days from,
                                    date::local_days to);
// Creates the tickets of the occurrences that are due by the desk's now (at most a week back,
// and never before the schedule was added) and not yet made, one commit each; returns them.
std::vector<Ticket> run_schedules(Desk& desk);

}  // namespace sdesk
