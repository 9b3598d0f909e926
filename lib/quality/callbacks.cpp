#include "lib/quality/callbacks.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "lib/ticket/scan.hpp"
#include "lib/ticket/tickets.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {

// splitmix64: a small PRNG whose output is the same on every platform and library.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // A value in [0, n) (n > 0); the modulo bias is negligible for desk-sized n.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

// Fisher–Yates with the portable PRNG (std::shuffle's algorithm varies between libraries).
template <typename T>
void shuffle(std::vector<T>& v, SplitMix64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// Checks the rules for an event on a ticket and returns the ticket with it appended.
Ticket with_event(const Desk& desk, const Ticket& t, const Json& e) {
  std::string why = why_forbidden(desk.settings(), desk.op(), t, e);
  if (!why.empty()) refuse("{}", why);
  why = why_illegal(t, e);
  if (!why.empty()) refuse("{}: {}", t.id, why);
  std::vector<Json> events = t.events;
  Json appended = e;
  desk.append_event(events, appended);
  return fold_ticket(t.id, std::move(events));
}

// Appends one event to a ticket under the lock and commits it.
Ticket append_one(Desk& desk, const std::string& prefix,
                  const std::function<Json(const Ticket&)>& make, const std::string& summary) {
  desk.op();
  return desk.write([&] {
    std::string id = resolve_ticket_id(desk, prefix);
    desk.refuse_if_hand_edited(ticket_path(id));
    Ticket t = load_ticket(desk, id);
    Json e = make(t);
    Ticket next = with_event(desk, t, e);
    desk.commit({{ticket_path(id), ticket_yaml(next)}}, id, e["action"].get<std::string>(),
                summary);
    return next;
  });
}

// Closed, not yet called back (customer reached), and not waiting on an earlier pick: a ticket
// whose customer could not be reached may be picked again.
bool is_pick_candidate(const Ticket& t) {
  if (t.status != "closed" || called_back(t)) return false;
  bool awaiting = false;
  for (const auto& e : t.events) {
    std::string a = str(e, "action");
    if (a == "callback-pick") awaiting = true;
    if (a == "callback") awaiting = false;
  }
  return !awaiting;
}

std::size_t sample_size(const std::string& sample, std::size_t n) {
  if (sample.empty()) return n;
  bool pct = sample.back() == '%';
  std::string num = pct ? sample.substr(0, sample.size() - 1) : sample;
  char* end = nullptr;
  double v = num.empty() ? -1 : std::strtod(num.c_str(), &end);
  bool ok = !num.empty() && end && *end == '\0' && v >= 0 && (pct ? v <= 100 : v == std::floor(v));
  if (!ok) usage_error("--sample: '{}' is not a count N or a share P% (0..100)", sample);
  std::size_t want =
      pct ? static_cast<std::size_t>(std::ceil(v * static_cast<double>(n) / 100.0 - 1e-9))
          : static_cast<std::size_t>(v);
  return std::min(want, n);
}

}  // namespace

bool has_complaint_words(const std::string& feedback) {
  static const std::vector<std::string> words = {"投诉",      "不满",        "差评",     "抱怨",
                                                 "太差",      "很差",        "complain", "unhappy",
                                                 "dissatisf", "unacceptable"};
  std::string text = fold_case(feedback);
  for (const auto& w : words)
    if (text.find(w) != std::string::npos) return true;
  return false;
}

std::vector<CallbackRecord> ticket_callbacks(const Ticket& t) {
  std::vector<CallbackRecord> out;
  std::optional<std::size_t> open;  // the latest record that needs an action
  for (const auto& e : t.events) {
    std::string a = str(e, "action");
    if (t.illegal.count(str(e, "id"))) continue;
    if (a == "callback") {
      CallbackRecord r;
      r.ticket = t.id;
      r.by = str(e, "by");
      r.at = str(e, "at");
      r.reached = e.value("reached", false);
      if (e.contains("score") && e["score"].is_number_integer()) r.score = e["score"].get<int>();
      r.feedback = str(e, "feedback");
      r.needs_action = e.value("opens_action", false);
      r.owner = t.owner;
      r.customer = t.customer;
      r.contact = t.contact;
      r.title = t.title;
      out.push_back(r);
      if (r.needs_action) open = out.size() - 1;
    } else if ((a == "callback-plan" || a == "callback-reply") && open) {
      CallbackRecord& r = out[*open];
      if (a == "callback-plan") {
        r.has_plan = true;
        r.plan_owner = str(e, "owner");
        r.plan = str(e, "text");
        r.plan_due = str(e, "due");
      } else {
        r.has_reply = true;
        r.reply = str(e, "text");
      }
    }
  }
  return out;
}

bool called_back(const Ticket& t) {
  for (const auto& r : ticket_callbacks(t))
    if (r.reached) return true;
  return false;
}

std::vector<CallbackRecord> all_callbacks(const Desk& desk) {
  std::vector<CallbackRecord> out;
  for (const auto& t : all_tickets(desk)) {
    bool any = false;
    for (const auto& e : t.events)
      if (str(e, "action") == "callback") any = true;
    if (!any) continue;
    auto rs = ticket_callbacks(t);
    out.insert(out.end(), rs.begin(), rs.end());
  }
  return out;
}

std::vector<CallbackRecord> open_actions(const Desk& desk) {
  std::vector<CallbackRecord> out;
  for (const auto& r : all_callbacks(desk))
    if (r.needs_action && !(r.has_plan && r.has_reply)) out.push_back(r);
  return out;
}

PickResult pick_callbacks(Desk& desk, const PickOptions& o) {
  const Staff& op = desk.op();
  if (op.role != "pm" && op.role != "l1")
    refuse("{} ({}) may not pick callbacks: only l1 consultants and the PM", op.id, op.role);
  if (!o.period.empty()) {
    bool ok = o.period.size() == 7 && o.period[4] == '-';
    for (std::size_t i = 0; ok && i < 7; ++i)
      if (i != 4 && !std::isdigit(static_cast<unsigned char>(o.period[i]))) ok = false;
    if (!ok) usage_error("--period: '{}' is not YYYY-MM", o.period);
  }
  std::uint64_t seed =
      o.seed ? *o.seed : static_cast<std::uint64_t>(desk.now().time_since_epoch().count());
  auto pick = [&] {
    PickResult res;
    res.seed = seed;
    // Candidates grouped by owner, each group in ID order: a stable start for the shuffle.
    std::map<std::string, std::vector<std::string>> by_owner;
    // Only closed tickets (closed in the period) are decoded: on a big desk that is one month's.
    auto in_period = [&](std::string_view closed_at) {
      if (o.period.empty()) return true;
      std::string day =
          format_day(local_day(desk.parse(std::string(closed_at), "closed_at"), desk.zone()));
      return day.compare(0, 7, o.period) == 0;
    };
    for (const auto& t : tickets_where(desk, [&](const TicketHead& h) {
           return h.status == "closed" && !h.closed_at.empty() && in_period(h.closed_at);
         })) {
      if (!is_pick_candidate(t)) continue;
      by_owner[t.owner].push_back(t.id);
    }
    std::size_t n = 0;
    for (auto& [owner, ids] : by_owner) {
      std::sort(ids.begin(), ids.end());
      n += ids.size();
    }
    std::size_t want = sample_size(o.sample, n);
    SplitMix64 rng{res.seed};
    std::vector<std::string> owners;
    for (auto& [owner, ids] : by_owner) owners.push_back(owner);
    for (auto& owner : owners) shuffle(by_owner[owner], rng);
    shuffle(owners, rng);
    // Round-robin over the consultants so that none is skipped while the sample allows.
    for (std::size_t round = 0; res.tickets.size() < want; ++round)
      for (const auto& owner : owners)
        if (round < by_owner[owner].size() && res.tickets.size() < want)
          res.tickets.push_back(by_owner[owner][round]);
    if (o.dry_run || res.tickets.empty()) return res;
    std::vector<FileChange> changes;
    for (const auto& id : res.tickets) {
      desk.refuse_if_hand_edited(ticket_path(id));
      Ticket t = load_ticket(desk, id);
      Json e = desk.new_event("callback-pick");
      if (!o.period.empty()) e["period"] = o.period;
      e["seed"] = std::to_string(res.seed);
      Ticket next = with_event(desk, t, e);
      changes.push_back({ticket_path(id), ticket_yaml(next)});
    }
    std::vector<std::string> also(res.tickets.begin() + 1, res.tickets.end());
    desk.commit(changes, res.tickets.front(), "callback-pick",
                fmt::format("{} ticket{} to call back{} (seed {})", res.tickets.size(),
                            res.tickets.size() == 1 ? "" : "s",
                            o.period.empty() ? "" : " for " + o.period, res.seed),
                also);
    return res;
  };
  return o.dry_run ? pick() : desk.write(pick);
}

CallbackRecord record_callback(Desk& desk, const std::string& ticket, bool reached,
                               std::optional<int> score, const std::string& feedback) {
  if (score && (*score < 1 || *score > 5)) refuse("--score: {} is not 1..5", *score);
  if (score && !reached)
    refuse("--score needs --reached yes: a customer not reached gives no score");
  bool opens = reached &&
               ((score && *score < desk.settings().satisfied_at) || has_complaint_words(feedback));
  Ticket t = append_one(
      desk, ticket,
      [&](const Ticket& cur) {
        if (cur.status != "closed" && cur.status != "resolved")
          refuse("{}: only a resolved or closed ticket is called back (this one is {})", cur.id,
                 cur.status);
        Json e = desk.new_event("callback");
        e["reached"] = reached;
        if (score) e["score"] = *score;
        if (!feedback.empty()) e["feedback"] = feedback;
        e["opens_action"] = opens;
        return e;
      },
      reached ? (score ? fmt::format("reached, score {}", *score) : std::string("reached"))
              : std::string("not reached"));
  return ticket_callbacks(t).back();
}

namespace {
// Refuses a plan or reply on a ticket whose callbacks opened no improvement action.
void require_action(const Ticket& t) {
  auto rs = ticket_callbacks(t);
  if (std::none_of(rs.begin(), rs.end(), [](const CallbackRecord& r) { return r.needs_action; }))
    refuse("{}: no callback on this ticket needs an improvement action", t.id);
}
}  // namespace

CallbackRecord plan_callback(Desk& desk, const std::string& ticket, const std::string& owner,
                             const std::string& text, const std::string& due) {
  if (text.empty()) refuse("missing required information: --text");
  if (owner.empty()) refuse("missing required information: --owner");
  if (due.empty()) refuse("missing required information: --due");
  desk.staff_member(owner);
  std::string due_at = desk.stamp(parse_deadline(desk, due, "--due"));
  Ticket t = append_one(
      desk, ticket,
      [&](const Ticket& cur) {
        require_action(cur);
        Json e = desk.new_event("callback-plan");
        e["owner"] = owner;
        e["text"] = text;
        e["due"] = due_at;
        return e;
      },
      "owner " + owner + ": " + text);
  for (const auto& r : ticket_callbacks(t))
    if (r.needs_action && r.has_plan && r.plan == text) return r;
  return ticket_callbacks(t).back();
}

CallbackRecord reply_callback(Desk& desk, const std::string& ticket, const std::string& text) {
  if (text.empty()) refuse("missing required information: --text");
  Ticket t = append_one(
      desk, ticket,
      [&](const Ticket& cur) {
        require_action(cur);
        Json e = desk.new_event("callback-reply");
        e["text"] = text;
        return e;
      },
      text);
  CallbackRecord last;
  for (const auto& r : ticket_callbacks(t))
    if (r.needs_action) last = r;
  return last;
}

Json callback_json(const CallbackRecord& r) {
  auto opt = [](const std::string& s) { return s.empty() ? Json() : Json(s); };
  Json j = Json::object();
  j["ticket"] = r.ticket;
  j["owner"] = opt(r.owner);
  j["by"] = r.by;
  j["at"] = r.at;
  j["reached"] = r.reached;
  j["score"] = r.score ? Json(*r.score) : Json();
  j["feedback"] = opt(r.feedback);
  j["needs_action"] = r.needs_action;
  j["has_plan"] = r.has_plan;
  j["has_reply"] = r.has_reply;
  j["action_open"] = r.needs_action && !(r.has_plan && r.has_reply);
  j["plan_owner"] = opt(r.plan_owner);
  j["plan"] = opt(r.plan);
  j["plan_due"] = opt(r.plan_due);
  j["reply"] = opt(r.reply);
  return j;
}

Json callbacks_by_staff(const Desk& desk, const std::vector<CallbackRecord>& records) {
  struct Sum {
    long callbacks = 0, reached = 0, scored = 0, actions = 0, open = 0;
    double score = 0;
  };
  std::map<std::string, Sum> by;
  for (const auto& r : records) {
    Sum& s = by[r.owner];
    ++s.callbacks;
    if (r.reached) ++s.reached;
    if (r.score) s.score += *r.score, ++s.scored;
    if (r.needs_action) ++s.actions;
    if (r.needs_action && !(r.has_plan && r.has_reply)) ++s.open;
  }
  Json rows = Json::array();
  for (const auto& [id, s] : by) {
    auto it = desk.staff().find(id);
    Json j = Json::object();
    j["staff"] = id;
    j["name"] = it == desk.staff().end() ? "" : it->second.name;
    j["callbacks"] = s.callbacks;
    j["reached"] = s.reached;
    j["satisfaction"] = s.scored ? Json(s.score / static_cast<double>(s.scored)) : Json();
    j["actions"] = s.actions;
    j["open_actions"] = s.open;
    rows.push_back(j);
  }
  return rows;
}

}  // namespace sdesk
