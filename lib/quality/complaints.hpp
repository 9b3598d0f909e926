// Complaints (客户投诉反馈表): complaints/<YYYY>/<ID>.yaml, a state block folded from an
// append-only event list; states received → investigating → measures → replied → closed.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"

namespace sdesk {

struct ObjectKind;

// One complaint, folded from its events; `overdue` is computed at load time.
struct Complaint {
  std::string id;                      // C-2611-XXXXXXX
  std::string status;                  // received, investigating, measures, replied, closed
  std::string customer;                // who complains
  std::string contact;                 // how to reach them
  std::string channel;                 // how the complaint came in
  std::string ticket;                  // the ticket it is about, if any
  std::string against;                 // the staff member it is about, if any
  std::string text;                    // the complaint
  std::string investigation;           // what the investigation found
  std::string cause;                   // the cause found
  std::string measures;                // corrective measures
  std::string reply;                   // the answer given to the customer
  std::optional<bool> reply_accepted;  // whether the customer accepted the reply
  std::string handler;                 // who works it (last to investigate, measure or reply)
  std::string due;                     // due time (ISO 8601)
  bool overdue = false;                // past due and not closed, at load time
  std::string created_at;              // when it was received
  std::string created_by;              // who recorded it
  std::string closed_at;               // when the PM closed it
  std::string escalated_at;            // when it was escalated to the PM (overdue), if ever
  std::vector<Json> events;            // all events, in (at, id) order
  std::map<std::string, std::string> illegal;  // event id -> why it no longer applies
};

// What an operator records for a new complaint.
struct ComplaintIntake {
  std::string customer;  // who complains (required)
  std::string text;      // the complaint (required)
  std::string ticket;    // ticket ID or prefix, optional
  std::string against;   // staff id, optional
  std::string due;       // due time as typed; default now + complaints.due
  std::string contact;   // optional
  std::string channel;   // optional; default the desk's published channel
};

// The path of a complaint file: complaints/<YYYY>/<ID>.yaml.
std::string complaint_path(const std::string& id);
// Replays events into a complaint (overdue computed against now).
Complaint fold_complaint(const std::string& id, std::vector<Json> events, Time now);
// Parses and validates a complaint file; exit 4 naming file, line and field.
Complaint parse_complaint(const std::string& text, const std::string& file, Time now);
// The complaint's file content (state block and events).
Json complaint_file_json(const Complaint& c);
// The complaint's YAML file text.
std::string complaint_yaml(const Complaint& c);
// The contract's complaint JSON (exactly the contract fields).
Json complaint_json(const Complaint& c);
// Every complaint on the desk, in ID order.
std::vector<Complaint> all_complaints(const Desk& desk);
// The complaint kind of event object (prefix C, files under complaints/).
const ObjectKind& complaint_kind();
// Loads one complaint by ID or unique prefix; exit 3 if none, exit 2 if ambiguous.
Complaint load_complaint(const Desk& desk, const std::string& prefix);
// The complaint ID a unique prefix names (exit 3 when none, exit 2 listing them when several).
std::string resolve_complaint_id(const Desk& desk, const std::string& prefix);
// Records a new complaint (one commit).
Complaint create_complaint(Desk& desk, const ComplaintIntake& in);
// Applies one action (investigate, measure, reply, close) with its fields; one commit.
Complaint act_on_complaint(Desk& desk, const std::string& prefix, Json fields);
// Escalates every overdue, not yet escalated complaint to the PM in one commit;
// returns how many were escalated (0: nothing written).
int sweep_overdue(Desk& desk);
// The filled 客户投诉反馈表 in Markdown.
std::string complaint_form_md(const Complaint& c, const Desk& desk);

}  // namespace sdesk
