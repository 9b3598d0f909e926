// The object-by-object merge, called directly: events united by id and replayed, state
// re-derived, illegal events kept and marked once, other files merged as git would.
#include "lib/sync/merge.hpp"

#include <doctest/doctest.h>

#include "lib/git/git.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/util/error.hpp"
#include "tests/helpers.hpp"

using namespace sdesk;
using sdesk::test::TempDir;

namespace {

Json ev(const std::string& id, const std::string& at, const std::string& by,
        const std::string& action, Json extra = Json::object()) {
  Json e = {{"id", id}, {"at", at}, {"by", by}, {"action", action}};
  for (auto it = extra.begin(); it != extra.end(); ++it) e[it.key()] = it.value();
  return e;
}

const std::string kId = "T-2603-00001A1";
const std::string kPath = "tickets/2026/03/" + kId + ".yaml";

std::string ticket_text(std::vector<Json> events) {
  return ticket_yaml(fold_ticket(kId, events));
}

std::vector<Json> base_events() {
  return {ev("100000000AA", "2026-03-02T09:00:00+08:00", "l1a", "new",
             {{"title", "打印机"}, {"priority", "P3"}, {"channel", "hotline"}}),
          ev("100000001AA", "2026-03-02T09:01:00+08:00", "l1a", "take"),
          ev("100000002AA", "2026-03-02T09:02:00+08:00", "l1a", "start")};
}

MergeStamp stamp() {
  auto n = std::make_shared<int>(0);
  MergeStamp s;
  s.by = "pm1";
  s.at = "2026-03-02T12:00:00+08:00";
  s.event_id = [n] { return "200000000" + std::to_string(10 + (*n)++); };
  return s;
}

}  // namespace

TEST_SUITE("sync/merge") {
  TEST_CASE("events from both sides are united by id and the state is replayed") {
    auto base = base_events();
    auto ours = base, theirs = base;
    ours.push_back(ev("100000003AA", "2026-03-02T10:00:00+08:00", "l1a", "note", {{"text", "甲"}}));
    theirs.push_back(
        ev("100000004BB", "2026-03-02T10:30:00+08:00", "l1a", "resolve", {{"solution", "换硒鼓"}}));
    FileMerge m =
        merge_file(kPath, ticket_text(base), ticket_text(ours), ticket_text(theirs), stamp());
    REQUIRE(m.text);
    CHECK_FALSE(m.conflict);
    CHECK(m.illegal.empty());
    Ticket t = parse_ticket(*m.text, kPath);  // the state block agrees with the events
    CHECK(t.events.size() == 5);
    CHECK(t.status == "resolved");
    CHECK(t.events[3]["action"] == "note");
    // Merging the result again with either side changes nothing.
    FileMerge again = merge_file(kPath, ticket_text(ours), *m.text, ticket_text(theirs), stamp());
    CHECK(*again.text == *m.text);
  }

  TEST_CASE("an event that no longer applies is kept, marked and recorded once as a conflict") {
    auto base = base_events();
    auto ours = base, theirs = base;
    ours.push_back(ev("100000003AA", "2026-03-02T10:00:00+08:00", "l1a", "escalate",
                      {{"to", "l2"}, {"reason", "r"}, {"done", "d"}}));
    theirs.push_back(
        ev("100000004BB", "2026-03-02T10:30:00+08:00", "l1a", "resolve", {{"solution", "s"}}));
    FileMerge m =
        merge_file(kPath, ticket_text(base), ticket_text(ours), ticket_text(theirs), stamp());
    REQUIRE(m.illegal == std::vector<std::string>{"100000004BB"});
    Ticket t = parse_ticket(*m.text, kPath);
    CHECK(t.status == "new");
    CHECK(t.illegal.count("100000004BB") == 1);
    REQUIRE(t.events.back()["action"] == "conflict");
    CHECK(t.events.back()["event"] == "100000004BB");
    // A later merge of the same file does not record it again.
    FileMerge again = merge_file(kPath, ticket_text(base), *m.text, ticket_text(theirs), stamp());
    CHECK(again.illegal.empty());
    CHECK(parse_ticket(*again.text, kPath).events.size() == t.events.size());
  }

  TEST_CASE("files that are not desk objects merge as git would, with conflicts reported") {
    FileMerge clean = merge_text("notes.txt", std::string("a\nb\nc\n"), "A\nb\nc\n", "a\nb\nC\n");
    CHECK_FALSE(clean.conflict);
    CHECK(*clean.text == "A\nb\nC\n");
    FileMerge bad = merge_file("notes.txt", std::string("a\n"), std::string("x\n"),
                               std::string("y\n"), stamp());
    CHECK(bad.conflict);
    CHECK(bad.text->find("<<<<<<<") != std::string::npos);
    CHECK(is_event_path(kPath));
    CHECK(is_event_path("kb/KB-2603-00001A1.yaml"));
    CHECK_FALSE(is_event_path("staff/l1a.yaml"));
  }

  TEST_CASE("merge_trees takes one-sided changes and merges both-sided ones in a real repository") {
    TempDir dir;
    Repo repo = Repo::init(dir.path());
    auto tree_of = [&](const std::vector<std::pair<std::string, std::string>>& files) {
      git_treebuilder* b = nullptr;
      REQUIRE(git_treebuilder_new(&b, repo.get(), nullptr) == 0);
      git_oid empty;
      git_treebuilder_write(&empty, b);
      git_treebuilder_free(b);
      git_tree* t = nullptr;
      git_tree_lookup(&t, repo.get(), &empty);
      TreePtr base(t);
      std::vector<git_tree_update> ups;
      std::vector<git_oid> ids(files.size());
      for (size_t i = 0; i < files.size(); ++i) {
        git_blob_create_from_buffer(&ids[i], repo.get(), files[i].second.data(),
                                    files[i].second.size());
        ups.push_back({GIT_TREE_UPDATE_UPSERT, ids[i], GIT_FILEMODE_BLOB, files[i].first.c_str()});
      }
      git_oid id;
      REQUIRE(git_tree_create_updated(&id, repo.get(), base.get(), ups.size(), ups.data()) == 0);
      git_tree* out = nullptr;
      git_tree_lookup(&out, repo.get(), &id);
      return TreePtr(out);
    };
    auto base = base_events();
    auto ours = base, theirs = base;
    ours.push_back(ev("100000003AA", "2026-03-02T10:00:00+08:00", "l1a", "note", {{"text", "甲"}}));
    theirs.push_back(
        ev("100000004BB", "2026-03-02T10:30:00+08:00", "l1a", "note", {{"text", "乙"}}));
    TreePtr b = tree_of({{kPath, ticket_text(base)}, {"README", "x\n"}});
    TreePtr o = tree_of({{kPath, ticket_text(ours)}, {"README", "x\n"}, {"ours.txt", "1\n"}});
    TreePtr t = tree_of({{kPath, ticket_text(theirs)}, {"README", "y\n"}});
    TreeMerge m = merge_trees(repo, b.get(), o.get(), t.get(), stamp());
    CHECK(m.conflicts.empty());
    CHECK(m.merged == std::vector<std::string>{kId});
    git_tree* mt = nullptr;
    REQUIRE(git_tree_lookup(&mt, repo.get(), &m.tree) == 0);
    TreePtr merged(mt);
    CHECK(*repo.read_at(merged.get(), "README") == "y\n");
    CHECK(*repo.read_at(merged.get(), "ours.txt") == "1\n");
    CHECK(parse_ticket(*repo.read_at(merged.get(), kPath), kPath).events.size() == 5);
  }
}
