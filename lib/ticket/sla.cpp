// SLA clocks from a ticket's events on the desk calendar (lib/calendar.hpp). Nothing here
// reads the wall clock: `now` is the only present.
#include "lib/ticket/sla.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "lib/store/calendar.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/error.hpp"

namespace sdesk {

namespace {

// One stretch of the ticket's life in which its state did not change.
struct Segment {
  Time from;
  Time to;
  std::string status;
  bool paused = false;  // pending on the customer
};

// Reads the stamps sdesk writes ("2026-03-02T09:00:00+08:00") without a regex; anything
// else goes through parse_time.
Time stamp_time(const std::string& text, Zone z, const char* what) {
  auto digits = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() == 25 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
      text[16] == ':' && (text[19] == '+' || text[19] == '-') && text[22] == ':') {
    int y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
        mi = digits(14, 2), sec = digits(17, 2), oh = digits(20, 2), om = digits(23, 2);
    date::year_month_day ymd{date::year{y}, date::month(unsigned(mo)), date::day(unsigned(d))};
    if (y >= 0 && mo >= 0 && d >= 0 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && sec >= 0 &&
        sec < 60 && oh >= 0 && om >= 0 && ymd.ok()) {
      long offset = (oh * 3600L + om * 60L) * (text[19] == '-' ? -1 : 1);
      return Time{date::sys_days(ymd).time_since_epoch()} + std::chrono::hours(h) +
             std::chrono::minutes(mi) + std::chrono::seconds(sec - offset);
    }
  }
  return parse_time(text, z, what);
}

// The ticket's life from its first event to `end`, as segments of constant state; events
// that were not legal at their turn are skipped, as the fold skips them.
std::vector<Segment> segments(const Ticket& t, Zone z, Time end) {
  std::vector<Segment> out;
  Ticket scratch;
  scratch.id = t.id;
  for (const auto& e : t.events) {
    if (!why_illegal(scratch, e).empty()) continue;
    apply_event(scratch, e);
    Time at = std::min(stamp_time(e.value("at", ""), z, "at"), end);
    if (!out.empty()) at = out.back().to = std::max(out.back().from, at);
    Segment seg{at, end, scratch.status,
                scratch.status == "pending" && scratch.pending_reason == "customer"};
    if (!out.empty() && out.back().from == at)
      out.back() = seg;
    else
      out.push_back(seg);
  }
  return out;
}

// Sorts spans and merges those that touch or overlap.
std::vector<Span> merged(std::vector<Span> v) {
  std::sort(v.begin(), v.end(), [](const Span& a, const Span& b) { return a.from < b.from; });
  std::vector<Span> out;
  for (const auto& s : v) {
    if (s.from >= s.to) continue;
    if (!out.empty() && s.from <= out.back().to)
      out.back().to = std::max(out.back().to, s.to);
    else
      out.push_back(s);
  }
  return out;
}

bool stopped(const std::string& status) {
  return status == "resolved" || status == "closed";
}

std::string gap_warning(const Ticket& t, int year) {
  return fmt::format(
      "{}: no calendar for {}: its SLA due times are unknown (import {} with "
      "`sdesk calendar import FILE`)",
      t.id, year, year);
}

}  // namespace

namespace {

SlaState compute(const Ticket& t, const Settings& s, Time now, bool explain) {
  SlaState st;
  auto it = s.sla.find(t.priority);
  if (it == s.sla.end() || t.created_at.empty()) return st;
  const SlaTarget& target = it->second;
  Zone z = s.zone;
  Calendar cal(s);
  Clock clock(cal, target.business);
  st.clock = target.business ? "business" : "24x7";
  Time created = stamp_time(t.created_at, z, "created_at");
  std::set<int> gaps;
  auto guarded = [&](auto&& f) {
    try {
      f();
    } catch (const CalendarGap& g) {
      gaps.insert(g.year());
    }
  };

  // Where each clock ends: at the first response, at the last resolution, at cancelling, or now.
  std::vector<Segment> life = segments(t, z, std::max(now, created));
  Time resolve_end = std::max(now, created);
  bool open = is_open_status(t.status);
  if (!open && !life.empty()) resolve_end = life.back().from;
  if (!t.resolved_at.empty() && stopped(t.status))
    resolve_end = stamp_time(t.resolved_at, z, "resolved_at");
  std::optional<Time> responded;
  if (!t.responded_at.empty()) responded = stamp_time(t.responded_at, z, "responded_at");
  Time response_end = responded ? *responded : resolve_end;

  // Stops: customer waits pause both clocks; time spent resolved (before a reopen) stops the
  // resolution clock.
  std::vector<Span> pauses, resolved;
  for (const auto& seg : life) {
    if (seg.paused) pauses.push_back({seg.from, seg.to});
    if (stopped(seg.status) && seg.to <= resolve_end && seg.from < resolve_end)
      resolved.push_back({seg.from, seg.to});
  }
  pauses = merged(pauses);
  // The response clock ends at the first response: a customer wait after it does not move it.
  std::vector<Span> response_pauses;
  for (const auto& p : pauses)
    if (p.from < response_end) response_pauses.push_back({p.from, std::min(p.to, response_end)});
  std::vector<Span> resolve_stops = pauses;
  resolve_stops.insert(resolve_stops.end(), resolved.begin(), resolved.end());
  resolve_stops = merged(resolve_stops);

  std::int64_t response_secs = 0, resolve_secs = 0;
  guarded([&] {
    std::int64_t secs = response_secs = clock.target_seconds(created, target.response);
    st.response_target = secs / 60;
    st.response_due = clock.advance(created, secs, response_pauses);
    st.response_breached = response_end > *st.response_due;
  });
  guarded([&] {
    std::int64_t secs = resolve_secs = clock.target_seconds(created, target.resolve);
    st.resolve_target = secs / 60;
    st.resolve_due = clock.advance(created, secs, resolve_stops);
  });
  if (!t.required_by.empty() && !(st.resolve_due == std::nullopt && !gaps.empty())) {
    Time rb = stamp_time(t.required_by, z, "required_by");
    if (!st.resolve_due || rb < *st.resolve_due) {
      st.resolve_due = rb;
      st.due_from_required_by = true;
    }
  }
  if (st.resolve_due) st.resolve_breached = resolve_end > *st.resolve_due;
  guarded([&] {
    if (responded) {
      st.seconds_to_response = clock.seconds(created, *responded, response_pauses);
      st.minutes_to_response = *st.seconds_to_response / 60;
    }
    if (!t.resolved_at.empty() && stopped(t.status)) {
      st.seconds_to_resolve = clock.seconds(created, resolve_end, resolve_stops);
      st.minutes_to_resolve = *st.seconds_to_resolve / 60;
    }
    std::int64_t paused = 0;
    for (const auto& p : pauses) paused += clock.seconds(p.from, p.to);
    st.paused_minutes = paused / 60;
  });

  // The running targets of an open ticket: due, time left and the share used.
  if (open) {
    guarded([&] {
      // Used share = (target - left) / target; a target past due has used it all.
      auto share_at_risk = [&](Time due, std::int64_t target, const std::vector<Span>& stops) {
        if (now >= due) return true;
        std::int64_t left = clock.seconds(now, due, stops);
        if (target <= 0) return false;
        return double(target - left) >= s.at_risk * double(target);
      };
      // Time left on the ticket's clock; past due, how late on the clock, waits included (a
      // missed target stays missed while the customer is waited on).
      auto left = [&](Time due, const std::vector<Span>& stops) {
        return now >= due ? -clock.minutes(due, now) : clock.minutes(now, due, stops);
      };
      if (!responded && st.response_due) {
        st.due = st.response_due;
        st.left_minutes = left(*st.response_due, response_pauses);
        st.at_risk = share_at_risk(*st.response_due, response_secs, pauses);
      }
      if (st.resolve_due) {
        if (!st.due || *st.resolve_due < *st.due) {
          st.due = st.resolve_due;
          st.left_minutes = left(*st.resolve_due, resolve_stops);
        }
        std::int64_t total = st.due_from_required_by
                                 ? clock.seconds(created, *st.resolve_due, resolve_stops)
                                 : resolve_secs;
        st.at_risk = st.at_risk || share_at_risk(*st.resolve_due, total, resolve_stops);
      }
      // At risk includes breached (docs/sla.md): a late response stays a risk while open.
      st.at_risk = st.at_risk || st.response_breached || st.resolve_breached;
    });
  }

  // What counted, stretch by stretch, for `sla explain`.
  if (explain)
    guarded([&] {
      auto add = [&](const char* name, Time a, Time b, const Segment& seg, bool is_resolve) {
        if (a >= b) return;
        if (seg.paused || (is_resolve && stopped(seg.status))) {
          st.intervals.push_back(
              {name, a, b, clock.seconds(a, b) / 60,
               seg.paused ? "paused: waiting on the customer" : "stopped: resolved until reopened",
               false});
          return;
        }
        if (!clock.business()) {
          st.intervals.push_back({name, a, b, (b - a).count() / 60, "24x7 clock", true});
          return;
        }
        for (auto day = local_day(a, z); day <= local_day(b, z); day += date::days(1)) {
          DayInfo d = cal.day(day);
          if (!d.working) {
            // Days off show as one stretch per reason, so a holiday week is one line.
            Time from = std::max(a, clock.day_start(day));
            Time to = std::min(b, clock.day_start(day + date::days(1)));
            std::string why = "not worked: " + d.reason;
            auto& v = st.intervals;
            if (from >= to) continue;
            if (!v.empty() && !v.back().counted && v.back().clock == name && v.back().to == from &&
                v.back().why.rfind("not worked", 0) == 0) {
              v.back().to = to;
              if (v.back().why.find(d.reason) == std::string::npos) v.back().why += ", " + d.reason;
            } else {
              v.push_back({name, from, to, 0, why, false});
            }
            continue;
          }
          std::string why = "working hours (" + weekday_name(d.day) + ", " + d.reason +
                            (d.reason.rfind("workday", 0) == 0 ? ", mon's hours" : "") + ")";
          for (const auto& s : clock.day_spans(day)) {
            Span span{std::max(s.from, a), std::min(s.to, b)};
            if (span.from < span.to)
              st.intervals.push_back(
                  {name, span.from, span.to, (span.to - span.from).count() / 60, why, true});
          }
        }
      };
      for (const auto& seg : life) {
        add("response", seg.from, std::min(seg.to, response_end), seg, false);
      }
      for (const auto& seg : life) {
        add("resolve", seg.from, std::min(seg.to, resolve_end), seg, true);
      }
      // Counted minutes are cut from the running total, not stretch by stretch, so that a
      // clock's stretches add up to its total.
      std::map<std::string, std::int64_t> running;
      for (auto& v : st.intervals) {
        if (!v.counted) continue;
        std::int64_t& before = running[v.clock];
        std::int64_t after = before + (v.to - v.from).count();
        v.minutes = after / 60 - before / 60;
        before = after;
      }
    });

  for (int y : gaps) st.warnings.push_back(gap_warning(t, y));
  return st;
}

}  // namespace

SlaState compute_sla(const Ticket& t, const Settings& s, Time now) {
  return compute(t, s, now, false);
}

SlaState explain_sla(const Ticket& t, const Settings& s, Time now) {
  return compute(t, s, now, true);
}

Json sla_json(const SlaState& st, Zone zone) {
  auto t = [&](const std::optional<Time>& v) { return v ? Json(format_time(*v, zone)) : Json(); };
  auto n = [](const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(); };
  Json j = Json::object();
  j["response_due"] = t(st.response_due);
  j["resolve_due"] = t(st.resolve_due);
  j["response_breached"] = st.response_breached;
  j["resolve_breached"] = st.resolve_breached;
  j["paused_minutes"] = st.paused_minutes;
  j["minutes_to_response"] = n(st.minutes_to_response);
  j["minutes_to_resolve"] = n(st.minutes_to_resolve);
  return j;
}

}  // namespace sdesk
