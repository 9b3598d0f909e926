#include "lib/git/history.hpp"

namespace sdesk {

bool is_backdated(Time when, Time recorded) {
  return recorded - when > std::chrono::minutes(5);
}

bool LogEntry::backdated() const {
  return is_backdated(when, recorded);
}

std::vector<std::pair<std::string, std::string>> message_trailers(const std::string& message) {
  std::vector<std::pair<std::string, std::string>> out;
  GitValue<git_message_trailer_array, git_message_trailer_array_free> arr;
  if (git_message_trailers(&arr.value, message.c_str()) < 0) return out;
  for (size_t i = 0; i < arr.value.count; ++i)
    out.emplace_back(arr.value.trailers[i].key, arr.value.trailers[i].value);
  return out;
}

std::vector<LogEntry> object_log(const Repo& repo, const std::string& id) {
  std::vector<LogEntry> out;
  auto head = repo.head();
  if (!head) return out;
  git_revwalk* w = nullptr;
  git_check(git_revwalk_new(&w, repo.get()), "walk history");
  WalkPtr walk(w);
  git_revwalk_sorting(w, GIT_SORT_TIME | GIT_SORT_TOPOLOGICAL);
  git_check(git_revwalk_push(w, &*head), "walk history");
  git_oid oid;
  while (git_revwalk_next(&oid, w) == 0) {
    git_commit* c = nullptr;
    git_check(git_commit_lookup(&c, repo.get(), &oid), "read commit");
    CommitPtr cp(c);
    std::string msg = git_commit_message(c);
    if (msg.find(id) == std::string::npos) continue;
    bool named = false;
    std::string action;
    for (const auto& [k, v] : message_trailers(msg)) {
      if ((k == "Sdesk-Object" || k == "Sdesk-Related") && v == id) named = true;
      if (k == "Sdesk-Action") action = v;
    }
    if (!named) continue;
    const git_signature* a = git_commit_author(c);
    const git_signature* k = git_commit_committer(c);
    out.push_back({oid_hex(oid), Time{std::chrono::seconds(a->when.time)},
                   Time{std::chrono::seconds(k->when.time)}, a->name, a->email, action,
                   msg.substr(0, msg.find('\n'))});
  }
  return out;
}

}  // namespace sdesk
