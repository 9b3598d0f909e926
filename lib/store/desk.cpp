#include "lib/store/desk.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "lib/store/driver.hpp"
#include "lib/util/crash.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace fs = std::filesystem;

LockFile::LockFile(const fs::path& file, std::chrono::milliseconds wait) {
  fs::create_directories(file.parent_path());
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) internal_error("cannot open {}: {}", file.string(), strerror(errno));
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int e = errno;
      ::close(fd_);
      internal_error("cannot lock {}: {}", file.string(), strerror(e));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      char buf[32] = {0};
      ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      long owner = n > 0 ? std::atol(buf) : 0;
      ::close(fd_);
      throw Error(Exit::conflict,
                  owner > 0 ? fmt::format("another sdesk (pid {}) holds the desk lock {}", owner,
                                          file.string())
                            : fmt::format("another sdesk holds the desk lock {}", file.string()),
                  "wait for it to finish; nothing was written");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    ssize_t ignored = ::pwrite(fd_, pid.data(), pid.size(), 0);
    (void)ignored;
  }
  crash_point("locked");
}

LockFile::~LockFile() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

Desk Desk::open(const DeskOptions& opts) {
  fs::path dir = opts.dir;
  if (dir.empty()) {
    const char* env = std::getenv("SDESK_DIR");
    dir = env && *env ? fs::path(env) : fs::current_path();
  }
  std::error_code ec;
  if (!fs::exists(dir, ec)) not_found("no desk at {}: no such directory", dir.string());
  Desk d;
  d.repo_ = std::make_unique<Repo>(Repo::discover(dir));
  if (d.repo_->bare() && !opts.bare_ok)
    not_found("{} is a bare repository, not a desk with a work tree", dir.string());
  try {
    ensure_merge_driver(*d.repo_);  // a plain `git clone` merges event by event from now on
  } catch (const Error&) {
  }
  d.as_ = opts.as;
  if (d.as_.empty())
    if (const char* env = std::getenv("SDESK_USER"); env && *env) d.as_ = env;
  d.notice_ = opts.notice;
  // What an interrupted command left is repaired before anything is read (a live writer's
  // journal is left to it: the lock is taken first).
  if (d.repo_->left_behind()) {
    try {
      d.lock();
    } catch (const Error& e) {
      if (e.code() != Exit::conflict) throw;  // a live writer holds it: its journal is its own
    }
  }
  d.load();
  return d;
}

Desk Desk::create(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  if (fs::exists(dir / ".git", ec) || fs::exists(dir / "desk.yaml", ec))
    refuse("{} is already a desk or a git repository", dir.string());
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    refuse("{} exists and is not empty", dir.string());
  Desk d;
  d.repo_ = std::make_unique<Repo>(Repo::init(dir));
  ensure_merge_driver(*d.repo_);
  d.now_ = sdesk::now();
  d.settings_ = load_settings(default_desk_yaml(name));
  d.ids_ = IdClock(d.repo_->gitdir());
  return d;
}

void Desk::load() {
  now_ = sdesk::now();
  ids_ = IdClock(repo_->gitdir());
  auto desk = read("desk.yaml");
  if (!desk)
    not_found("{} is a git repository but not a desk (no desk.yaml)", repo_->workdir().string());
  settings_ = load_settings(desk->text);
}

void Desk::reload_staff() const {
  // Read again on demand: a member at a time, or all of them when staff() is asked.
  staff_.clear();
  all_staff_ = false;
}

const std::map<std::string, Staff>& Desk::staff() const {
  if (all_staff_) return staff_;
  // Members read alone before keep their entries (references to them stay valid).
  walk("staff", [&](const std::string& path, const git_oid&) {
    auto f = read(path);
    if (!f) return;
    Staff s = parse_staff(f->text, path);
    staff_.insert_or_assign(s.id, std::move(s));
  });
  all_staff_ = true;
  return staff_;
}

const Staff* Desk::read_staff(const std::string& id) const {
  if (auto it = staff_.find(id); it != staff_.end()) return &it->second;
  if (all_staff_ || id.empty() || id.find('/') != std::string::npos || id[0] == '.') return nullptr;
  std::string path = staff_path(id);
  // A member is one HEAD knows (as `staff()` walks it); a hand edit of its file is shown.
  TreePtr head = repo_->head_tree();
  if (!repo_->blob_at(head.get(), path)) return nullptr;
  auto f = read(path);
  if (!f) return nullptr;
  Staff s = parse_staff(f->text, path);
  if (s.id != id) return nullptr;  // a mismatched file is reported by `sdesk verify`
  return &(staff_[id] = std::move(s));
}

const Staff& Desk::staff_member(const std::string& id) const {
  if (const Staff* s = read_staff(id)) return *s;
  staff();
  std::vector<std::string> matches;
  if (!id.empty())
    for (auto m = staff_.lower_bound(id); m != staff_.end() && m->first.rfind(id, 0) == 0; ++m)
      matches.push_back(m->first);
  return staff_.at(unique_match(std::move(matches), "staff member", id));
}

std::map<std::string, Vendor> Desk::vendors() const {
  std::map<std::string, Vendor> out;
  walk("vendors", [&](const std::string& path, const git_oid&) {
    auto f = read(path);
    if (!f) return;
    Vendor v = parse_vendor(f->text, path);
    out[v.id] = v;
  });
  return out;
}

bool Desk::has_operator() const {
  try {
    op();
    return true;
  } catch (const Error&) {
    return false;
  }
}

const Staff& Desk::op() const {
  std::string id = as_;
  if (id.empty()) {
    auto email = repo_->config("user.email");
    if (email)
      for (const auto& [sid, s] : staff())
        if (!s.email.empty() && s.email == *email) id = sid;
    if (id.empty())
      throw Error(Exit::refused,
                  "who is the operator? no --as, no SDESK_USER, and no staff email matches git's "
                  "user.email",
                  "pass --as STAFF-ID or set SDESK_USER");
  }
  const Staff* s = read_staff(id);
  if (!s) refuse("unknown operator '{}': not a staff member of this desk", id);
  if (!s->active) refuse("operator '{}' is deactivated", id);
  return *s;
}

Json Desk::new_event(const std::string& action, const std::string& by) {
  Json e = Json::object();
  e["id"] = ids_.event_id(now_);
  e["at"] = stamp(now_);
  e["by"] = by.empty() ? op().id : by;
  e["action"] = action;
  return e;
}

void Desk::append_event(std::vector<Json>& events, Json& e) const {
  std::string last;
  Time last_t{};
  Time at = parse(e.value("at", ""), "at");
  for (const auto& x : events) {
    if (!x.contains("at") || !x["at"].is_string()) continue;
    Time t = parse(x["at"].get<std::string>(), "at");
    if (last.empty() || t > last_t) last = x["at"].get<std::string>(), last_t = t;
  }
  if (!last.empty() && at < last_t) {
    auto behind = std::chrono::duration_cast<std::chrono::minutes>(last_t - at).count();
    if (behind > wall_minutes(settings_.skew_window))
      throw Error(Exit::refused,
                  fmt::format("the time {} is before the object's last event at {} (by more "
                              "than the desk's skew window of {})",
                              e.value("at", ""), last, format_duration(settings_.skew_window)),
                  "check the clock (or SDESK_NOW); a late entry is recorded with the time it is "
                  "made");
    e["clock"] = e["at"];
    e["at"] = last;
  }
  // Replay is in (at, id) order: an event at the same time as the last one must sort after
  // every event the object has, whichever clone made them.
  std::string max_id;
  for (const auto& x : events) max_id = std::max(max_id, x.value("id", ""));
  if (!max_id.empty() && e.value("id", "") <= max_id) e["id"] = ids_.event_id(at, max_id);
  events.push_back(e);
}

std::unique_ptr<DeskLock> Desk::lock() {
  if (auto held = held_.lock()) return std::make_unique<DeskLock>(held);
  auto file = std::make_shared<LockFile>(repo_->gitdir() / "sdesk.lock", std::chrono::seconds(3));
  held_ = file;
  auto hold = std::make_unique<DeskLock>(file);
  std::vector<std::string> notes;
  for (const auto& f : repo_->clear_stale_locks())
    notes.push_back(fmt::format("removed the stale lock {} (no process holds it)", f));
  for (auto& n : repo_->recover_journal()) notes.push_back(std::move(n));
  for (const auto& n : notes) {
    if (notice_) notice_(n);
    repairs_.push_back(n);
  }
  return hold;
}

namespace {
// The folders (and top-level files) whose files only sdesk writes.
const std::vector<std::string> kDeskFolders{
    "desk.yaml", "staff",     "vendors", "tickets",        "kb",       "complaints", "surveys",
    "duty",      "handovers", "schemas", ".gitattributes", "schedules"};
}  // namespace

std::vector<std::string> Desk::repair(bool full) {
  auto hold = lock();
  std::vector<std::string> notes = repairs_;
  if (!full) return notes;
  for (const auto& p : repo_->catch_up_worktree(kDeskFolders))
    notes.push_back(fmt::format("brought {} up to HEAD (left behind by an interrupted write)", p));
  std::error_code ec;
  for (const auto& dir : kDeskFolders) {
    fs::path root = repo_->workdir() / dir;
    if (!fs::is_directory(root, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (name.size() > 10 && name.compare(name.size() - 10, 10, ".sdesk-tmp") == 0) {
        std::string rel = fs::relative(it->path(), repo_->workdir(), ec).string();
        if (fs::remove(it->path(), ec))
          notes.push_back(fmt::format("removed the temporary file {}", rel));
      }
    }
  }
  return notes;
}

std::optional<DeskFile> Desk::read(const std::string& path) const {
  TreePtr tree = repo_->head_tree();
  auto blob = repo_->blob_at(tree.get(), path);
  auto work = repo_->hash_workfile(path);
  if (work && (!blob || !oid_eq(*work, *blob))) {
    std::ifstream in(repo_->workdir() / path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return DeskFile{path, std::move(text), true};
  }
  if (!blob) return std::nullopt;
  return DeskFile{path, repo_->blob_text(*blob), false};
}

void Desk::walk(const std::string& dir,
                const std::function<void(const std::string&, const git_oid&)>& f) const {
  TreePtr tree = repo_->head_tree();
  repo_->walk(tree.get(), dir, f);
}

std::vector<std::string> Desk::hand_edits(const std::string& dir) const {
  if (repo_->bare()) return {};
  git_status_options o = GIT_STATUS_OPTIONS_INIT;
  o.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
            GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  std::string spec = dir.empty() ? "" : dir + "/";
  char* specs[] = {spec.data()};
  if (!dir.empty()) o.pathspec = {specs, 1};
  git_status_list* list = nullptr;
  git_check(git_status_list_new(&list, repo_->get(), &o), "status");
  StatusPtr owned(list);
  std::vector<std::string> out;
  size_t n = git_status_list_entrycount(list);
  for (size_t i = 0; i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list, i);
    if (e->index_to_workdir && e->index_to_workdir->new_file.path) {
      std::string p = e->index_to_workdir->new_file.path;
      if (p.find(".sdesk-tmp") == std::string::npos) out.push_back(p);
    }
  }
  return out;
}

void Desk::refuse_if_hand_edited(const std::string& path) const {
  if (repo_->bare()) return;  // a central desk has no work tree to edit
  TreePtr tree = repo_->head_tree();
  auto blob = repo_->blob_at(tree.get(), path);
  auto work = repo_->hash_workfile(path);
  bool differs = work ? (!blob || !oid_eq(*work, *blob)) : blob.has_value();
  if (differs)
    throw Error(Exit::refused, fmt::format("{} has uncommitted hand edits", path),
                "commit them with `sdesk commit` (or undo them with `git checkout -- FILE`) first");
}

std::string commit_message(const std::string& object, const std::string& action,
                           const std::string& summary, const std::vector<std::string>& also) {
  std::string m = object + ": " + action;
  if (!summary.empty()) m += " — " + one_line(summary, 60);
  m += "\n\nSdesk-Object: " + object + "\n";
  for (const auto& o : also) m += "Sdesk-Related: " + o + "\n";
  m += "Sdesk-Action: " + action + "\n";
  return m;
}

git_oid Desk::commit(const std::vector<FileChange>& changes, const std::string& object,
                     const std::string& action, const std::string& summary,
                     const std::vector<std::string>& also) {
  return commit_as(op(), changes, object, action, summary, also);
}

git_oid Desk::commit_as(const Staff& author, const std::vector<FileChange>& changes,
                        const std::string& object, const std::string& action,
                        const std::string& summary, const std::vector<std::string>& also) {
  return commit_at(author, now_, system_now(), changes,
                   commit_message(object, action, summary, also));
}

git_oid Desk::commit_by_day(const std::vector<FileChange>& changes, const std::string& object,
                            const std::string& action, const std::string& summary,
                            const std::vector<std::string>& also) {
  auto midnight = [&](Time t) -> Time {
    return settings_.zone->to_sys(local_day(t, settings_.zone), date::choose::earliest);
  };
  return commit_at(op(), midnight(now_), midnight(system_now()), changes,
                   commit_message(object, action, summary, also));
}

git_oid Desk::commit_at(const Staff& author, Time when, Time recorded,
                        const std::vector<FileChange>& changes, const std::string& message) {
  auto info = date::make_zoned(settings_.zone, when).get_info();
  Author a{author.name, author.email.empty() ? author.id + "@sdesk" : author.email, when,
           static_cast<int>(info.offset.count() / 60), recorded};
  git_oid id = repo_->commit(changes, a, message);
  repo_->pack_when_due();
  return id;
}

std::string one_line(const std::string& text, size_t n) {
  std::string s;
  for (char c : text) s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return truncate_width(s, n);
}

}  // namespace sdesk
