// The open desk: repository, settings, staff, operator, clock, lock, and the one way to
// write (one command = one commit with the contract's message and trailers).
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/git/git.hpp"
#include "lib/store/ids.hpp"
#include "lib/store/settings.hpp"
#include "lib/store/staff.hpp"
#include "lib/util/time.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

// How a command names its desk and operator (from -C, --as and the environment).
struct DeskOptions {
  std::string dir;  // -C DIR, else SDESK_DIR, else the current directory
  std::string as;   // --as STAFF, else SDESK_USER, else by git user.email
  std::function<void(const std::string&)> notice;  // told each repair as it is made
  bool bare_ok = false;  // a bare repository (the central desk) is accepted: HEAD only
};

// A desk file as read: HEAD's bytes, or the work tree's when a person edited it by hand.
struct DeskFile {
  std::string path;          // path inside the desk
  std::string text;          // the bytes that count
  bool hand_edited = false;  // the work tree differs from HEAD
};

// The kernel lock on .git/sdesk.lock (flock): one holder at a time, released by the kernel
// when its process ends however it ends, so it can be neither taken twice nor outlive its
// owner. The file itself stays; its content (the holder's pid) is only for messages.
class LockFile {
 public:
  // Takes the lock, waiting up to `wait`; exit 5 when another process holds it that long.
  LockFile(const std::filesystem::path& file, std::chrono::milliseconds wait);
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

 private:
  int fd_ = -1;
};

// A hold on the desk lock; nested holds in one process share one LockFile.
class DeskLock {
 public:
  // Holds the lock for as long as this lives.
  explicit DeskLock(std::shared_ptr<LockFile> file) : file_(std::move(file)) {}

 private:
  std::shared_ptr<LockFile> file_;
};

// An open desk and the operator acting on it.
class Desk {
 public:
  // Opens the desk named by the options (discovery as git does); exit 3 when there is none.
  static Desk open(const DeskOptions& opts);
  // Creates a new desk at dir with default settings and a first commit; returns it.
  static Desk create(const std::filesystem::path& dir, const std::string& name);

  // The repository.
  Repo& repo() { return *repo_; }
  // The repository, read-only.
  const Repo& repo() const { return *repo_; }
  // The settings of desk.yaml.
  const Settings& settings() const { return settings_; }
  // The desk's zone.
  Zone zone() const { return settings_.zone; }
  // The current instant of the one clock.
  Time now() const { return now_; }
  // Formats an instant in the desk's zone (ISO 8601 with offset).
  std::string stamp(Time t) const { return format_time(t, settings_.zone); }
  // Parses a time typed by the operator, in the desk's zone when it has no offset; relative
  // times (`+2h`, `today 18:00`, `明天 09:00`) count from now().
  Time parse(const std::string& text, const std::string& what) const {
    return parse_when(text, settings_.zone, now_, what);
  }
  // Every staff member, by id (read on first use; one member is read alone by staff_member).
  const std::map<std::string, Staff>& staff() const;
  // One staff member; exit 3 naming the id when unknown.
  const Staff& staff_member(const std::string& id) const;
  // Every vendor, by id.
  std::map<std::string, Vendor> vendors() const;
  // The operator; exit 4 when it cannot be told or is not active staff.
  const Staff& op() const;
  // Whether an operator could be told (without throwing).
  bool has_operator() const;
  // The ID source of this clone.
  IdClock& ids() { return ids_; }
  // A new event {id, at, by, action} made now by `by` (the operator when empty).
  Json new_event(const std::string& action, const std::string& by = {});
  // Appends event e to an object's events in causal order: an event whose `at` (the
  // operator's clock) is earlier than the object's last event is a clock behind the clone it
  // learned the object from. Within the desk's skew_window it is recorded at the last event's
  // time, with its own clock kept as `clock`; beyond it, refused (exit 4) naming both times.
  // Its ID is made again when needed so that it sorts after every event of the object.
  void append_event(std::vector<Json>& events, Json& e) const;
  // Takes the desk lock for a read-change-commit, then repairs what an interrupted command
  // left (see repair); nested calls in one process share the first hold.
  std::unique_ptr<DeskLock> lock();
  // Runs body (which reads, decides and commits once) under the desk lock; when a git command
  // moved the branch meanwhile, runs it again from the new HEAD, so rules are checked again
  // and nothing is built on an older HEAD's content.
  template <typename F>
  auto write(F&& body) -> decltype(body()) {
    auto hold = lock();
    for (int attempt = 1;; ++attempt) {
      try {
        return body();
      } catch (const LostRace&) {
        if (attempt >= 10) throw;
      }
    }
  }
  // Repairs what a killed sdesk or git left (stale git locks, an interrupted change in the
  // journal; with `full`, any sdesk file whose work tree or index is behind HEAD), under the
  // desk lock; returns what it did, one line each.
  std::vector<std::string> repair(bool full = false);
  // Where repair notes go as they happen (the CLI prints them on stderr).
  void on_notice(std::function<void(const std::string&)> f) { notice_ = std::move(f); }
  // Names the operator from now on (a cron run on the central desk acts as a staff member).
  void act_as(const std::string& id) { as_ = id; }
  // Whether an operator was named (--as or SDESK_USER) rather than found by git's user.email.
  bool operator_named() const { return !as_.empty(); }

  // Reads a desk file: HEAD's version, or the work tree's if hand edited; nullopt if absent.
  std::optional<DeskFile> read(const std::string& path) const;
  // Calls f(path, blob id) for every file below dir in HEAD.
  void walk(const std::string& dir,
            const std::function<void(const std::string&, const git_oid&)>& f) const;
  // The text of a blob.
  std::string blob(const git_oid& id) const { return repo_->blob_text(id); }
  // Paths of files below dir whose work tree copy differs from HEAD (hand edits).
  std::vector<std::string> hand_edits(const std::string& dir = "") const;
  // Refuses (exit 4) when a file to be written has uncommitted hand edits.
  void refuse_if_hand_edited(const std::string& path) const;
  // Writes the changes as one commit by the operator: "<object>: <action> — <summary>" with
  // Sdesk-Object and Sdesk-Action trailers (other objects it touches go in Sdesk-Related).
  git_oid commit(const std::vector<FileChange>& changes, const std::string& object,
                 const std::string& action, const std::string& summary,
                 const std::vector<std::string>& also = {});
  // The same, authored by a given staff member (for the first PM on an empty desk).
  git_oid commit_as(const Staff& author, const std::vector<FileChange>& changes,
                    const std::string& object, const std::string& action,
                    const std::string& summary, const std::vector<std::string>& also = {});
  // The same as commit, but with the author time (the clock) and the committer time (the
  // system clock) cut to 00:00 of their desk-local day: the one exception to CONTRACT §2's
  // commit dates, for the responses of an anonymous survey (CONTRACT §12).
  git_oid commit_by_day(const std::vector<FileChange>& changes, const std::string& object,
                        const std::string& action, const std::string& summary,
                        const std::vector<std::string>& also = {});
  // Forgets the staff files read (after a change to staff files); they are read again on use.
  void reload_staff() const;

 private:
  // Commits the changes as author with the given author (`when`) and committer (`recorded`)
  // times, then packs when due.
  git_oid commit_at(const Staff& author, Time when, Time recorded,
                    const std::vector<FileChange>& changes, const std::string& message);
  Desk() = default;
  void load();
  std::unique_ptr<Repo> repo_;
  Settings settings_;
  // The staff files read so far; all of them once all_staff_ is set. A state change reads
  // only the operator's and those it names, not every member of a large desk.
  mutable std::map<std::string, Staff> staff_;
  mutable bool all_staff_ = false;
  // Reads staff/<id>.yaml into staff_ if it exists; the entry, or null.
  const Staff* read_staff(const std::string& id) const;
  std::string as_;
  std::weak_ptr<LockFile> held_;
  std::vector<std::string> repairs_;  // what taking the lock repaired
  std::function<void(const std::string&)> notice_;
  Time now_;
  mutable IdClock ids_{""};
};

// The commit message sdesk writes for an action on an object.
std::string commit_message(const std::string& object, const std::string& action,
                           const std::string& summary, const std::vector<std::string>& also);
// Shortens text to at most n display columns with an ellipsis, on one line.
std::string one_line(const std::string& text, size_t n);

}  // namespace sdesk
