// KPI reports (考核指标): the contract's figures over tickets created in a period, grouped on
// demand, consultant scorecards, the complaint summary and the data of the monthly report.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/store/settings.hpp"
#include "lib/ticket/sla.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// A reporting period [from, to) in the desk's zone, with the text shown for its ends.
struct Period {
  Time from;              // first instant in the period
  Time to;                // first instant after the period
  std::string from_text;  // e.g. "2026-03-01"
  std::string to_text;    // e.g. "2026-03-31" (the last day, inclusive)
};

// Parses YYYY-MM, YYYY-Qn or FROM..TO (dates, a TO date includes that day; or ISO times);
// empty: the month of `now` in the zone. Exit 2 naming --period when it does not parse.
Period parse_period(const std::string& text, Time now, Zone zone);
// Whether an ISO 8601 time lies in the period (false for empty or unparsable text).
bool in_period(const std::string& iso, const Period& p, Zone zone);
// Parses an ISO 8601 time fast (the stored form with offset), else as parse_time does;
// nullopt for empty or unparsable text.
std::optional<Time> parse_iso(const std::string& iso, Zone zone);

// One ticket with its SLA state at the report's `now`.
struct KpiTicket {
  Ticket t;                     // the ticket
  SlaState st;                  // its clocks at the report's now
  std::optional<Time> created;  // created_at parsed once (nullopt: parse on use)
};

// One callback as the KPIs need it.
struct KpiCallback {
  std::string ticket;        // the ticket called back
  bool reached = false;      // whether the customer was reached
  std::optional<int> score;  // satisfaction 1..5
};

// One complaint as the KPIs need it.
struct KpiComplaint {
  std::string id;          // complaint ID
  std::string customer;    // who complained
  std::string ticket;      // the ticket it is about, if any
  std::string against;     // the staff member it is about, if any
  std::string cause;       // the cause found
  std::string status;      // received … closed
  std::string due;         // due time (ISO 8601)
  std::string created_at;  // when it was received
  std::string closed_at;   // when it was closed
  bool overdue = false;    // past due and not closed
  std::string text;        // what the customer complained of
};

// One survey response as the KPIs need it.
struct KpiSurvey {
  std::string customer;               // who answered (empty when anonymous)
  std::string at;                     // when it was recorded
  std::map<std::string, int> scores;  // dimension -> 1..5
};

// One published knowledge-base article.
struct KpiArticle {
  std::string id;            // article ID
  std::string author;        // who wrote it
  std::string published_at;  // when it was first published
};

// Everything the KPIs read; an input whose library is not available stays nullopt, and the
// KPIs that need it report null.
struct KpiInputs {
  std::vector<KpiTicket> tickets;                       // every ticket
  std::optional<std::vector<KpiCallback>> callbacks;    // every callback
  std::optional<std::vector<KpiComplaint>> complaints;  // every complaint
  std::optional<std::vector<KpiSurvey>> surveys;        // every survey response
  std::optional<std::vector<KpiArticle>> articles;      // every published article
};

// Reads every input of the KPIs from the desk, clocks at the desk's now; with `only`, keeps
// just the tickets created in that period (the only ones any report reads), so big desks
// decode few tickets; without `tickets`, reads none (complaints, surveys and articles only).
KpiInputs load_kpi_inputs(const Desk& desk, const std::optional<Period>& only = std::nullopt,
                          bool tickets = true);
// The KPI object of the contract ({tickets, response_ontime_rate, …}) for the period.
Json compute_kpi(const KpiInputs& in, const Period& p, Zone zone, Time now);
// The inputs split by a dimension (staff = ticket owner, tier, category, customer); items that
// cannot be told apart on that dimension are left out of every group (their KPIs are null).
std::map<std::string, KpiInputs> split_inputs(const KpiInputs& in, const std::string& by);
// The contract's `report kpi` document: {period, kpi} and, with `by`, {by, rows}.
Json kpi_report(const KpiInputs& in, const Period& p, Zone zone, Time now,
                const std::string& by = "");

// Every KPI key in report order with its Chinese name (响应及时率 …).
const std::vector<std::pair<std::string, std::string>>& kpi_names();
// A KPI value for a table: rates as percentages, minutes with one decimal, null as "—".
std::string kpi_cell(const std::string& key, const Json& v);

// The KPI keys a consultant's scorecard shows, in order.
const std::vector<std::string>& scorecard_keys();
// The weights of a role's scorecard: kpi.weights.<role>, else kpi.weights (without
// first_line_resolution_rate for l2), else the defaults of docs/kpi.md for that tier.
std::map<std::string, double> scorecard_weights(const Settings& s, const std::string& role);
// Per consultant (active l1 and l2): the KPIs over the tickets they own or were assigned,
// complaints against them, articles they wrote, and one score (0..100) weighted for their
// role, ranked.
Json performance_report(const KpiInputs& in, const Period& p, const Desk& desk);
// Complaints in the period (all time when p is nullopt): counts by cause, by person, by
// month and the overdue share.
Json complaints_report(const KpiInputs& in, const std::optional<Period>& p, Zone zone);
// The period of the same kind just before p: the previous calendar month for a month, else
// the span of the same length ending where p begins.
Period previous_period(const Period& p, Zone zone);
// The target of each KPI that has one (kpi.targets of desk.yaml over the defaults of
// docs/kpi.md); for escalation_rate, vendor_escalation_rate and reopen_rate a ceiling.
std::map<std::string, double> kpi_targets(const Settings& s);
// Whether a KPI is better lower (its target is a ceiling).
bool kpi_lower_is_better(const std::string& key);
// The data of the monthly report: generated_at, period, kpi with the previous period's
// (`previous`) and the targets, per-day volume and SLA compliance, tier mix, the consultants'
// ranking, complaints, major incidents and breached tickets of the period. `in` must hold the
// tickets of both periods.
Json monthly_data(const KpiInputs& in, const Period& p, const Desk& desk);

}  // namespace sdesk
