// Each command group registers its verbs on the application; one file per group.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace sdesk::cli {

// init, staff, vendor, commit, workflow.
void register_desk(CLI::App& app, Globals& g);
// new, show, list, assign, take, start, note, pending, resume, escalate, de-escalate,
// resolve, close, reopen, cancel, link, log.
void register_ticket(CLI::App& app, Globals& g);
// sla, sla explain, calendar check|show|import.
void register_sla(CLI::App& app, Globals& g);
// kb new|edit|review|publish|retire|show|list|search|pending|stale.
void register_kb(CLI::App& app, Globals& g);
// callback pick|record|list|actions|plan|reply.
void register_callback(CLI::App& app, Globals& g);
// complaint new|investigate|measure|reply|close|show|list.
void register_complaint(CLI::App& app, Globals& g);
// survey new|record|import|report.
void register_survey(CLI::App& app, Globals& g);
// report kpi|performance|complaints|monthly.
void register_report(CLI::App& app, Globals& g);
// info, duty set|who|list, handover.
void register_duty(CLI::App& app, Globals& g);
// sync, verify, hook install, conflicts, merge-driver.
void register_sync(CLI::App& app, Globals& g);
// notify test|log|push, schedule add|list, sweep (complaints, routine work, notifications).
void register_notify(CLI::App& app, Globals& g);
// import tickets|events, export, batch.
void register_bulk(CLI::App& app, Globals& g);

// Runs one command line (args without the program name) on a new application whose global
// options start as `base`; errors go to `error` (message, hint). Returns the exit code.
int run_command(const std::vector<std::string>& args, const Globals& base,
                const std::function<void(const std::string&, const std::string&)>& error);
// Prints an error as "sdesk: error: …" and an optional hint line on stderr.
void print_error(const std::string& msg, const std::string& hint);

}  // namespace sdesk::cli
