// Bulk work: import tickets|events, export, and batch (one command per line of stdin).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "lib/bulk/export.hpp"
#include "lib/bulk/import.hpp"
#include "lib/util/error.hpp"
#include "lib/util/xlsx.hpp"

namespace sdesk::cli {

namespace {

struct ImportOptions {
  std::string kind, file, map;
  bool dry_run = false;
};

std::optional<ImportMap> read_map(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) not_found("cannot read the map {}", path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_import_map(text, std::filesystem::path(path).filename().string());
}

void run_import(const Globals& g, const ImportOptions& o) {
  Format f = output_format(g, {Format::table, Format::json});
  Desk desk = open_desk(g);
  auto map = read_map(o.map);
  if (o.kind == "events" && !map) usage_error("import events needs --map MAP.yaml");
  ImportResult r = o.kind == "events" ? import_events(desk, o.file, *map, o.dry_run)
                                      : import_tickets(desk, o.file, map, o.dry_run);
  if (!r.dry_run) after_write(desk);
  if (f == Format::json) {
    Json j = Json::object();
    j["file"] = r.file;
    j["encoding"] = r.encoding;
    j["dry_run"] = r.dry_run;
    j["rows"] = r.rows;
    j["tickets"] = r.tickets;
    j["events"] = r.events;
    j["ignored"] = r.ignored;
    j["skipped"] = Json::object();
    for (const auto& [why, n] : r.skipped) j["skipped"][why] = n;
    j["commit"] = r.commit.empty() ? Json(nullptr) : Json(r.commit);
    j["ids"] = r.ids;
    return emit_json(g, j);
  }
  std::string out = fmt::format("{} {} tickets ({} events) from {} rows of {} ({})\n",
                                r.dry_run ? "would import" : "imported", r.tickets, r.events,
                                r.rows, r.file, r.encoding);
  size_t skipped = 0;
  for (const auto& [why, n] : r.skipped) skipped += n;
  if (r.ignored) out += fmt::format("ignored {} rows (the map's `ignore`)\n", r.ignored);
  if (skipped)
    out += fmt::format("skipped {} rows whose action was not legal at its turn:\n", skipped);
  for (const auto& [why, n] : r.skipped) out += fmt::format("  {:>7}  {}\n", n, why);
  if (!r.commit.empty()) out += "commit " + r.commit.substr(0, 12) + "\n";
  emit(g, out);
}

struct ExportOptions {
  TicketQuery query;
  std::string format = "csv";
};

void run_export(Globals& g, const ExportOptions& o) {
  Desk desk = open_desk(g);
  auto rows = select_tickets(desk, o.query);
  if (o.format == "json") return emit_json(g, export_json(desk, rows));
  ExportTable t = export_table(desk, rows);
  if (o.format == "csv") return emit_csv(g, Table{t.headers, t.rows});
  if (g.output.empty() && isatty(STDOUT_FILENO))
    usage_error("an XLSX export goes to a file: give -o FILE.xlsx (or redirect stdout)");
  // libxlsxwriter writes a file: a temporary one, then its bytes go where output goes.
  char tmp[] = "/tmp/sdesk-export-XXXXXX";
  int fd = ::mkstemp(tmp);
  if (fd < 0) internal_error("cannot make a temporary file for the workbook");
  ::close(fd);
  struct Remove {
    const char* path;
    ~Remove() { std::remove(path); }
  } remove_tmp{tmp};
  write_xlsx(tmp, "tickets", t.headers, t.rows);
  std::ifstream in(tmp, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  emit_bytes(g, bytes);
}

// Splits a line as a POSIX shell splits words: blanks separate, '…' is literal, "…" keeps
// \" \\ \$ \` escapes, a backslash outside quotes escapes the next character, and # at the start
// of a word begins a comment. Exit 2 for an unclosed quote.
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      if (in_word) out.push_back(cur), cur.clear(), in_word = false;
    } else if (c == '#' && !in_word) {
      break;
    } else if (c == '\'') {
      size_t end = line.find('\'', i + 1);
      if (end == std::string::npos) usage_error("a ' quote is not closed");
      cur += line.substr(i + 1, end - i - 1);
      i = end, in_word = true;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size() &&
            std::string("\"\\$`").find(line[j + 1]) != std::string::npos)
          ++j;
        cur += line[j];
      }
      if (j >= line.size()) usage_error("a \" quote is not closed");
      i = j, in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur += line[++i];
      in_word = true;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(cur);
  return out;
}

// Sends what is written to stdout (C stdio and iostreams) into a temporary file while it lives.
class CaptureStdout {
 public:
  CaptureStdout() : file_(std::tmpfile()) {
    if (!file_) internal_error("cannot make a temporary file for a command's output");
    std::fflush(stdout);
    std::cout.flush();
    saved_ = ::dup(STDOUT_FILENO);
    ::dup2(::fileno(file_), STDOUT_FILENO);
  }
  ~CaptureStdout() {
    restore();
    std::fclose(file_);
  }
  CaptureStdout(const CaptureStdout&) = delete;
  CaptureStdout& operator=(const CaptureStdout&) = delete;
  // Restores stdout and returns what was written.
  std::string take() {
    restore();
    std::string out;
    std::rewind(file_);
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) out.append(buf, n);
    return out;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stdout);
    std::cout.flush();
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    saved_ = -1;
  }
  std::FILE* file_;
  int saved_ = -1;
};

// A command's output on one line: a trailing line end dropped, others and backslashes escaped.
std::string one_line_output(std::string out) {
  while (!out.empty() && out.back() == '\n') out.pop_back();
  std::string s;
  for (char c : out) s += c == '\n' ? "\\n" : c == '\\' ? "\\\\" : std::string(1, c);
  return s;
}

int batch_depth = 0;

int run_batch(const Globals& g) {
  if (batch_depth > 0) refuse("batch does not run inside batch");
  ++batch_depth;
  int worst = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::vector<std::string> args;
    std::string message;
    int code = 0;
    try {
      args = shell_words(line);
    } catch (const Error& e) {
      message = e.what(), code = static_cast<int>(e.code());
    }
    if (args.empty() && code == 0) continue;  // a blank or comment line is no command
    std::string out;
    if (code == 0) {
      CaptureStdout capture;
      Globals base;
      base.dir = g.dir;
      base.as = g.as;
      code = run_command(args, base,
                         [&](const std::string& msg, const std::string&) { message = msg; });
      out = capture.take();
    }
    std::string reply = code == 0 ? "ok" : "error: " + message;
    if (code == 0 && !out.empty()) reply += " " + one_line_output(out);
    std::fwrite(reply.data(), 1, reply.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    worst = std::max(worst, code);
  }
  --batch_depth;
  return worst;
}

}  // namespace

void register_bulk(CLI::App& app, Globals& g) {
  auto* imp = app.add_subcommand("import", "bulk import: tickets from CSV or XLSX, an event log");
  imp->require_subcommand(1);
  for (const char* kind : {"tickets", "events"}) {
    auto o = std::make_shared<ImportOptions>();
    o->kind = kind;
    auto* cmd = imp->add_subcommand(
        kind, std::string(kind) == "tickets"
                  ? "tickets from CSV (UTF-8 or GBK) or XLSX rows, one commit, all or nothing"
                  : "replay an event log (case, status, owner, time) through a status map");
    cmd->add_option("FILE", o->file, "the CSV or XLSX file")->required();
    cmd->add_option("--map", o->map, "a column map (MAP.yaml)");
    cmd->add_flag("--dry-run", o->dry_run, "check every row and say what would be made");
    cmd->add_option("--format", g.format, "output format")->check(CLI::IsMember({"table", "json"}));
    cmd->add_flag("--json", g.json, "short for --format json");
    cmd->footer(std::string(kind) == "tickets"
                    ? "Examples:\n  sdesk import tickets old-desk.csv --dry-run\n"
                      "  sdesk import tickets 工单.xlsx --map map.yaml"
                    : "Example:\n  sdesk import events incidents.csv --map bpic.yaml");
    cmd->callback([&g, o] { run_import(g, *o); });
  }
  auto eo = std::make_shared<ExportOptions>();
  auto* ex = app.add_subcommand("export", "tickets with their SLA figures as CSV, JSON or XLSX");
  ex->add_option("--format", eo->format, "csv (default), json or xlsx")
      ->check(CLI::IsMember({"csv", "json", "xlsx"}));
  ex->add_option("-o,--output", g.output, "write to FILE instead of stdout");
  add_query_flags(ex, eo->query);
  ex->footer(
      "Examples:\n  sdesk export --since 2026-03-01 --until 2026-03-31 -o march.csv\n"
      "  sdesk export --format xlsx --open -o open.xlsx");
  ex->callback([&g, eo] { run_export(g, *eo); });
  auto* batch =
      app.add_subcommand("batch", "run one sdesk command per line of stdin, each its own commit");
  batch->footer(
      "Example:\n  printf 'note T-2603 \"回访已完成\"\\nstart T-2603\\n' | sdesk batch --as l1a");
  batch->callback([&g] {
    int code = run_batch(g);
    if (code != 0) throw ExitCode{code};
  });
}

}  // namespace sdesk::cli
