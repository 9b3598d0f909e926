#include "lib/sync/sync.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>

#include "lib/sync/merge.hpp"
#include "lib/util/error.hpp"
#include "lib/util/process.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {

// The ref a fetch writes the remote branch to: read, then removed, so that no ref of the
// clone moves unless the whole sync succeeds.
constexpr const char* kFetchRef = "refs/sdesk/fetch";

// Where a sync goes: the remote as git is given it, the branch on it, and the tracking ref.
struct Target {
  std::string arg;       // what `git fetch` and `git push` are given: a remote name or a URL
  std::string label;     // the same with any credentials removed, for messages and commits
  std::string branch;    // refs/heads/<name> on the remote
  std::string tracking;  // refs/remotes/<remote>/<name>, or "" for an anonymous remote
};

Target pick_target(Repo& repo, const std::string& arg) {
  std::string local = repo.head_branch();
  if (local.rfind("refs/heads/", 0) != 0)
    throw Error(Exit::conflict, "HEAD is detached: sync needs a branch",
                "check out the desk's branch first");
  std::string short_name = local.substr(11);
  auto upstream = repo.config("branch." + short_name + ".remote");
  std::string name = !arg.empty() ? arg : upstream ? *upstream : "origin";
  Target t;
  t.arg = name;
  t.label = redact_credentials(name);
  t.branch = local;
  if (repo.config("remote." + name + ".url")) {
    if (upstream && *upstream == name)
      if (auto merge = repo.config("branch." + short_name + ".merge")) t.branch = *merge;
    t.tracking = "refs/remotes/" + name + "/" + t.branch.substr(11);
    return t;
  }
  if (arg.empty())
    throw Error(Exit::conflict, fmt::format("no remote '{}' to sync with", t.label),
                "add one with `git remote add origin URL`, or name one: `sdesk sync URL`");
  return t;
}

// What a git run printed (stdout and stderr together) and how it ended.
struct GitRun {
  int status = -1;  // exit status, or 128 + signal
  std::string output;
};

// Variables not handed to git: those that name a repository, an index or an object store (a
// surrounding git hook sets them for its own repository, and they must not steer a git run for
// the desk), and GIT_TERMINAL_PROMPT, which sdesk sets itself.
bool is_dropped_var(const char* entry) {
  static const char* const names[] = {"GIT_DIR",
                                      "GIT_WORK_TREE",
                                      "GIT_INDEX_FILE",
                                      "GIT_OBJECT_DIRECTORY",
                                      "GIT_ALTERNATE_OBJECT_DIRECTORIES",
                                      "GIT_QUARANTINE_PATH",
                                      "GIT_COMMON_DIR",
                                      "GIT_NAMESPACE",
                                      "GIT_PREFIX",
                                      "GIT_IMPLICIT_WORK_TREE",
                                      "GIT_SHALLOW_FILE",
                                      "GIT_GRAFT_FILE",
                                      "GIT_TERMINAL_PROMPT"};
  for (const char* n : names) {
    size_t len = std::strlen(n);
    if (std::strncmp(entry, n, len) == 0 && entry[len] == '=') return true;
  }
  return false;
}

// Hands `echo` each piece of git's output that ends in a newline or a carriage return (a
// progress redraw), so that no piece splits a line or a UTF-8 sequence.
class Echo {
 public:
  explicit Echo(const TransportEcho& echo) : echo_(echo) {}
  void add(std::string_view bytes) {
    if (!echo_) return;
    pending_.append(bytes);
    size_t from = 0;
    for (size_t i = 0; i < pending_.size(); ++i)
      if (pending_[i] == '\n' || pending_[i] == '\r') {
        echo_(std::string_view(pending_).substr(from, i + 1 - from));
        from = i + 1;
      }
    pending_.erase(0, from);
  }
  void flush() {
    if (echo_ && !pending_.empty()) echo_(pending_);
    pending_.clear();
  }

 private:
  const TransportEcho& echo_;
  std::string pending_;
};

// Runs `git --git-dir=GITDIR ARGS...` (git found on PATH, no shell) with stdin from /dev/null
// and stdout and stderr captured, each piece also handed to `echo` when set. The environment is
// the user's (HOME, SSH_AUTH_SOCK, GIT_SSH_COMMAND, proxies, credential helpers) less the
// repository-local git variables, with GIT_TERMINAL_PROMPT=0 so that a missing credential
// fails at once instead of waiting for a person.
GitRun run_git(const Repo& repo, const std::vector<std::string>& args, const TransportEcho& echo) {
  std::vector<std::string> all{"git", "--git-dir=" + repo.gitdir().string()};
  all.insert(all.end(), args.begin(), args.end());
  Echo piece(echo);
  ProcessOptions how;
  how.merge_output = true;
  how.env_drop = is_dropped_var;
  how.env_add = {"GIT_TERMINAL_PROMPT=0"};
  how.on_output = [&](std::string_view b) { piece.add(b); };
  ProcessResult r = run_process(all, how);
  piece.flush();
  if (r.status < 0)
    throw Error(Exit::conflict, "cannot run git",
                "nothing was changed; sync needs the git command on PATH");
  return {r.status, std::move(r.out)};
}

// Whether a line is git's progress ("Receiving objects:  50% (1/2)", "…, done.").
bool is_progress(const std::string& line) {
  return line.find("% (") != std::string::npos || line.find(", done.") != std::string::npos ||
         line.rfind("Enumerating objects", 0) == 0 || line.rfind("Counting objects", 0) == 0 ||
         line.rfind("Total ", 0) == 0;
}

}  // namespace

std::string redact_credentials(std::string_view text) {
  std::string out;
  size_t at = 0;
  for (;;) {
    size_t scheme_end = text.find("://", at);
    if (scheme_end == std::string_view::npos) break;
    size_t host = scheme_end + 3;
    size_t end = text.find_first_of("/ \t\r\n'\"", host);
    if (end == std::string_view::npos) end = text.size();
    size_t atsign = text.substr(host, end - host).rfind('@');
    size_t scheme_begin = scheme_end;
    while (scheme_begin > at && (std::isalnum(static_cast<unsigned char>(text[scheme_begin - 1])) ||
                                 text[scheme_begin - 1] == '+' || text[scheme_begin - 1] == '-' ||
                                 text[scheme_begin - 1] == '.'))
      --scheme_begin;
    out.append(text.substr(at, host - at));
    if (atsign != std::string_view::npos) {
      std::string_view scheme = text.substr(scheme_begin, scheme_end - scheme_begin);
      std::string_view user = text.substr(host, atsign);
      // An SSH user name is no secret and says who logs in; anything else may be a token.
      bool ssh = scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git";
      if (ssh && user.find(':') == std::string_view::npos) out.append(user).append("@");
      host += atsign + 1;
    }
    out.append(text.substr(host, end - host));
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

std::string transport_failure(const std::string& output, int status) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < output.size()) {
    size_t nl = output.find('\n', at);
    if (nl == std::string::npos) nl = output.size();
    std::string line = output.substr(at, nl - at);
    at = nl + 1;
    // Progress redraws a line with \r; keep what it ended as.
    if (auto cr = trim_space(line).rfind('\r'); cr != std::string::npos)
      line = trim_space(line).substr(cr + 1);
    line = trim_space(line);
    if (!line.empty()) lines.push_back(line);
  }
  // The server's own word first (a hook's finding, a hosting service's refusal).
  for (const auto& l : lines)
    if (l.rfind("remote:", 0) == 0) {
      std::string said = trim_space(l.substr(7));
      if (!said.empty() && !is_progress(said)) return redact_credentials(said);
    }
  // Else the first line that is neither a note (To/From/hint/warning) nor progress: what ssh
  // or git itself said went wrong.
  for (const auto& l : lines) {
    if (l.rfind("remote:", 0) == 0 || l.rfind("To ", 0) == 0 || l.rfind("From ", 0) == 0 ||
        l.rfind("hint:", 0) == 0 || l.rfind("warning:", 0) == 0 ||
        l.rfind("Warning: Permanently added", 0) == 0 || is_progress(l))
      continue;
    return redact_credentials(l);
  }
  return fmt::format("git exited with status {}", status);
}

namespace {

// Removes the fetch ref when it goes, whatever happens in between.
struct FetchRefGuard {
  Repo& repo;
  ~FetchRefGuard() {
    git_reference* ref = nullptr;
    if (git_reference_lookup(&ref, repo.get(), kFetchRef) == 0) {
      RefPtr owned(ref);
      git_reference_delete(ref);
    }
  }
};

// Fetches the remote branch with `git fetch` into kFetchRef; returns its commit, or nullopt when
// the remote has no such branch. Moves no other ref.
std::optional<git_oid> fetch(Repo& repo, const Target& t, const SyncOptions& opts) {
  if (opts.progress) opts.progress("fetching " + t.branch + " from " + t.label);
  std::vector<std::string> args{"fetch", "--no-tags", "--refmap=", "--no-write-fetch-head"};
  args.push_back(opts.transport ? "--progress" : "--quiet");
  args.push_back(t.arg);
  args.push_back("+" + t.branch + ":" + kFetchRef);
  GitRun r = run_git(repo, args, opts.transport);
  if (r.status != 0) {
    // A remote without the branch yet (a new shared repository) is no failure: push to it.
    GitRun ls = run_git(repo, {"ls-remote", "--exit-code", t.arg, t.branch}, nullptr);
    if (ls.status == 2) return std::nullopt;
    throw Error(
        Exit::conflict,
        fmt::format("cannot fetch from {}: {}", t.label, transport_failure(r.output, r.status)),
        "nothing was changed; try again when the remote is reachable");
  }
  git_oid id;
  git_check(git_reference_name_to_id(&id, repo.get(), kFetchRef), "read the fetched branch");
  return id;
}

// Pushes a commit to the remote branch with `git push` (so a local remote's receive-pack runs
// its hooks as a server's does); returns "" when done, else why not.
std::string push(Repo& repo, const Target& t, const git_oid& commit, const SyncOptions& opts) {
  if (opts.progress) opts.progress("pushing to " + t.label);
  std::vector<std::string> args{"push", "--no-follow-tags"};
  if (opts.transport) args.push_back("--progress");
  args.push_back(t.arg);
  args.push_back(oid_hex(commit) + ":" + t.branch);
  GitRun r = run_git(repo, args, opts.transport);
  return r.status == 0 ? "" : transport_failure(r.output, r.status);
}

bool descends(Repo& repo, const git_oid& a, const git_oid& b) {
  return oid_eq(a, b) || git_graph_descendant_of(repo.get(), &a, &b) == 1;
}

Author author_of(Desk& desk) {
  std::string name = "sdesk", email = "sdesk@localhost";
  if (desk.has_operator()) {
    const Staff& s = desk.op();
    name = s.name;
    email = s.email.empty() ? s.id + "@sdesk" : s.email;
  } else {
    if (auto n = desk.repo().config("user.name")) name = *n;
    if (auto e = desk.repo().config("user.email")) email = *e;
  }
  auto info = date::make_zoned(desk.zone(), desk.now()).get_info();
  return Author{name, email, desk.now(), static_cast<int>(info.offset.count() / 60), system_now()};
}

git_oid write_merge_commit(Desk& desk, const git_oid& tree_id, const git_oid& ours,
                           const git_oid& theirs, const std::string& message) {
  Author a = author_of(desk);

  return desk.repo().write_commit(tree_id, {ours, theirs}, a, message);
}

// Moves the local branch from `from` to `to` and brings the work tree and index along,
// through the journal, so that a kill at any point leaves a desk the next command repairs.
void apply_locally(Repo& repo, const git_oid& from, const git_oid& to) {
  if (oid_eq(from, to)) return;
  TreePtr before = repo.tree_of(from), after = repo.tree_of(to);
  git_diff* d = nullptr;
  git_diff_options o = GIT_DIFF_OPTIONS_INIT;
  git_check(git_diff_tree_to_tree(&d, repo.get(), before.get(), after.get(), &o), "diff trees");
  DiffPtr diff(d);
  std::vector<std::string> paths;
  for (size_t i = 0; i < git_diff_num_deltas(d); ++i) {
    const git_diff_delta* delta = git_diff_get_delta(d, i);
    paths.push_back(delta->status == GIT_DELTA_DELETED ? delta->old_file.path
                                                       : delta->new_file.path);
  }
  repo.advance(from, to, paths);
}

}  // namespace

SyncResult sync_desk(Desk& desk, const SyncOptions& opts) {
  auto lock = desk.lock();
  Repo& repo = desk.repo();
  auto edits = desk.hand_edits();
  if (!edits.empty())
    throw Error(
        Exit::conflict,
        fmt::format("uncommitted changes in the work tree: {}{}", edits[0],
                    edits.size() > 1 ? fmt::format(" (and {} more)", edits.size() - 1) : ""),
        "commit them with `sdesk commit` (or move them aside) before syncing");
  auto head = repo.head();
  if (!head) throw Error(Exit::conflict, "the desk has no commit yet");
  const git_oid ours = *head;
  Target target = pick_target(repo, opts.remote);
  FetchRefGuard fetched{repo};
  SyncResult res;
  res.remote = target.label;
  res.branch = target.branch;
  MergeStamp stamp;
  stamp.by = desk.has_operator() ? desk.op().id : "sdesk";
  stamp.at = desk.stamp(desk.now());
  stamp.event_id = [&desk] { return desk.ids().event_id(desk.now()); };
  stamp.object_id = [&desk](const std::string& p) {
    return desk.ids().object_id(p, desk.now(), desk.zone());
  };

  std::optional<git_oid> last_theirs;
  std::string last_refusal;
  for (int attempt = 1; attempt <= opts.attempts; ++attempt) {
    res.attempts = attempt;
    std::optional<git_oid> theirs = fetch(repo, target, opts);
    if (last_theirs && theirs && oid_eq(*last_theirs, *theirs))
      throw Error(Exit::conflict,
                  fmt::format("{} refused the push: {}", target.label, last_refusal),
                  "your changes are kept locally; nothing was lost");
    last_theirs = theirs;
    git_oid result = ours;
    res.merged.clear();
    res.renamed.clear();
    res.illegal.clear();
    if (!theirs || descends(repo, ours, *theirs)) {
      res.outcome = theirs && oid_eq(ours, *theirs) ? "up-to-date" : "pushed";
    } else if (descends(repo, *theirs, ours)) {
      result = *theirs;
      res.outcome = "fast-forward";
    } else {
      git_oid base_id;
      TreePtr base;
      int rc = git_merge_base(&base_id, repo.get(), &ours, &*theirs);
      if (rc == 0)
        base = repo.tree_of(base_id);
      else if (rc != GIT_ENOTFOUND)
        git_check(rc, "find merge base");
      TreePtr our_tree = repo.tree_of(ours), their_tree = repo.tree_of(*theirs);
      if (opts.progress) opts.progress("merging desk objects event by event");
      TreeMerge m = merge_trees(repo, base.get(), our_tree.get(), their_tree.get(), stamp);
      if (!m.conflicts.empty()) {
        std::string list;
        for (const auto& p : m.conflicts) list += (list.empty() ? "" : ", ") + p;
        throw Error(
            Exit::conflict, fmt::format("cannot merge {}: text conflict in {}", target.label, list),
            "nothing was changed; resolve it by hand with `git pull` and commit, then sync");
      }
      res.merged = m.merged;
      res.renamed = m.renamed;
      res.illegal = m.illegal;
      std::string summary =
          fmt::format("merge {} from {} ({} object{} merged)", target.branch.substr(11),
                      target.label, m.merged.size(), m.merged.size() == 1 ? "" : "s");
      std::vector<std::string> also;
      for (const auto& [old_id, new_id] : m.renamed) also.push_back(new_id);
      result = write_merge_commit(desk, m.tree, ours, *theirs,
                                  commit_message("desk", "sync", summary, also));
      res.outcome = "merged";
    }
    if (!theirs || !oid_eq(result, *theirs)) {
      std::string why = push(repo, target, result, opts);
      if (!why.empty()) {
        last_refusal = why;
        continue;  // the remote moved meanwhile (or refused): fetch again and see
      }
      res.pushed = true;
    }
    apply_locally(repo, ours, result);
    if (!target.tracking.empty()) {
      git_reference* ref = nullptr;
      git_reference_create(&ref, repo.get(), target.tracking.c_str(), &result, 1, "sdesk sync");
      RefPtr owned(ref);  // null when it could not be made: a tracking ref is only a convenience
    }
    res.head = oid_hex(result);
    return res;
  }
  throw Error(Exit::conflict,
              fmt::format("{} kept moving; gave up after {} attempts ({})", target.label,
                          opts.attempts, last_refusal),
              "nothing was lost; run `sdesk sync` again");
}

}  // namespace sdesk
