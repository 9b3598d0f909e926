// sync, verify, hook install, conflicts and the hidden merge-driver: many operators, many
// clones, one shared history.
#include "lib/sync/sync.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "lib/store/driver.hpp"
#include "lib/sync/merge.hpp"
#include "lib/sync/verify.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

namespace {

struct MergeDriverOptions {
  std::string base, ours, theirs, path;
};

void run_sync(const Globals& g, const std::string& remote) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  SyncOptions o;
  o.remote = remote;
  // On a terminal, sdesk's steps and git's own progress (redraws kept, controls made visible)
  // go to stderr as they come; otherwise git runs quietly and only a failure is told.
  if (isatty(STDERR_FILENO)) {
    o.progress = [](const std::string& line) {
      std::fprintf(stderr, "sdesk: %s\n", printable(line, false).c_str());
    };
    o.transport = [](std::string_view piece) {
      std::string_view end;
      if (!piece.empty() && (piece.back() == '\n' || piece.back() == '\r')) {
        end = piece.substr(piece.size() - 1);
        piece.remove_suffix(1);
      }
      std::string shown = printable(piece, false);
      shown.append(end);
      std::fwrite(shown.data(), 1, shown.size(), stderr);
      std::fflush(stderr);
    };
  }
  SyncResult r = sync_desk(desk, o);
  Json renamed = Json::array();
  for (const auto& [old_id, new_id] : r.renamed)
    renamed.push_back({{"old", old_id}, {"new", new_id}});
  Json j = {{"remote", r.remote}, {"branch", r.branch}, {"outcome", r.outcome},
            {"head", r.head},     {"pushed", r.pushed}, {"attempts", r.attempts},
            {"merged", r.merged}, {"renamed", renamed}, {"conflicts", r.illegal}};
  if (f == Format::json) return emit_json(g, j);
  if (f == Format::csv) {
    Table t{{"REMOTE", "OUTCOME", "HEAD", "PUSHED", "MERGED"}, {}, {}};
    t.rows.push_back(
        {r.remote, r.outcome, r.head, r.pushed ? "yes" : "no", std::to_string(r.merged.size())});
    return emit_csv(g, t);
  }
  std::string b = r.branch.substr(11);
  std::string out = r.outcome == "up-to-date"
                        ? fmt::format("{} is up to date with {}\n", b, r.remote)
                    : r.outcome == "pushed"
                        ? fmt::format("pushed {} to {}\n", b, r.remote)
                        : fmt::format("synced {} with {}: {}{} ({})\n", b, r.remote, r.outcome,
                                      r.pushed ? ", pushed" : "", r.head.substr(0, 10));
  if (!r.merged.empty())
    out += fmt::format("merged event by event: {} object{}\n", r.merged.size(),
                       r.merged.size() == 1 ? "" : "s");
  for (const auto& [old_id, new_id] : r.renamed)
    out += fmt::format("renamed {} -> {} (the same ID was made in two clones)\n", old_id, new_id);
  for (const auto& c : r.illegal)
    out += fmt::format("conflict: {} no longer applies (see `sdesk conflicts`)\n", c);
  emit(g, out);
}

Repo open_repo(const Globals& g) {
  std::string dir = g.dir;
  if (dir.empty())
    if (const char* env = std::getenv("SDESK_DIR"); env && *env) dir = env;
  if (dir.empty()) dir = std::filesystem::current_path().string();
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) not_found("no desk at {}: no such directory", dir);
  return Repo::discover(dir);
}

// The pusher as the git server names them, first of the variables servers set.
std::string pusher_from_server() {
  for (const char* name : {"SDESK_PUSHER", "GL_USERNAME", "GITEA_PUSHER_NAME", "REMOTE_USER"})
    if (const char* v = std::getenv(name); v && *v) return v;
  return "";
}

void run_verify(const Globals& g, const std::string& range, bool push) {
  Format f = output_format(g);
  Repo repo = open_repo(g);
  add_quarantine_objects(repo);
  VerifyOptions o{range, push, push ? pusher_from_server() : "", {}};
  // Progress on a terminal for a long run: a count that overwrites itself on stderr.
  bool shown = false;
  if (::isatty(STDERR_FILENO))
    o.progress = [&shown, last = std::chrono::steady_clock::now()](size_t done,
                                                                   size_t total) mutable {
      auto now = std::chrono::steady_clock::now();
      if (done == total && !shown) return;
      if (done < total && now - last < std::chrono::milliseconds(200)) return;
      if (done < total && !shown && done < 200) return;  // short runs stay quiet
      last = now;
      shown = true;
      std::fprintf(stderr, "\rverify: %zu/%zu commits", done, total);
      if (done == total) std::fputc('\n', stderr);
    };
  Verified v = verify_history(repo, o);
  const auto& findings = v.findings;
  static const Zone utc = find_zone("UTC");
  if (f == Format::json) {
    Json arr = Json::array();
    for (const auto& x : findings)
      arr.push_back({{"commit", x.commit}, {"path", x.path}, {"message", x.message}});
    Json late = Json::array();
    for (const auto& b : v.backdated)
      late.push_back({{"commit", b.commit},
                      {"at", format_time(b.stated, utc)},
                      {"recorded_at", format_time(b.recorded, utc)}});
    emit_json(
        g,
        {{"ok", findings.empty()}, {"commits", v.commits}, {"findings", arr}, {"backdated", late}});
  } else if (f == Format::csv) {
    Table t{{"COMMIT", "PATH", "MESSAGE"}, {}, {}};
    for (const auto& x : findings) t.rows.push_back({x.commit, x.path, x.message});
    emit_csv(g, t);
  } else {
    std::string out;
    for (const auto& x : findings) out += finding_line(x) + "\n";
    // A whole history that is clean says so in one line; a pushed range stays quiet.
    if (findings.empty() && range.empty()) {
      out += fmt::format("verify: {} commit{} checked, no findings", v.commits,
                         v.commits == 1 ? "" : "s");
      if (!v.backdated.empty())
        out += fmt::format(
            "; {} back-dated (made more than 5 minutes after their stated time: "
            "`sdesk log --json` marks them, `--json` lists them)",
            v.backdated.size());
      out += "\n";
    }
    emit(g, out);
  }
  // The findings before the summary on stderr: under a pre-receive hook both reach the pusher
  // as one stream of `remote:` lines, and the first is what `sdesk sync` reports.
  std::fflush(stdout);
  if (!findings.empty())
    throw Error(Exit::refused,
                fmt::format("verify: {} finding{}{}", findings.size(),
                            findings.size() == 1 ? "" : "s", range.empty() ? "" : " in " + range));
}

void run_hook_install(const Globals& g) {
  Repo repo = open_repo(g);
  std::string file = install_hook(repo, self_exe());
  emit(g, file + "\n");
}

void run_conflicts(const Globals& g) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  Table t{{"ID", "EVENT", "ACTION", "BY", "WHY"}, {}, {}};
  Json arr = Json::array();
  for (const auto& tk : all_tickets(desk)) {
    for (const auto& e : tk.events) {
      auto it = tk.illegal.find(e.value("id", ""));
      if (it == tk.illegal.end()) continue;
      t.rows.push_back({tk.id, it->first, e.value("action", ""), e.value("by", ""), it->second});
      arr.push_back({{"id", tk.id},
                     {"event", it->first},
                     {"action", e.value("action", "")},
                     {"by", e.value("by", "")},
                     {"at", e.value("at", "")},
                     {"why", it->second}});
    }
  }
  (void)f;
  emit_rows(g, t, arr);
}

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// git's merge driver: merges %O %A %B for path %P into %A; exit 0 when clean, 1 on conflict.
int run_merge_driver(const Globals& g, const MergeDriverOptions& o) {
  auto base = slurp(o.base);
  auto ours = slurp(o.ours);
  auto theirs = slurp(o.theirs);
  if (!ours || !theirs) {
    std::fprintf(stderr, "sdesk: error: merge-driver: cannot read %s or %s\n", o.ours.c_str(),
                 o.theirs.c_str());
    return 2;
  }
  if (base && base->empty()) base.reset();
  MergeStamp stamp;
  std::optional<Desk> desk;
  try {
    desk.emplace(open_desk(g));
    stamp.at = desk->stamp(desk->now());
    if (desk->has_operator()) stamp.by = desk->op().id;
    stamp.event_id = [&desk] { return desk->ids().event_id(desk->now()); };
  } catch (const Error&) {
    stamp.at = format_time(now(), date::locate_zone("UTC"));
  }
  FileMerge m;
  try {
    m = merge_file(o.path, base, ours, theirs, stamp);
  } catch (const Error&) {
    m = merge_text(o.path, base, *ours, *theirs);
  }
  std::ofstream out(o.ours, std::ios::binary | std::ios::trunc);
  if (m.text) out << *m.text;
  out.close();
  if (!out) return 2;
  return m.conflict ? 1 : 0;
}

}  // namespace

void register_sync(CLI::App& app, Globals& g) {
  auto remote = std::make_shared<std::string>();
  auto* sync = app.add_subcommand("sync", "fetch, merge event by event, commit and push");
  sync->add_option("REMOTE", *remote, "remote name, URL or path (default: upstream, else origin)");
  add_format_flags(sync, g);
  sync->callback([&g, remote] { run_sync(g, *remote); });

  auto range = std::make_shared<std::string>();
  auto* verify = app.add_subcommand("verify", "check files and history against the rules");
  verify->add_option("--range", *range, "commits to check: A..B, or B for all of B's history");
  add_format_flags(verify, g);
  auto push = std::make_shared<bool>(false);
  verify->add_flag("--push", *push, "checks of a push (the pre-receive hook): the pusher's own")
      ->group("");
  verify->callback([&g, range, push] { run_verify(g, *range, *push); });

  auto* hook =
      app.add_subcommand("hook", "git hooks for a shared repository")->require_subcommand(1);
  auto* install = hook->add_subcommand("install", "install the pre-receive hook that runs verify");
  install->callback([&g] { run_hook_install(g); });

  auto* conflicts = app.add_subcommand("conflicts", "events that no longer apply after a merge");
  add_format_flags(conflicts, g);
  conflicts->callback([&g] { run_conflicts(g); });

  auto md = std::make_shared<MergeDriverOptions>();
  auto* driver = app.add_subcommand("merge-driver", "");  // hidden: run by git
  driver->group("");
  driver->add_option("BASE", md->base)->required();
  driver->add_option("OURS", md->ours)->required();
  driver->add_option("THEIRS", md->theirs)->required();
  driver->add_option("PATH", md->path)->required();
  driver->callback([&g, md] {
    int rc = run_merge_driver(g, *md);
    if (rc != 0) std::exit(rc);
  });
}

}  // namespace sdesk::cli
