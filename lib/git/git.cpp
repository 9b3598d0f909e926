#include "lib/git/git.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "lib/util/crash.hpp"
#include "lib/util/error.hpp"
#include "lib/util/process.hpp"

namespace sdesk {

namespace fs = std::filesystem;

void git_library_init() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

void git_check(int rc, const char* what) {
  if (rc >= 0) return;
  const git_error* e = git_error_last();
  throw Error(Exit::internal,
              fmt::format("git: {}: {}", what, e && e->message ? e->message : "failed"));
}

std::string oid_hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

bool oid_eq(const git_oid& a, const git_oid& b) {
  return git_oid_cmp(&a, &b) == 0;
}

Repo Repo::discover(const fs::path& dir) {
  git_library_init();
  GitBuf buf;
  if (git_repository_discover(&buf.value, dir.c_str(), 0, nullptr) < 0) {
    throw Error(Exit::not_found, fmt::format("no desk found at {} or its parents", dir.string()),
                "create one with `sdesk init DIR`, or name one with -C DIR");
  }
  return open(buf_text(buf.value));
}

Repo Repo::open(const fs::path& dir) {
  git_library_init();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) {
    throw Error(Exit::not_found, fmt::format("no desk at {}", dir.string()));
  }
  return Repo(r);
}

Repo Repo::init(const fs::path& dir) {
  git_library_init();
  std::string branch = "main";
  {
    git_config* c = nullptr;
    if (git_config_open_default(&c) == 0) {
      ConfigPtr cfg(c);
      GitBuf b;
      if (git_config_get_string_buf(&b.value, cfg.get(), "init.defaultBranch") == 0 &&
          b.value.size > 0)
        branch = buf_text(b.value);
    }
  }
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  opts.initial_head = branch.c_str();
  git_repository* r = nullptr;
  git_check(git_repository_init_ext(&r, dir.c_str(), &opts), "init");
  return Repo(r);
}

fs::path Repo::workdir() const {
  const char* w = git_repository_workdir(repo_.get());
  return w ? fs::path(w) : fs::path();
}

fs::path Repo::gitdir() const {
  return fs::path(git_repository_path(repo_.get()));
}

bool Repo::bare() const {
  return git_repository_is_bare(repo_.get());
}

std::string Repo::head_branch() const {
  git_reference* ref = nullptr;
  git_check(git_reference_lookup(&ref, repo_.get(), "HEAD"), "read HEAD");
  RefPtr head(ref);
  if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC) return git_reference_symbolic_target(ref);
  return "HEAD";
}

std::optional<git_oid> Repo::head() const {
  git_oid id;
  int rc = git_reference_name_to_id(&id, repo_.get(), "HEAD");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return std::nullopt;
  git_check(rc, "resolve HEAD");
  return id;
}

TreePtr Repo::tree_of(const git_oid& commit) const {
  git_commit* c = nullptr;
  git_check(git_commit_lookup(&c, repo_.get(), &commit), "look up commit");
  CommitPtr cp(c);
  git_tree* t = nullptr;
  git_check(git_commit_tree(&t, c), "read commit tree");
  return TreePtr(t);
}

TreePtr Repo::head_tree() const {
  auto h = head();
  if (!h) return nullptr;
  return tree_of(*h);
}

std::string Repo::blob_text(const git_oid& id) const {
  git_blob* b = nullptr;
  git_check(git_blob_lookup(&b, repo_.get(), &id), "read blob");
  BlobPtr bp(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)),
                     static_cast<size_t>(git_blob_rawsize(b)));
}

std::optional<git_oid> Repo::blob_at(git_tree* tree, const std::string& path) const {
  if (!tree) return std::nullopt;
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree, path.c_str()) < 0) return std::nullopt;
  EntryPtr ep(e);
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return std::nullopt;
  return *git_tree_entry_id(e);
}

std::optional<std::string> Repo::read_at(git_tree* tree, const std::string& path) const {
  auto id = blob_at(tree, path);
  if (!id) return std::nullopt;
  return blob_text(*id);
}

namespace {
void walk_tree(git_repository* repo, git_tree* tree, const std::string& prefix,
               const std::function<void(const std::string&, const git_oid&)>& f) {
  size_t n = git_tree_entrycount(tree);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    std::string path = prefix + git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      git_tree* sub = nullptr;
      git_check(git_tree_lookup(&sub, repo, git_tree_entry_id(e)), "read tree");
      TreePtr sp(sub);
      walk_tree(repo, sub, path + "/", f);
    } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
      f(path, *git_tree_entry_id(e));
    }
  }
}
}  // namespace

void Repo::walk(git_tree* tree, const std::string& dir,
                const std::function<void(const std::string&, const git_oid&)>& f) const {
  if (!tree) return;
  if (dir.empty()) return walk_tree(repo_.get(), tree, "", f);
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree, dir.c_str()) < 0) return;
  EntryPtr ep(e);
  if (git_tree_entry_type(e) != GIT_OBJECT_TREE) return;
  git_tree* sub = nullptr;
  git_check(git_tree_lookup(&sub, repo_.get(), git_tree_entry_id(e)), "read tree");
  TreePtr sp(sub);
  walk_tree(repo_.get(), sub, dir + "/", f);
}

namespace {
TreePtr empty_tree(git_repository* repo) {
  git_treebuilder* b = nullptr;
  git_check(git_treebuilder_new(&b, repo, nullptr), "tree builder");
  BuilderPtr builder(b);
  git_oid id;
  git_check(git_treebuilder_write(&id, b), "write empty tree");
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, repo, &id), "read empty tree");
  return TreePtr(t);
}

// Writes bytes to a work tree file through a temporary file and a rename.
void write_file_atomic(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  fs::path tmp = path;
  tmp += ".sdesk-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) internal_error("cannot write {}", path.string());
  }
  fs::rename(tmp, path);
}
}  // namespace

git_oid Repo::write_commit(const git_oid& tree_id, const std::vector<git_oid>& parent_ids,
                           const Author& a, const std::string& message) {
  git_repository* r = repo_.get();
  git_signature* s = nullptr;
  git_check(git_signature_new(&s, a.name.c_str(), a.email.c_str(),
                              a.when.time_since_epoch().count(), a.offset_minutes),
            "make signature");
  SigPtr author(s);
  // The committer time is the system clock, so that git itself tells an entry made with a
  // back-dated SDESK_NOW (author time) from when it was really recorded.
  Time recorded = a.recorded == Time{} ? a.when : a.recorded;
  git_check(git_signature_new(&s, a.name.c_str(), a.email.c_str(),
                              recorded.time_since_epoch().count(), a.offset_minutes),
            "make signature");
  SigPtr committer(s);
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, r, &tree_id), "read new tree");
  TreePtr tree(t);
  std::vector<CommitPtr> parents;
  std::vector<const git_commit*> raw;
  for (const auto& p : parent_ids) {
    git_commit* c = nullptr;
    git_check(git_commit_lookup(&c, r, &p), "read parent");
    parents.emplace_back(c);
    raw.push_back(c);
  }
  git_oid id;
  if (config("sdesk.sign").value_or("") != "true") {
    git_check(git_commit_create(&id, r, nullptr, author.get(), committer.get(), nullptr,
                                message.c_str(), tree.get(), raw.size(), raw.data()),
              "write commit");
    return id;
  }
  // `sdesk config sign true`: an SSH signature (git's gpg.format=ssh) by user.signingkey.
  GitBuf buf;
  git_check(git_commit_create_buffer(&buf.value, r, author.get(), committer.get(), nullptr,
                                     message.c_str(), tree.get(), raw.size(), raw.data()),
            "write commit");
  std::string content = buf_text(buf.value);
  std::string signature = ssh_sign(content);
  git_check(git_commit_create_with_signature(&id, r, content.c_str(), signature.c_str(), "gpgsig"),
            "write signed commit");
  return id;
}

std::string Repo::ssh_sign(const std::string& content) const {
  std::string key = config("user.signingkey").value_or("");
  if (key.empty())
    refuse("this clone signs its commits (sdesk.sign) but git's user.signingkey is not set");
  if (key.rfind("key::", 0) == 0)
    refuse("user.signingkey: give the path of a key file, not a literal key");
  if (key.rfind("~/", 0) == 0)
    if (const char* home = std::getenv("HOME")) key = std::string(home) + key.substr(1);
  ProcessOptions how;
  how.input = content;
  ProcessResult p = run_process({"ssh-keygen", "-Y", "sign", "-n", "git", "-f", key}, how);
  if (p.status != 0 || p.out.find("-----BEGIN SSH SIGNATURE-----") == std::string::npos) {
    std::string why = p.err.substr(0, p.err.find('\n'));
    throw Error(Exit::refused, fmt::format("cannot sign the commit with {}: {}", key,
                                           why.empty() ? "ssh-keygen failed" : why));
  }
  return p.out;
}

bool Repo::move_branch(const git_oid& to, const std::optional<git_oid>& expected, const char* why) {
  std::string branch = head_branch();
  git_reference* ref = nullptr;
  int rc = expected ? git_reference_create_matching(&ref, repo_.get(), branch.c_str(), &to, 1,
                                                    &*expected, why)
                    : git_reference_create(&ref, repo_.get(), branch.c_str(), &to, 0, why);
  RefPtr rp(ref);
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED) return false;
  git_check(rc, "move branch");
  return true;
}

std::optional<git_oid> Repo::commit_tree(const git_oid& tree_id,
                                         const std::vector<git_oid>& parent_ids, const Author& a,
                                         const std::string& message,
                                         const std::optional<git_oid>& expected) {
  git_oid id = write_commit(tree_id, parent_ids, a, message);
  if (!move_branch(id, expected)) return std::nullopt;
  return id;
}

namespace {
fs::path journal_file(const Repo& repo) {
  return repo.gitdir() / "sdesk" / "journal";
}

void write_journal(const Repo& repo, const Journal& j) {
  std::string text = "from " + (j.from ? oid_hex(*j.from) : std::string("-")) + "\n";
  text += "to " + oid_hex(j.to) + "\n";
  for (const auto& p : j.paths) text += "path " + p + "\n";
  fs::create_directories(journal_file(repo).parent_path());
  write_file_atomic(journal_file(repo), text);
}

std::optional<Journal> read_journal(const Repo& repo) {
  std::ifstream in(journal_file(repo));
  if (!in) return std::nullopt;
  Journal j;
  std::string line;
  bool have_to = false;
  while (std::getline(in, line)) {
    auto sp = line.find(' ');
    if (sp == std::string::npos) continue;
    std::string key = line.substr(0, sp), value = line.substr(sp + 1);
    git_oid id;
    if (key == "from" && value != "-" && git_oid_fromstr(&id, value.c_str()) == 0) j.from = id;
    if (key == "to" && git_oid_fromstr(&id, value.c_str()) == 0) j.to = id, have_to = true;
    if (key == "path" && !value.empty()) j.paths.push_back(value);
  }
  if (!have_to) return Journal{};  // torn before it named its commit: nothing moved
  return j;
}
}  // namespace

void Repo::advance(const std::optional<git_oid>& from, const git_oid& to,
                   const std::vector<std::string>& paths) {
  if (!bare()) write_journal(*this, Journal{from, to, paths});
  crash_point("journal");
  if (!move_branch(to, from)) {
    std::error_code ec;
    fs::remove(journal_file(*this), ec);
    throw LostRace();
  }
  crash_point("ref");
  if (bare()) return;
  checkout_paths(paths);
  std::error_code ec;
  fs::remove(journal_file(*this), ec);
  crash_point("done");
}

git_oid Repo::commit(const std::vector<FileChange>& changes, const Author& author,
                     const std::string& message) {
  git_repository* r = repo_.get();
  // The index follows the branch: refuse up front while a live git process holds it (stale
  // locks were cleared when the desk lock was taken), waiting up to 3 s like the desk lock.
  std::error_code ec;
  for (int i = 0; !bare() && fs::exists(gitdir() / "index.lock", ec); ++i) {
    if (i == 30)
      throw Error(Exit::conflict, "another git process holds the index (.git/index.lock exists)",
                  "wait for it to finish; nothing was written");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::vector<git_oid> blobs(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].content)
      git_check(git_blob_create_from_buffer(&blobs[i], r, changes[i].content->data(),
                                            changes[i].content->size()),
                "write blob");
  }
  auto expected = head();
  TreePtr base = expected ? tree_of(*expected) : empty_tree(r);
  std::vector<git_tree_update> updates(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    updates[i].action = changes[i].content ? GIT_TREE_UPDATE_UPSERT : GIT_TREE_UPDATE_REMOVE;
    updates[i].id = blobs[i];
    updates[i].filemode = GIT_FILEMODE_BLOB;
    updates[i].path = changes[i].path.c_str();
  }
  git_oid tree_id;
  git_check(git_tree_create_updated(&tree_id, r, base.get(), updates.size(), updates.data()),
            "build tree");
  std::vector<git_oid> parents;
  if (expected) parents.push_back(*expected);
  git_oid id = write_commit(tree_id, parents, author, message);
  crash_point("objects");
  std::vector<std::string> paths;
  for (const auto& c : changes) paths.push_back(c.path);
  advance(expected, id, paths);
  return id;
}

void Repo::checkout_paths(const std::vector<std::string>& paths) {
  TreePtr tree = head_tree();
  git_index* idx = nullptr;
  git_check(git_repository_index(&idx, repo_.get()), "open index");
  IndexPtr index(idx);
  git_check(git_index_read(idx, 0), "read index");
  for (const auto& p : paths) {
    fs::path file = workdir() / p;
    auto content = read_at(tree.get(), p);
    if (content) {
      write_file_atomic(file, *content);
      git_check(git_index_add_bypath(idx, p.c_str()), "update index");
    } else {
      std::error_code ec;
      fs::remove(file, ec);
      for (fs::path d = file.parent_path(); d != workdir() && fs::is_empty(d, ec);
           d = d.parent_path())
        fs::remove(d, ec);
      int rc = git_index_remove_bypath(idx, p.c_str());
      if (rc != GIT_ENOTFOUND) git_check(rc, "update index");
    }
  }
  crash_point("worktree");
  // A git process may hold .git/index.lock for a moment (a prompt's `git status`): the commit
  // already stands, so wait for the index rather than leave it behind HEAD.
  int rc = git_index_write(idx);
  for (int i = 0; rc == GIT_ELOCKED && i < 30; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rc = git_index_write(idx);
  }
  git_check(rc, "write index");
  crash_point("index");
}

namespace {
// Whether any process has the file open (read from /proc; processes we may not read count as
// not holding it).
bool held_open(const fs::path& file) {
  std::error_code ec;
  fs::path want = fs::weakly_canonical(file, ec);
  DIR* proc = ::opendir("/proc");
  if (!proc) return false;
  bool held = false;
  while (dirent* d = ::readdir(proc)) {
    if (held) break;
    if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
    std::string fds = std::string("/proc/") + d->d_name + "/fd";
    DIR* fd = ::opendir(fds.c_str());
    if (!fd) continue;
    while (dirent* f = ::readdir(fd)) {
      if (f->d_name[0] == '.') continue;
      char buf[4096];
      std::string link = fds + "/" + f->d_name;
      ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
      if (n > 0 && std::string(buf, static_cast<size_t>(n)) == want.string()) {
        held = true;
        break;
      }
    }
    ::closedir(fd);
  }
  ::closedir(proc);
  return held;
}

// sdesk's gc.auto: about this many loose objects start a pack.
constexpr int kPackLoose = 1000;
// sdesk's gc.autoPackLimit: past this many packs, gc --auto repacks them into one.
constexpr int kPackLimit = 8;
}  // namespace

bool Repo::pack_when_due() const {
  // git's own threshold (gc.auto 6700) leaves .git at about five times its packed size; sdesk
  // packs sooner unless the desk's config names a gc.auto of its own.
  int limit = kPackLoose;
  if (auto v = config("gc.auto")) limit = std::atoi(v->c_str());
  if (limit <= 0) return false;
  // git's estimate: the loose objects in objects/17 against gc.auto / 256, rounded up.
  int n = 0;
  if (DIR* d = ::opendir((gitdir() / "objects" / "17").c_str())) {
    while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
    ::closedir(d);
  }
  if (n <= (limit + 255) / 256) return false;
  // git gc --auto with sdesk's threshold; each pack it makes holds only the loose objects of
  // the moment, so past kPackLimit packs it repacks them into one (git's own limit is 50).
  // Detached always: a command never waits for a pack.
  std::vector<std::string> args = {"git", "-c", "gc.auto=" + std::to_string(limit), "-c",
                                   "gc.autoDetach=true"};
  if (!config("gc.autoPackLimit"))
    args.insert(args.end(), {"-c", "gc.autoPackLimit=" + std::to_string(kPackLimit)});
  args.insert(args.end(), {"--git-dir", gitdir().string(), "gc", "--auto", "--quiet"});
  // git detaches the pack itself (gc.autoDetach), so this returns at once.
  ProcessOptions how;
  how.discard_output = true;
  return run_process(args, how).status >= 0;
}

bool Repo::left_behind() const {
  std::error_code ec;
  fs::path g = gitdir();
  for (const char* f : {"sdesk/journal", "index.lock", "HEAD.lock", "packed-refs.lock"})
    if (fs::exists(g / f, ec)) return true;
  std::string branch = head_branch();
  if (branch.rfind("refs/", 0) == 0 && fs::exists(g / (branch + ".lock"), ec)) return true;
  // A killed fetch's remote-tracking lock (checked only where remotes exist).
  for (auto it = fs::recursive_directory_iterator(g / "refs" / "remotes", ec);
       !ec && it != fs::end(it); it.increment(ec))
    if (it->path().extension() == ".lock") return true;
  return false;
}

std::vector<std::string> Repo::clear_stale_locks() {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const char* name : {"index.lock", "HEAD.lock", "packed-refs.lock", "config.lock"})
    if (fs::exists(gitdir() / name, ec)) found.push_back(gitdir() / name);
  // Every reference's lock: branches, tags, remote-tracking refs (a killed fetch leaves one).
  for (auto it = fs::recursive_directory_iterator(gitdir() / "refs", ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() == ".lock") found.push_back(p);
  }
  std::vector<std::string> removed;
  if (found.empty()) return removed;
  // A live git holds its lock file open until it renames it; between closing and renaming it
  // is a few microseconds, so a lock nobody holds open that is still there a moment later was
  // left by a process that is gone.
  std::vector<fs::path> candidates;
  for (const auto& f : found)
    if (!held_open(f)) candidates.push_back(f);
  if (candidates.empty()) return removed;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (const auto& f : candidates) {
    if (!fs::exists(f, ec) || held_open(f)) continue;
    if (fs::remove(f, ec)) removed.push_back(".git/" + fs::relative(f, gitdir(), ec).string());
  }
  return removed;
}

std::vector<std::string> Repo::recover_journal() {
  auto j = read_journal(*this);
  if (!j) return {};
  std::vector<std::string> notes;
  auto h = head();
  TreePtr tree = head_tree();
  TreePtr from = j->from ? tree_of(*j->from) : nullptr;
  TreePtr to;
  git_commit* c = nullptr;
  if (!oid_eq(j->to, git_oid{}) && git_commit_lookup(&c, repo_.get(), &j->to) == 0) {
    CommitPtr cp(c);
    to = tree_of(j->to);
  }
  std::vector<std::string> behind;
  for (const auto& p : j->paths) {
    // The file is sdesk's when it is absent or holds the version before, after or at HEAD:
    // anything else is a person's edit, kept as it is.
    auto work = hash_workfile(p);
    bool ours = !work;
    for (git_tree* t : {tree.get(), from.get(), to.get()}) {
      auto b = t ? blob_at(t, p) : std::nullopt;
      ours = ours || (b && oid_eq(*b, *work));
    }
    std::error_code ec;
    fs::path tmp = workdir() / p;
    tmp += ".sdesk-tmp";
    fs::remove(tmp, ec);
    if (ours)
      behind.push_back(p);
    else
      notes.push_back(fmt::format("kept the hand edit of {}", p));
  }
  if (!behind.empty() && tree) checkout_paths(behind);
  bool moved = h && oid_eq(*h, j->to);
  notes.insert(notes.begin(),
               moved ? fmt::format("finished an interrupted change (commit {}): {} file(s) "
                                   "brought up to HEAD",
                                   oid_hex(j->to).substr(0, 10), behind.size())
                     : fmt::format("undid an interrupted change that never moved the branch "
                                   "({} file(s) checked)",
                                   behind.size()));
  std::error_code ec;
  fs::remove(journal_file(*this), ec);
  return notes;
}

std::vector<std::string> Repo::catch_up_worktree(const std::vector<std::string>& dirs) {
  std::vector<std::string> fixed;
  auto h = head();
  if (!h || bare()) return fixed;
  git_status_options o = GIT_STATUS_OPTIONS_INIT;
  o.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  o.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* raw = nullptr;
  git_check(git_status_list_new(&raw, repo_.get(), &o), "status");
  GitPtr<git_status_list, git_status_list_free> list(raw);
  TreePtr tree = head_tree();
  // The versions of each path in the last commits: a file that holds one of them and that the
  // index agrees with was left behind by an interrupted write, not edited by a person.
  std::vector<std::string> candidates;
  size_t n = git_status_list_entrycount(raw);
  for (size_t i = 0; i < n; ++i) {
    const git_status_entry* e = git_status_byindex(raw, i);
    const git_diff_delta* d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
    if (!d) continue;
    std::string p = d->new_file.path ? d->new_file.path : d->old_file.path;
    bool in_dirs = false;
    for (const auto& dir : dirs) in_dirs = in_dirs || p == dir || p.rfind(dir + "/", 0) == 0;
    if (in_dirs) candidates.push_back(p);
  }
  if (candidates.empty()) return fixed;
  std::vector<git_oid> recent;
  {
    git_revwalk* w = nullptr;
    git_check(git_revwalk_new(&w, repo_.get()), "walk history");
    WalkPtr walk(w);
    git_revwalk_push(w, &*h);
    git_oid c;
    for (int k = 0; k < 50 && git_revwalk_next(&c, w) == 0; ++k) recent.push_back(c);
  }
  for (const auto& p : candidates) {
    auto work = hash_workfile(p);
    auto head_blob = blob_at(tree.get(), p);
    bool older = false;
    for (size_t k = 1; k < recent.size() && !older; ++k) {
      TreePtr t = tree_of(recent[k]);
      auto b = blob_at(t.get(), p);
      older = work ? (b && oid_eq(*b, *work)) : !b;
    }
    bool index_only = work && head_blob && oid_eq(*work, *head_blob);
    if (older || index_only) fixed.push_back(p);
  }
  if (!fixed.empty()) checkout_paths(fixed);
  return fixed;
}

std::optional<git_oid> Repo::hash_workfile(const std::string& path) const {
  fs::path file = workdir() / path;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  git_oid id;
  git_check(git_odb_hashfile(&id, file.c_str(), GIT_OBJECT_BLOB), "hash file");
  return id;
}

std::optional<std::string> Repo::config(const std::string& key) const {
  git_config* c = nullptr;
  git_check(git_repository_config_snapshot(&c, repo_.get()), "read config");
  ConfigPtr cfg(c);
  const char* v = nullptr;
  if (git_config_get_string(&v, c, key.c_str()) < 0) return std::nullopt;
  return std::string(v);
}

void Repo::set_config(const std::string& key, const std::string& value) {
  git_config* c = nullptr;
  git_check(git_repository_config(&c, repo_.get()), "open config");
  ConfigPtr cfg(c);
  git_config* local = nullptr;
  git_check(git_config_open_level(&local, c, GIT_CONFIG_LEVEL_LOCAL), "open local config");
  ConfigPtr lp(local);
  git_check(git_config_set_string(local, key.c_str(), value.c_str()), "write config");
}

}  // namespace sdesk
