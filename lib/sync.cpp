#include "lib/sync.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "lib/error.hpp"
#include "lib/merge.hpp"

extern char** environ;

namespace sdesk {

namespace {

using ObjectPtr = GitPtr<git_object, git_object_free>;

// Where a sync goes: the remote, the branch on it, and the tracking ref that mirrors it.
struct Target {
  RemotePtr remote;
  std::string label;     // name or URL, for messages
  std::string branch;    // refs/heads/<name> on the remote
  std::string tracking;  // refs/remotes/<remote>/<name>, or "" for an anonymous remote
};

// Shared by the libgit2 callbacks of one fetch or push.
struct Callbacks {
  const SyncOptions* opts = nullptr;
  std::string rejected;  // a ref the remote refused, with its reason
  unsigned last_percent = 101;
};

std::string last_git_error() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "failed";
}

int on_transfer(const git_indexer_progress* p, void* payload) {
  auto* cb = static_cast<Callbacks*>(payload);
  if (!cb->opts->progress || p->total_objects == 0) return 0;
  unsigned percent = 100 * p->received_objects / p->total_objects;
  if (percent == cb->last_percent) return 0;
  cb->last_percent = percent;
  cb->opts->progress(fmt::format("receiving objects: {}% ({}/{})", percent, p->received_objects,
                                 p->total_objects));
  return 0;
}

int on_push_update(const char* ref, const char* status, void* payload) {
  auto* cb = static_cast<Callbacks*>(payload);
  if (status) cb->rejected = fmt::format("{}: {}", ref, status);
  return 0;
}

Target pick_target(Repo& repo, const std::string& arg) {
  std::string local = repo.head_branch();
  if (local.rfind("refs/heads/", 0) != 0)
    throw Error(Exit::conflict, "HEAD is detached: sync needs a branch",
                "check out the desk's branch first");
  std::string short_name = local.substr(11);
  auto upstream = repo.config("branch." + short_name + ".remote");
  std::string name = !arg.empty() ? arg : upstream ? *upstream : "origin";
  Target t;
  t.label = name;
  t.branch = local;
  git_remote* r = nullptr;
  if (git_remote_lookup(&r, repo.get(), name.c_str()) == 0) {
    t.remote.reset(r);
    if (upstream && *upstream == name)
      if (auto merge = repo.config("branch." + short_name + ".merge")) t.branch = *merge;
    t.tracking = "refs/remotes/" + name + "/" + t.branch.substr(11);
    return t;
  }
  if (arg.empty())
    throw Error(Exit::conflict, fmt::format("no remote '{}' to sync with", name),
                "add one with `git remote add origin URL`, or name one: `sdesk sync URL`");
  if (git_remote_create_anonymous(&r, repo.get(), name.c_str()) < 0)
    throw Error(Exit::conflict, fmt::format("'{}' is not a remote: {}", name, last_git_error()));
  t.remote.reset(r);
  return t;
}

// Fetches the remote branch; returns its commit, or nullopt when the remote has no such branch.
std::optional<git_oid> fetch(Target& t, const SyncOptions& opts) {
  Callbacks cb;
  cb.opts = &opts;
  git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
  fo.callbacks.transfer_progress = on_transfer;
  fo.callbacks.payload = &cb;
  fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  std::string spec = t.tracking.empty() ? t.branch : "+" + t.branch + ":" + t.tracking;
  char* specs[] = {spec.data()};
  git_strarray arr{specs, 1};
  if (opts.progress) opts.progress("fetching " + t.branch + " from " + t.label);
  if (git_remote_fetch(t.remote.get(), &arr, &fo, "sdesk sync: fetch") < 0)
    throw Error(Exit::conflict, fmt::format("cannot fetch from {}: {}", t.label, last_git_error()),
                "nothing was changed; try again when the remote is reachable");
  const git_remote_head** heads = nullptr;
  size_t n = 0;
  git_check(git_remote_ls(&heads, &n, t.remote.get()), "list remote refs");
  for (size_t i = 0; i < n; ++i)
    if (t.branch == heads[i]->name) return heads[i]->oid;
  return std::nullopt;
}

// Whether libgit2 would reach url through its local transport (a file:// URL or a directory),
// which never runs the remote's hooks.
bool is_local_url(const std::string& url) {
  if (url.rfind("file://", 0) == 0) return true;
  if (url.find("://") != std::string::npos) return false;
  std::error_code ec;
  return std::filesystem::is_directory(url, ec);
}

// What a child process printed (stdout and stderr together) and how it ended.
struct ChildRun {
  int status = -1;  // exit status, or 128 + signal
  std::string output;
};

// Variables that name a repository, an index or an object store; a surrounding git hook sets
// them for its own repository, and they must not steer a git run for the desk.
bool is_repo_local_var(const char* entry) {
  static const char* const names[] = {"GIT_DIR",
                                      "GIT_WORK_TREE",
                                      "GIT_INDEX_FILE",
                                      "GIT_OBJECT_DIRECTORY",
                                      "GIT_ALTERNATE_OBJECT_DIRECTORIES",
                                      "GIT_QUARANTINE_PATH",
                                      "GIT_COMMON_DIR",
                                      "GIT_PREFIX",
                                      "GIT_IMPLICIT_WORK_TREE",
                                      "GIT_SHALLOW_FILE",
                                      "GIT_GRAFT_FILE"};
  for (const char* n : names) {
    size_t len = std::strlen(n);
    if (std::strncmp(entry, n, len) == 0 && entry[len] == '=') return true;
  }
  return false;
}

// Runs argv[0] (found on PATH) without a shell, stdin from /dev/null, stdout and stderr captured;
// the environment passes through except the repository-local git variables.
ChildRun run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; e && *e; ++e)
    if (!is_repo_local_var(*e)) envp.push_back(*e);
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw Error(Exit::internal, fmt::format("cannot make a pipe: {}", std::strerror(errno)));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw Error(Exit::conflict, fmt::format("cannot run {}: {}", args[0], std::strerror(rc)),
                "nothing was changed; install git or sync through a git:// remote");
  }
  ChildRun out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.output.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The most telling line of a failed `git push`: the remote's own first line (a hook's
// finding), else the ref's rejection, else git's error.
std::string push_failure(const std::string& output, int status) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < output.size()) {
    size_t nl = output.find('\n', at);
    if (nl == std::string::npos) nl = output.size();
    std::string line = trim(output.substr(at, nl - at));
    at = nl + 1;
    // Progress redraws a line with \r; keep what it ended as.
    if (auto cr = line.rfind('\r'); cr != std::string::npos) line = trim(line.substr(cr + 1));
    lines.push_back(line);
  }
  for (const auto& l : lines)
    if (l.rfind("remote:", 0) == 0 && !trim(l.substr(7)).empty()) return trim(l.substr(7));
  for (const auto& l : lines)
    if (l.rfind("! ", 0) == 0) return l;
  for (const auto& l : lines)
    if (l.rfind("error:", 0) == 0 || l.rfind("fatal:", 0) == 0) return l;
  return fmt::format("git push exited with status {}", status);
}

// Pushes a commit to a local remote with the `git` command, so that the remote's
// receive-pack runs its hooks; returns "" when done, else why not.
std::string push_with_git(Repo& repo, Target& t, const std::string& url, const git_oid& commit,
                          const SyncOptions& opts) {
  std::string where = url;
  if (url.rfind("file://", 0) != 0) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(url, ec);
    if (!ec) where = abs.string();
  }
  if (opts.progress) opts.progress("pushing to " + t.label + " with git");
  ChildRun r = run_child({"git", "--git-dir=" + repo.gitdir().string(), "push", where,
                          oid_hex(commit) + ":" + t.branch});
  return r.status == 0 ? "" : push_failure(r.output, r.status);
}

// Pushes a commit to the remote branch; returns "" when done, else why not.
std::string push(Repo& repo, Target& t, const git_oid& commit, const SyncOptions& opts) {
  const char* url = git_remote_pushurl(t.remote.get());
  if (!url) url = git_remote_url(t.remote.get());
  if (url && is_local_url(url)) return push_with_git(repo, t, url, commit, opts);
  const char* temp = "refs/sdesk/sync";
  git_reference* ref = nullptr;
  git_check(git_reference_create(&ref, repo.get(), temp, &commit, 1, "sdesk sync: push"),
            "write temporary ref");
  RefPtr rp(ref);
  Callbacks cb;
  cb.opts = &opts;
  git_push_options po = GIT_PUSH_OPTIONS_INIT;
  po.callbacks.push_update_reference = on_push_update;
  po.callbacks.payload = &cb;
  std::string spec = temp;
  spec += ":";
  spec += t.branch;
  char* specs[] = {spec.data()};
  git_strarray arr{specs, 1};
  if (opts.progress) opts.progress("pushing to " + t.label);
  int rc = git_remote_push(t.remote.get(), &arr, &po);
  std::string why = rc < 0 ? last_git_error() : cb.rejected;
  git_reference_delete(ref);
  return why;
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
    std::optional<git_oid> theirs = fetch(target, opts);
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
      if (git_reference_create(&ref, repo.get(), target.tracking.c_str(), &result, 1,
                               "sdesk sync") == 0)
        git_reference_free(ref);
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
