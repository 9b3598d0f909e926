// What every command group shares: global options, opening the desk, choosing a format and
// writing output.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "cli/render.hpp"
#include "lib/store/desk.hpp"
#include "lib/ticket/query.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

// Thrown to end a command with an exit code whose reason was already printed (`batch`).
struct ExitCode {
  int code;  // the exit code
};

// Options that every command takes.
struct Globals {
  std::string dir;          // -C DIR
  std::string as;           // --as STAFF
  std::string format = "";  // --format table|json|csv|md|html
  bool json = false;        // --json
  std::string output;       // -o FILE (reports)
};

// The output formats.
enum class Format { table, json, csv, md, html };

// Opens the desk named by the global options.
Desk open_desk(const Globals& g, bool bare_ok = false);
// The format asked for (table by default); exit 2 for a format this command does not offer.
Format output_format(const Globals& g, std::initializer_list<Format> allowed = {
                                           Format::table, Format::json, Format::csv});
// Writes text for people to stdout (or to -o FILE when given): its control characters made
// visible, render_table's bold shown on a colour terminal. -o refuses (exit 4) the desk's
// .git directory and the files it tracks.
void emit(const Globals& g, const std::string& text);
// Writes bytes exactly as they are to stdout (or to -o FILE, checked as for emit).
void emit_bytes(const Globals& g, const std::string& bytes);
// Writes one JSON document to stdout, exact (DEL and C1 controls written as \u escapes).
void emit_json(const Globals& g, const Json& doc);
// Writes a table as CSV, exact (its controls made visible only when stdout is a terminal).
void emit_csv(const Globals& g, const Table& t);
// Writes rows as the chosen format: a table, CSV, Markdown, or the given JSON.
void emit_rows(const Globals& g, const Table& t, const Json& json);
// Prints one object's fields: aligned "name  value" lines followed by `rest` (table), or a
// FIELD,VALUE CSV of the fields alone (csv).
void emit_fields(const Globals& g, Format f,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 const std::string& rest = "");
// Whether stdout is a terminal and NO_COLOR is unset.
bool use_color();
// Warnings go to stderr as "sdesk: warning: ...".
void warn(const std::string& text);
// Adds the ticket filters of `list` (--status, --open, --since, …, --sort, --limit).
void add_query_flags(CLI::App* cmd, TicketQuery& q);
// The formats most commands offer.
extern const std::vector<std::string> kTableFormats;
// The same plus Markdown (commands that print rows or a form).
extern const std::vector<std::string> kMarkdownFormats;
// Adds --format/--json to a command (and -o when `output` is set); the help and the check name
// exactly the formats it offers.
void add_format_flags(CLI::App* cmd, Globals& g, bool output = false,
                      const std::vector<std::string>& formats = kTableFormats);
// A validator for ->transform: one of choices in any ASCII case, stored as the choice is spelled.
CLI::Validator one_of(const std::vector<std::string>& choices);
// Runs the desk's write-time duties after a command that wrote (complaint sweep).
void after_write(Desk& desk);

}  // namespace sdesk::cli
