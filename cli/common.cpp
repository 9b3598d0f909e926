#include "cli/common.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "lib/quality/complaints.hpp"
#include "lib/sync/validate.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

Desk open_desk(const Globals& g, bool bare_ok) {
  return Desk::open(DeskOptions{g.dir, g.as,
                                [](const std::string& what) {
                                  std::fprintf(stderr, "sdesk: repaired: %s\n",
                                               printable(what, false).c_str());
                                },
                                bare_ok});
}

Format output_format(const Globals& g, std::initializer_list<Format> allowed) {
  std::string f = g.json ? "json" : g.format.empty() ? "table" : g.format;
  Format out = f == "table"  ? Format::table
               : f == "json" ? Format::json
               : f == "csv"  ? Format::csv
               : f == "md"   ? Format::md
               : f == "html" ? Format::html
                             : Format::table;
  bool known = f == "table" || f == "json" || f == "csv" || f == "md" || f == "html";
  bool ok = known && std::find(allowed.begin(), allowed.end(), out) != allowed.end();
  if (!ok) usage_error("--format: '{}' is not offered by this command", f);
  return out;
}

namespace {

// Writes bytes as they are to stdout or -o FILE.
void write_out(const Globals& g, const std::string& text) {
  if (!g.output.empty()) {
    refuse_output_path(open_desk(g), g.output);
    std::ofstream out(g.output, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) internal_error("cannot write {}", g.output);
    return;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace

void emit_bytes(const Globals& g, const std::string& bytes) {
  write_out(g, bytes);
}

void emit(const Globals& g, const std::string& text) {
  bool color = g.output.empty() && use_color();
  std::string out;
  for (char c : screen(text, true)) {
    if (c == kBoldOn[0])
      out += color ? "\x1b[1m" : "";
    else if (c == kBoldOff[0])
      out += color ? "\x1b[0m" : "";
    else
      out += c;
  }
  write_out(g, out);
}

void emit_json(const Globals& g, const Json& doc) {
  // nlohmann escapes C0; DEL and C1 (U+0080..U+009F, C2 80..C2 9F in UTF-8) are written as
  // escapes too, which every JSON reader takes for the same string.
  // Bytes that are not UTF-8 can come only from git history (a hand-made commit message).
  std::string text = doc.dump(2, ' ', false, Json::error_handler_t::replace), out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == 0x7F) {
      out += "\\u007f";
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(next));
      ++i;
    } else {
      out += text[i];
    }
  }
  write_out(g, out + "\n");
}

void emit_csv(const Globals& g, const Table& t) {
  std::string text = render_csv(t);
  if (g.output.empty() && isatty(STDOUT_FILENO)) text = screen(text, true);
  write_out(g, text);
}

void emit_fields(const Globals& g, Format f,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 const std::string& rest) {
  if (f != Format::csv) return emit(g, render_fields(fields) + rest);
  Table t{{"FIELD", "VALUE"}, {}, {}};
  for (const auto& [k, v] : fields) t.rows.push_back({k, v});
  emit_csv(g, t);
}

void emit_rows(const Globals& g, const Table& t, const Json& json) {
  switch (output_format(g, {Format::table, Format::json, Format::csv, Format::md})) {
    case Format::json:
      return emit_json(g, json);
    case Format::csv:
      return emit_csv(g, t);
    case Format::md:
      return emit(g, render_markdown(t));
    default:
      return emit(g, render_table(t, use_color()));
  }
}

bool use_color() {
  const char* nc = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(nc && *nc);
}

void warn(const std::string& text) {
  std::fprintf(stderr, "sdesk: warning: %s\n", printable(text, false).c_str());
}

CLI::Validator one_of(const std::vector<std::string>& choices) {
  return CLI::IsMember(choices, CLI::ignore_case);
}

const std::vector<std::string> kTableFormats = {"table", "json", "csv"};
const std::vector<std::string> kMarkdownFormats = {"table", "json", "csv", "md"};

void add_format_flags(CLI::App* cmd, Globals& g, bool output,
                      const std::vector<std::string>& formats) {
  cmd->add_option("--format", g.format, "output format")->transform(one_of(formats));

  cmd->add_flag("--json", g.json, "short for --format json");
  if (output) cmd->add_option("-o,--output", g.output, "write to FILE instead of stdout");
}

void add_query_flags(CLI::App* cmd, TicketQuery& q) {
  cmd->add_option("--status", q.status, "status (comma-separated)");
  cmd->add_option("--tier", q.tier);
  cmd->add_option("--assignee", q.assignee, "staff id (comma-separated); me: the operator");
  cmd->add_option("--priority", q.priority);
  cmd->add_option("--customer", q.customer);
  cmd->add_flag("--open", q.open, "only open tickets");
  cmd->add_flag("--breached", q.breached, "only tickets past an SLA target");
  cmd->add_flag("--at-risk", q.at_risk, "only tickets at risk");
  cmd->add_flag("--major", q.major, "only major incidents");
  cmd->add_option("--parent", q.parent, "only tickets linked to this major incident");
  cmd->add_option("--since", q.since, "created at or after");
  cmd->add_option("--until", q.until, "created before (a date includes that day)");
  cmd->add_option("--sort", q.sort)
      ->transform(one_of(
          {"id", "priority", "status", "created", "created_at", "due", "assignee", "customer"}));
  cmd->add_option("--limit", q.limit);
}

}  // namespace sdesk::cli

namespace sdesk::cli {

void after_write(Desk& desk) {
  try {
    sweep_overdue(desk);  // overdue complaints go to the PM, once; a no-op when none is due
  } catch (const Error& e) {
    warn(std::string("complaint sweep: ") + e.what());
  }
}

}  // namespace sdesk::cli
