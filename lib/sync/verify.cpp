#include "lib/sync/verify.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>

#include "lib/git/history.hpp"
#include "lib/store/kinds.hpp"
#include "lib/store/settings.hpp"
#include "lib/store/staff.hpp"
#include "lib/sync/merge.hpp"
#include "lib/sync/objects.hpp"
#include "lib/sync/validate.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/error.hpp"
#include "lib/util/process.hpp"

namespace sdesk {

namespace fs = std::filesystem;

namespace {

using OdbPtr = GitPtr<git_odb, git_odb_free>;

// The settings and staff in force at a tree.
struct Rules {
  Settings settings;
  std::map<std::string, Staff> staff;
};

std::string entry_key(Repo& repo, git_tree* tree, const std::string& path) {
  if (!tree) return "-";
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree, path.c_str()) < 0) return "-";
  EntryPtr ep(e);
  (void)repo;
  return oid_hex(*git_tree_entry_id(e));
}

class RuleCache {
 public:
  explicit RuleCache(Repo& repo) : repo_(repo) {}
  const Rules& at(git_tree* tree) {
    std::string key = entry_key(repo_, tree, "desk.yaml") + entry_key(repo_, tree, "staff");
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    Rules r;
    try {
      if (auto text = repo_.read_at(tree, "desk.yaml")) r.settings = load_settings(*text);
    } catch (const Error&) {
    }
    repo_.walk(tree, "staff", [&](const std::string& path, const git_oid& id) {
      try {
        Staff s = parse_staff(repo_.blob_text(id), path);
        r.staff[s.id] = s;
      } catch (const Error&) {
      }
    });
    return cache_.emplace(key, std::move(r)).first->second;
  }

 private:
  Repo& repo_;
  std::map<std::string, Rules> cache_;
};

struct Change {
  std::optional<std::string> before;  // nullopt: added
  std::optional<std::string> after;   // nullopt: deleted
};

std::map<std::string, Change> changed_files(Repo& repo, git_tree* from, git_tree* to) {
  git_diff* d = nullptr;
  git_diff_options o = GIT_DIFF_OPTIONS_INIT;
  git_check(git_diff_tree_to_tree(&d, repo.get(), from, to, &o), "diff trees");
  DiffPtr diff(d);
  std::map<std::string, Change> out;
  for (size_t i = 0, n = git_diff_num_deltas(d); i < n; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(d, i);
    Change c;
    if (delta->status != GIT_DELTA_ADDED) c.before = repo.blob_text(delta->old_file.id);
    if (delta->status != GIT_DELTA_DELETED) c.after = repo.blob_text(delta->new_file.id);
    out[delta->status == GIT_DELTA_DELETED ? delta->old_file.path : delta->new_file.path] = c;
  }
  return out;
}

// The staff member a commit's author is, by email only (a name is anyone's to type); the
// `ID@sdesk` address sdesk gives a member without an email counts for that member alone.
const Staff* find_author(const Rules& rules, const git_signature* a) {
  std::string email = a->email ? a->email : "";
  for (const auto& [id, s] : rules.staff)
    if (s.email.empty() ? id + "@sdesk" == email : s.email == email) return &s;
  return nullptr;
}

// Whether the commit carries an SSH signature made by one of the author's recorded keys.
std::string signature_problem(Repo& repo, const git_oid& id, const Staff& author,
                              const std::string& email) {
  GitBuf sig, data;
  if (git_commit_extract_signature(&sig.value, &data.value, repo.get(), const_cast<git_oid*>(&id),
                                   nullptr) < 0)
    return "the commit is not signed (the desk's guard requires SSH-signed commits)";
  std::string signature = buf_text(sig.value), signed_data = buf_text(data.value);
  if (signature.find("-----BEGIN SSH SIGNATURE-----") == std::string::npos)
    return "the commit's signature is not an SSH signature";
  if (author.ssh_keys.empty())
    return fmt::format("{} has no SSH key in the staff records to check the signature", author.id);
  std::string principal = email.empty() ? author.id : email;
  TempFiles tmp;
  std::string allowed;
  for (const auto& k : author.ssh_keys) allowed += principal + " namespaces=\"git\" " + k + "\n";
  std::string signers = tmp.write("allowed_signers", allowed);
  std::string sigfile = tmp.write("commit.sig", signature);
  ProcessOptions how;
  how.input = signed_data;
  ProcessResult r = run_process(
      {"ssh-keygen", "-Y", "verify", "-f", signers, "-I", principal, "-n", "git", "-s", sigfile},
      how);
  if (r.status == 0) return "";
  if (r.status < 0 && r.err.empty()) return "cannot check the signature: ssh-keygen did not run";
  return fmt::format("the commit's signature is not by a key of its author {}", author.id);
}

bool known_action(const std::string& action) {
  for (const auto& t : transitions())
    if (t.action == action) return true;
  return false;
}

// A file's parsed content, parsed once per run however many checks read it (a file's version
// after one commit is its version before the next).
std::shared_ptr<const Json> doc_of(const std::string& text, const std::string& path) {
  static std::unordered_map<std::string, std::shared_ptr<const Json>> memo;
  auto it = memo.find(text);
  if (it != memo.end()) return it->second;
  if (memo.size() >= 64) memo.clear();
  auto doc = std::make_shared<const Json>(parse_yaml(text, path).doc);
  memo.emplace(text, doc);
  return doc;
}

std::vector<Json> events_of(const std::string& text, const std::string& path) {
  auto doc = doc_of(text, path);
  const Json& d = *doc;
  if (!d.is_object() || !d.contains("events") || !d["events"].is_array()) return {};
  return std::vector<Json>(d["events"].begin(), d["events"].end());
}

// Checks each event a commit adds to a ticket: its author, its role, its transition.
void check_new_events(const std::string& commit, const std::string& path, const Change& c,
                      const Rules& rules, const Staff* author, std::vector<Finding>& out) {
  std::set<std::string> old_ids;
  if (c.before)
    for (const auto& e : events_of(*c.before, path)) old_ids.insert(e.value("id", ""));
  std::vector<Json> events = events_of(*c.after, path);
  sort_events(events);
  Ticket t;
  t.id = object_of_path(path);
  for (const auto& e : events) {
    std::string why_ill = why_illegal(t, e);
    std::string eid = e.value("id", "");
    std::string action = e.value("action", "");
    if (!old_ids.count(eid) && action != "alias" && action != "conflict" && known_action(action)) {
      std::string by = e.value("by", "");
      auto actor = rules.staff.find(by);
      if (actor == rules.staff.end()) {
        out.push_back(
            {commit, path,
             fmt::format("event {} ({}): by '{}', who is not a staff member", eid, action, by)});
      } else {
        if (author && author->role != "pm" && author->id != by)
          out.push_back({commit, path,
                         fmt::format("event {} ({}) is by {} but the commit is authored by {}", eid,
                                     action, by, author->id)});
        std::string why = why_forbidden(rules.settings, actor->second, t, e);
        if (!why.empty())
          out.push_back({commit, path, fmt::format("event {} ({}): {}", eid, action, why)});
      }
      if (!why_ill.empty())
        out.push_back({commit, path, fmt::format("event {} ({}): {}", eid, action, why_ill)});
    }
    if (why_ill.empty()) apply_event(t, e);
  }
}

// Checks each event a commit adds to an article or a complaint: a staff member made it, the
// commit's author (unless the PM), with the role its action needs (CONTRACT §6, §7).
void check_object_events(const std::string& commit, const std::string& path, const Change& c,
                         const Rules& rules, const Staff* author, std::vector<Finding>& out) {
  std::set<std::string> old_ids;
  if (c.before)
    for (const auto& e : events_of(*c.before, path)) old_ids.insert(e.value("id", ""));
  bool article = kind_of_path(path)->name == "article";
  std::string writer;  // an article's author: who made its `new` event
  for (const auto& e : events_of(*c.after, path)) {
    std::string eid = e.value("id", ""), action = e.value("action", ""), by = e.value("by", "");
    if (action == "new" && writer.empty()) writer = by;
    if (old_ids.count(eid)) continue;
    auto finding = [&](const std::string& why) {
      out.push_back({commit, path, fmt::format("event {} ({}): {}", eid, action, why)});
    };
    auto actor = rules.staff.find(by);
    if (actor == rules.staff.end()) {
      if (!(action == "escalate" && !article))  // a sweep may run as the first PM, by cron
        finding(fmt::format("by '{}', who is not a staff member", by));
      continue;
    }
    if (author && author->role != "pm" && author->id != by)
      finding(fmt::format("is by {} but the commit is authored by {}", by, author->id));
    const std::string& role = actor->second.role;
    if (article && action == "publish" && by == writer)
      finding(fmt::format("{} wrote the article and may not publish it", by));
    if (article && action == "retire" && role != "pm" && by != writer)
      finding(fmt::format("only the PM or the author ({}) retires an article", writer));
    if (!article && (action == "close" || action == "cancel") && role != "pm")
      finding(fmt::format("only the PM {} a complaint ({} is {})",
                          action == "close" ? "closes" : "cancels", by, role));
  }
}

// Whether a merge gave the path another object (two clones made the same ID; one was renamed).
bool renamed_at_merge(const std::string& path, const Change& c) {
  if (!c.before || !c.after || !is_event_path(path)) return false;
  // Another object: another `new` event (by id, or by content under one id when the two
  // clones shared an identity).
  auto new_event = [&](const std::string& text) {
    for (const auto& e : events_of(text, path))
      if (e.value("action", "") == "new") return e;
    return Json();
  };
  try {
    return new_event(*c.before) != new_event(*c.after);
  } catch (const Error&) {
    return false;
  }
}

void check_file(const std::string& commit, const std::string& path, const Change& c,
                std::vector<Finding>& out, bool merge = false) {
  if (!c.after) {
    if (c.before && is_event_path(path))
      out.push_back({commit, path, "the file was deleted (events are append-only)"});
    return;
  }
  try {
    validate_file(path, *c.after);
  } catch (const Error& e) {
    out.push_back({commit, path, e.what()});
  }
  if (c.before && !(merge && renamed_at_merge(path, c))) {
    try {
      if (is_yaml_path(path))
        check_append_only(path, *doc_of(*c.before, path), *doc_of(*c.after, path));
    } catch (const Error& e) {
      out.push_back({commit, path, e.what()});
    }
  }
}

// The guard's rules for a commit: who made it (the pusher), PM-only files, signatures. `r` are
// the rules in force before the commit, `files` what it changed (for a merge: what differs from
// every parent).
void check_guard(Repo& repo, git_commit* c, const Rules& r, const Staff* author,
                 const std::vector<std::string>& files, const VerifyOptions& o,
                 std::vector<Finding>& out) {
  std::string id = oid_hex(*git_commit_id(c));
  const git_signature* a = git_commit_author(c);
  std::string who = author
                        ? fmt::format("{} ({})", author->id, author->role)
                        : fmt::format("{} <{}>", a->name ? a->name : "", a->email ? a->email : "");
  for (const auto& path : files)
    if (pm_only_path(path) && (!author || author->role != "pm"))
      out.push_back(
          {id, path, fmt::format("only a PM changes {} (the commit is by {})", path, who)});
  if (o.push && !o.pusher.empty()) {
    const Staff* pusher = nullptr;
    for (const auto& [sid, s] : r.staff)
      if (s.login == o.pusher) pusher = &s;
    if (!pusher)
      out.push_back(
          {id, "", fmt::format("pushed by '{}', who is no staff member's login", o.pusher)});
    else if (!author || author->id != pusher->id)
      out.push_back({id, "",
                     fmt::format("the commit is by {} but was pushed by {} (login {}): each "
                                 "person pushes their own commits",
                                 who, pusher->id, o.pusher)});
  }
  if (r.settings.require_signed && author) {
    std::string why = signature_problem(repo, *git_commit_id(c), *author, a->email ? a->email : "");
    if (!why.empty()) out.push_back({id, "", why});
  }
}

void verify_commit(Repo& repo, RuleCache& rules, git_commit* c, const VerifyOptions& o,
                   std::vector<Finding>& out) {
  std::string id = oid_hex(*git_commit_id(c));
  git_tree* t = nullptr;
  git_check(git_commit_tree(&t, c), "read commit tree");
  TreePtr tree(t);
  unsigned np = git_commit_parentcount(c);
  std::vector<TreePtr> parents;
  for (unsigned i = 0; i < np; ++i) {
    git_commit* p = nullptr;
    git_check(git_commit_parent(&p, c, i), "read parent");
    CommitPtr pp(p);
    git_tree* pt = nullptr;
    git_check(git_commit_tree(&pt, p), "read parent tree");
    parents.emplace_back(pt);
  }
  if (np >= 2) {
    // A merge: every parent's events must survive, every changed file must validate.
    std::set<std::string> validated;
    std::map<std::string, unsigned> changed;  // path -> how many parents it differs from
    for (auto& p : parents)
      for (const auto& [path, ch] : changed_files(repo, p.get(), tree.get())) {
        ++changed[path];
        if (validated.insert(path).second)
          check_file(id, path, ch, out, true);
        else if (ch.after && ch.before && !renamed_at_merge(path, ch)) {
          try {
            if (is_yaml_path(path))
              check_append_only(path, *doc_of(*ch.before, path), *doc_of(*ch.after, path));
          } catch (const Error& e) {
            out.push_back({id, path, e.what()});
          }
        }
      }
    // What the merge itself made: content that no parent had.
    std::vector<std::string> own;
    for (const auto& [path, n] : changed)
      if (n == np) own.push_back(path);
    const Rules& r = rules.at(parents[0].get());
    if (!r.staff.empty())
      check_guard(repo, c, r, find_author(r, git_commit_author(c)), own, o, out);
    return;
  }
  git_tree* before = np ? parents[0].get() : nullptr;
  auto files = changed_files(repo, before, tree.get());
  std::string msg = git_commit_message(c);
  std::set<std::string> objects;
  bool has_action = false;
  for (const auto& [k, v] : message_trailers(msg)) {
    if (k == "Sdesk-Object" || k == "Sdesk-Related") objects.insert(v);
    if (k == "Sdesk-Action") has_action = true;
  }
  if (!has_action && !files.empty())
    out.push_back({id, "", "the commit has no Sdesk-Action trailer"});
  for (const auto& [path, ch] : files) {
    check_file(id, path, ch, out);
    std::string obj;
    try {
      const std::string& text = ch.after ? *ch.after : ch.before.value_or("");
      obj = is_yaml_path(path) ? object_of_doc(path, *doc_of(text, path)) : object_of_path(path);
    } catch (const Error&) {
      obj = object_of_path(path);  // unreadable: reported by check_file, named by its stem
    }
    if (!obj.empty() && !objects.count(obj))
      out.push_back({id, path,
                     fmt::format("the commit changes {} but does not name it in an "
                                 "Sdesk-Object trailer",
                                 obj)});
  }
  const Rules* r = &rules.at(before);
  if (r->staff.empty()) r = &rules.at(tree.get());  // the desk's first staff member
  if (r->staff.empty()) return;
  const git_signature* a = git_commit_author(c);
  const Staff* author = find_author(*r, a);
  if (!author) {
    out.push_back({id, "",
                   fmt::format("author {} <{}> is not a staff member of the desk",
                               a->name ? a->name : "", a->email ? a->email : "")});
  } else if (!author->active) {
    out.push_back({id, "", fmt::format("author {} is deactivated", author->id)});
  }
  std::vector<std::string> paths;
  for (const auto& [path, ch] : files) paths.push_back(path);
  check_guard(repo, c, *r, author, paths, o, out);
  for (const auto& [path, ch] : files) {
    const ObjectKind* kind = ch.after ? kind_of_path(path) : nullptr;
    if (!kind) continue;
    try {
      if (kind->name == "ticket")
        check_new_events(id, path, ch, *r, author, out);
      else
        check_object_events(id, path, ch, *r, author, out);
    } catch (const Error& e) {
      // Unreadable files were reported by check_file.
    }
  }
}

}  // namespace

// Parent links (major incidents) at the tip that go round in a circle: `link` refuses them, but
// two clones may each add one half. One finding per cycle, on its smallest ticket ID.
void check_parent_cycles(Repo& repo, const git_oid& tip, std::vector<Finding>& out) {
  TreePtr tree = repo.tree_of(tip);
  std::map<std::string, std::pair<std::string, std::string>> parent;  // id -> {parent, path}
  repo.walk(tree.get(), "tickets", [&](const std::string& path, const git_oid& blob) {
    std::string text = repo.blob_text(blob);
    std::istringstream in(text);
    std::string id, up;
    for (std::string line; std::getline(in, line) && line.rfind("events:", 0) != 0;) {
      if (line.rfind("id: ", 0) == 0) id = line.substr(4);
      if (line.rfind("parent: ", 0) == 0) up = line.substr(8);
    }
    if (!id.empty() && !up.empty() && up != "null" && up != "~") parent[id] = {up, path};
  });
  std::set<std::string> reported;
  for (const auto& [start, link] : parent) {
    std::vector<std::string> chain = {start};
    for (auto it = parent.find(start); it != parent.end(); it = parent.find(it->second.first)) {
      const std::string& next = it->second.first;
      auto seen = std::find(chain.begin(), chain.end(), next);
      if (seen != chain.end()) {
        std::vector<std::string> cycle(seen, chain.end());
        std::string first = *std::min_element(cycle.begin(), cycle.end());
        if (first == start && reported.insert(first).second) {
          cycle.push_back(next);
          out.push_back({oid_hex(tip), link.second,
                         fmt::format("parent links make a cycle: {} (clear one with `sdesk link "
                                     "ID --clear`)",
                                     fmt::join(cycle, " → "))});
        }
        break;
      }
      chain.push_back(next);
    }
  }
}

Verified verify_history(Repo& repo, const VerifyOptions& o) {
  const std::string& range = o.range;
  Verified v;
  std::vector<Finding>& out = v.findings;
  git_revwalk* w = nullptr;
  git_check(git_revwalk_new(&w, repo.get()), "walk history");
  WalkPtr walk(w);
  git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  if (range.empty()) {
    if (!repo.head()) return v;
    git_check(git_revwalk_push_head(w), "walk history");
  } else if (range.find("..") != std::string::npos) {
    if (git_revwalk_push_range(w, range.c_str()) < 0)
      not_found("--range: '{}' does not name commits of this repository", range);
  } else {
    git_object* o = nullptr;
    if (git_revparse_single(&o, repo.get(), range.c_str()) < 0)
      not_found("--range: '{}' does not name a commit of this repository", range);
    GitPtr<git_object, git_object_free> op(o);
    git_check(git_revwalk_push(w, git_object_id(o)), "walk history");
  }
  RuleCache rules(repo);
  std::vector<git_oid> todo;
  for (git_oid next; git_revwalk_next(&next, w) == 0;) todo.push_back(next);
  for (const git_oid& oid : todo) {
    if (o.progress) o.progress(v.commits, todo.size());
    git_commit* c = nullptr;
    git_check(git_commit_lookup(&c, repo.get(), &oid), "read commit");
    CommitPtr cp(c);
    verify_commit(repo, rules, c, o, out);
    ++v.commits;
    auto at = [](const git_signature* s) { return Time(std::chrono::seconds(s->when.time)); };
    Time stated = at(git_commit_author(c)), recorded = at(git_commit_committer(c));
    if (is_backdated(stated, recorded)) v.backdated.push_back({oid_hex(oid), stated, recorded});
  }
  if (o.progress) o.progress(v.commits, todo.size());
  if (!todo.empty()) check_parent_cycles(repo, todo.back(), out);
  return v;
}

std::string finding_line(const Finding& f) {
  std::string where = f.commit.empty() ? "work tree" : f.commit.substr(0, 10);
  if (f.path.empty() || f.message.rfind(f.path, 0) == 0) return where + " " + f.message;
  return where + " " + f.path + ": " + f.message;
}

void add_quarantine_objects(Repo& repo) {
  std::vector<std::string> dirs;
  if (const char* d = std::getenv("GIT_OBJECT_DIRECTORY"); d && *d) dirs.push_back(d);
  if (const char* a = std::getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"); a && *a) {
    std::stringstream ss(a);
    std::string part;
    while (std::getline(ss, part, ':'))
      if (!part.empty()) dirs.push_back(part);
  }
  if (dirs.empty()) return;
  git_odb* o = nullptr;
  git_check(git_repository_odb(&o, repo.get()), "open object database");
  OdbPtr odb(o);
  for (const auto& d : dirs) {
    std::error_code ec;
    fs::path p = fs::absolute(d, ec);
    if (fs::is_directory(p, ec)) git_check(git_odb_add_disk_alternate(o, p.c_str()), "add objects");
  }
}

std::string pre_receive_hook(const std::string& exe) {
  std::string quoted = shell_quote(exe);
  return "#!/bin/sh\n"
         "# sdesk: refuse pushes that break the desk's rules (written by `sdesk hook install`).\n"
         "SDESK=" +
         quoted +
         "\n"
         "zero=0000000000000000000000000000000000000000\n"
         "status=0\n"
         "while read old new ref; do\n"
         "  if [ \"$new\" = \"$zero\" ]; then\n"
         "    echo \"sdesk: $ref: refused: deleting a branch of the desk (history is kept)\" "
         ">&2\n"
         "    status=1; continue\n"
         "  fi\n"
         "  if [ \"$old\" != \"$zero\" ] && ! git merge-base --is-ancestor \"$old\" \"$new\"; "
         "then\n"
         "    echo \"sdesk: $ref: refused: $new does not contain $old (not a fast-forward: "
         "history is append-only; sync first)\" >&2\n"
         "    status=1; continue\n"
         "  fi\n"
         "  if [ \"$old\" = \"$zero\" ]; then range=\"$new\"; else range=\"$old..$new\"; fi\n"
         "  \"$SDESK\" -C \"${GIT_DIR:-.}\" verify --push --range \"$range\" || status=1\n"
         "done\n"
         "exit $status\n";
}

std::string install_hook(Repo& repo, const std::string& exe) {
  std::string file = write_hook(repo, "pre-receive", pre_receive_hook(exe));
  // The server itself refuses what the hook would (also for pushes that skip hooks).
  repo.set_config("receive.denyNonFastForwards", "true");
  repo.set_config("receive.denyDeletes", "true");
  return file;
}

}  // namespace sdesk
