// Callbacks (回访): picking closed tickets to call, recording what the customer said, and the
// improvement actions that low scores and complaints open. All are events on the ticket file
// (callback-pick, callback, callback-plan, callback-reply), so sync merges them event by event.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// One recorded callback, with the state of the improvement action it may have opened.
struct CallbackRecord {
  std::string ticket;         // the ticket called back
  std::string by;             // who called
  std::string at;             // when (ISO 8601)
  bool reached = false;       // whether the customer was reached
  std::optional<int> score;   // satisfaction 1..5, if given
  std::string feedback;       // what the customer said
  bool needs_action = false;  // a low score or complaint words opened an action
  bool has_plan = false;      // an improvement plan was recorded after it
  bool has_reply = false;     // an answer to the customer was recorded after it
  std::string owner;          // the ticket's owner (the consultant)
  std::string customer;       // the ticket's customer, to call
  std::string contact;        // the ticket's contact (phone or email)
  std::string title;          // the ticket's title
  std::string plan_owner;     // who owns the plan, if any
  std::string plan;           // the plan text
  std::string plan_due;       // the plan's due time (ISO 8601)
  std::string reply;          // the answer given to the customer
};

// How to choose tickets to call back.
struct PickOptions {
  std::string period;                 // YYYY-MM of closing (desk zone); empty: any
  std::string sample;                 // "N" or "P%"; empty: every candidate
  std::optional<std::uint64_t> seed;  // PRNG seed; default derived from the clock
  bool dry_run = false;               // choose but record nothing
};

// The chosen tickets and the seed that chose them.
struct PickResult {
  std::vector<std::string> tickets;  // chosen ticket IDs, in pick order
  std::uint64_t seed = 0;            // the seed used
};

// Every callback recorded on the desk, in (ticket, time) order.
std::vector<CallbackRecord> all_callbacks(const Desk& desk);
// The callbacks of one ticket, in time order.
std::vector<CallbackRecord> ticket_callbacks(const Ticket& t);
// Whether a ticket counts as called back (a callback with the customer reached).
bool called_back(const Ticket& t);
// Whether feedback contains complaint words (投诉, 不满, complaint, …).
bool has_complaint_words(const std::string& feedback);
// Samples closed tickets not yet called back nor picked, round-robin over owners,
// reproducibly for a seed; records the pick in one commit unless dry_run.
PickResult pick_callbacks(Desk& desk, const PickOptions& o);
// Records a callback on a resolved or closed ticket (one commit); exit 4 when refused.
CallbackRecord record_callback(Desk& desk, const std::string& ticket, bool reached,
                               std::optional<int> score, const std::string& feedback);
// The callbacks whose improvement action is still open (no plan or no reply yet).
std::vector<CallbackRecord> open_actions(const Desk& desk);
// Records the improvement plan of a ticket's open action (PM, or the plan's owner).
CallbackRecord plan_callback(Desk& desk, const std::string& ticket, const std::string& owner,
                             const std::string& text, const std::string& due);
// Records the answer given to the customer (PM, or the plan's owner).
CallbackRecord reply_callback(Desk& desk, const std::string& ticket, const std::string& text);
// The JSON of one callback record.
Json callback_json(const CallbackRecord& r);
// Callbacks summed per consultant (the called-back ticket's owner), in staff ID order: one
// {staff, name, callbacks, reached, satisfaction (mean score or null), actions, open_actions}
// per owner with at least one callback.
Json callbacks_by_staff(const Desk& desk, const std::vector<CallbackRecord>& records);

}  // namespace sdesk
