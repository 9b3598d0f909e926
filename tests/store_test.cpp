// The store's promise: a kill at any step of a change leaves the old or the new commit and a
// desk the next command repairs; the lock is the kernel's; stale git locks are cleared; a
// copied clone makes itself a new identity; sdesk doctor repairs and keeps hand edits; writes
// pack loose objects.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "lib/sync/merge.hpp"
#include "lib/util/crash.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;
namespace fs = std::filesystem;

namespace {
// The texts of a ticket's notes, from HEAD.
std::multiset<std::string> notes(const TestDesk& d, const std::string& id) {
  Run r = d.sdesk("show " + id + " --json");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::multiset<std::string> out;
  auto j = r.json();
  for (const auto& e : j["events"])
    if (e["action"] == "note") out.insert(e["text"].get<std::string>());
  return out;
}
// The step names, and whether the branch has moved once the step is reached.
bool moved_at(const std::string& step) {
  return step == "ref" || step == "worktree" || step == "index" || step == "done";
}
}  // namespace

TEST_SUITE("command/store") {
  TEST_CASE("a kill at every step of note and new leaves the old or the new commit") {
    TestDesk d;
    std::string id = d.new_ticket();
    for (std::string step : sdesk::kWriteSteps) {
      CAPTURE(step);
      int before = d.commits();
      Run killed =
          sh(d.dir(), "SDESK_CRASH_AT=" + std::string(step) +
                          " SDESK_NOW=2026-03-02T09:30:00+08:00 " + q(SDESK_BINARY) + " note " +
                          id + " " + q(std::string("killed at ") + step) + " --as l1a");
      CHECK(killed.code != 0);
      // The next command repairs what the kill left and goes on.
      Run next = d.sdesk("note " + id + " " + q(std::string("after ") + step), "l1a");
      REQUIRE_MESSAGE(next.code == 0, next.err);
      CHECK(d.clean());
      auto got = notes(d, id);
      CHECK(got.count(std::string("after ") + step) == 1);
      CHECK(got.count(std::string("killed at ") + step) == (moved_at(step) ? 1u : 0u));
      CHECK(d.commits() == before + (moved_at(step) ? 2 : 1));
      CHECK(!fs::exists(d.dir() / ".git" / "sdesk" / "journal"));
    }
    for (std::string step : sdesk::kWriteSteps) {
      CAPTURE(step);
      Run killed = sh(d.dir(), "SDESK_CRASH_AT=" + std::string(step) +
                                   " SDESK_NOW=2026-03-02T09:40:00+08:00 " + q(SDESK_BINARY) +
                                   " new --title 断网 --customer 财务部 --contact 1380000 "
                                   "--channel hotline --priority P3 --need 恢复 --required-by "
                                   "2026-03-05 --env os=win --as l1a");
      CHECK(killed.code != 0);
      Run list = d.sdesk("list --json");
      REQUIRE_MESSAGE(list.code == 0, list.err);
      CHECK(d.clean());
      CHECK(d.sdesk("verify").code == 0);
    }
    CHECK(d.git("fsck --strict").code == 0);
  }

  TEST_CASE("eight writers at once beside a stale lock file lose no acknowledged note") {
    TestDesk d;
    std::string id = d.new_ticket();
    int before = d.commits();
    std::ofstream(d.dir() / ".git" / "sdesk.lock") << "999999999\n";  // an exited process
    std::string cmd = "pids=; ";
    for (int i = 1; i <= 8; ++i)
      cmd += q(SDESK_BINARY) + " note " + id + " 并发" + std::to_string(i) +
             " --as l1a >/dev/null 2>&1 & pids=\"$pids $!\"; ";
    cmd += "fail=0; for p in $pids; do wait $p || fail=1; done; exit $fail";
    Run r = sh(d.dir(), "bash -c " + q(cmd), {{"SDESK_NOW", "2026-03-02T09:20:00+08:00"}});
    CHECK(r.code == 0);
    auto got = notes(d, id);
    CHECK(got.size() == 8);
    for (int i = 1; i <= 8; ++i) CHECK(got.count("并发" + std::to_string(i)) == 1);
    CHECK(d.commits() == before + 8);
    CHECK(d.clean());
  }

  TEST_CASE("stale git locks left by a kill are cleared; a live one is waited on, then refused") {
    TestDesk d;
    std::string id = d.new_ticket();
    // Left a moment ago by a killed git or sdesk: no age is needed, only that no one holds them.
    REQUIRE(sh(d.dir(),
               "mkdir -p .git/refs/remotes/origin && touch .git/index.lock "
               ".git/refs/heads/main.lock .git/refs/remotes/origin/main.lock")
                .code == 0);
    Run r = d.sdesk("note " + id + " 锁后", "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.err.find("stale lock .git/index.lock") != std::string::npos);
    CHECK(r.err.find("stale lock .git/refs/heads/main.lock") != std::string::npos);
    CHECK(r.err.find("stale lock .git/refs/remotes/origin/main.lock") != std::string::npos);
    CHECK(!fs::exists(d.dir() / ".git" / "index.lock"));
    CHECK(!fs::exists(d.dir() / ".git/refs/remotes/origin/main.lock"));
    CHECK(d.clean());
    int before = d.commits();
    // A process that holds index.lock open is alive: its lock is not stale, however old.
    std::string script =
        "(exec 3>.git/index.lock; sleep 8) & holder=$!; sleep 0.3; "
        "touch -d '1 minute ago' .git/index.lock; " +
        q(SDESK_BINARY) + " note " + id +
        " x --as l1a; rc=$?; kill $holder; wait $holder; exit $rc";
    Run live = sh(d.dir(), "bash -c " + q(script), {{"SDESK_NOW", "2026-03-02T09:20:00+08:00"}});
    CHECK(live.code == 5);
    CHECK(d.commits() == before);
    fs::remove(d.dir() / ".git" / "index.lock");
  }

  TEST_CASE("a write packs once about 1,000 objects are loose, not git's 6,700; gc.auto wins") {
    TestDesk d;
    std::string id = d.new_ticket();
    // 3,000 reachable loose objects made by plain git (fixed contents: the same ones each run).
    REQUIRE(sh(d.dir(),
               "mkdir bulk && for i in $(seq 3000); do echo $i > bulk/$i; done && git add bulk "
               "&& git -c user.name=t -c user.email=t@t commit -qm bulk")
                .code == 0);
    auto counts = [&] {
      std::map<std::string, long> m;
      std::istringstream in(d.git("count-objects -v").out);
      std::string key;
      long v = 0;
      while (in >> key >> v) m[key.substr(0, key.size() - 1)] = v;
      return m;
    };
    REQUIRE(counts()["count"] > 3000);
    REQUIRE(counts()["packs"] == 0);
    // The desk's own gc.auto is kept: 0 turns packing off.
    REQUIRE(d.git("config gc.auto 0").code == 0);
    REQUIRE(d.sdesk("note " + id + " 不打包", "l1a").code == 0);
    CHECK(counts()["packs"] == 0);
    REQUIRE(d.git("config --unset gc.auto").code == 0);
    // Without it, the next write starts a detached git gc --auto that packs them.
    REQUIRE(d.sdesk("note " + id + " 打包", "l1a").code == 0);
    bool packed = false;
    for (int i = 0; i < 600 && !packed; ++i) {
      auto c = counts();
      packed = c["packs"] >= 1 && c["count"] < 100 && !fs::exists(d.dir() / ".git" / "gc.pid");
      if (!packed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(packed);
    CHECK(d.clean());
  }

  TEST_CASE("doctor brings files behind HEAD up to it and keeps a real hand edit") {
    TestDesk d;
    std::string id = d.new_ticket();
    REQUIRE(d.sdesk("note " + id + " 第一条", "l1a").code == 0);
    std::string path = d.git("ls-files tickets").line();
    Run ok = d.sdesk("doctor");
    CHECK(ok.out.find("nothing to repair") != std::string::npos);
    // What a kill of an earlier release left: work tree and index at the previous commit.
    REQUIRE(d.git("checkout HEAD~1 -- " + path).code == 0);
    CHECK(!d.clean());
    Run r = d.sdesk("doctor");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.find("brought " + path + " up to HEAD") != std::string::npos);
    CHECK(d.clean());
    // A person's edit is theirs: doctor names it and leaves it.
    std::ofstream(d.dir() / path, std::ios::app) << "# 手工修改\n";
    Run kept = d.sdesk("doctor --json");
    REQUIRE_MESSAGE(kept.code == 0, kept.err);
    CHECK(kept.json()["hand_edits"] == nlohmann::json::array({path}));
    CHECK(read_file(d.dir() / path).find("# 手工修改") != std::string::npos);
  }

  TEST_CASE("a clone copied with cp makes itself a new identity: no ID is made twice") {
    TestDesk d;
    REQUIRE(d.sdesk("note " + d.new_ticket() + " x", "l1a").code == 0);  // identity in use
    TempDir copy;
    REQUIRE(sh(copy.path(), "cp -a " + q(d.dir().string()) + " desk").code == 0);
    fs::path other = copy.path() / "desk";
    std::string args =
        "new --title 同秒 --customer 财务部 --contact 1380000 --channel hotline --priority P3 "
        "--need 恢复 --required-by 2026-03-05 --env os=win --as l1a";
    std::map<std::string, std::string> env{{"SDESK_NOW", "2026-03-02T10:00:00+08:00"}};
    Run a = run_sdesk(d.dir(), args, env), b = run_sdesk(other, args, env);
    REQUIRE(a.code == 0);
    REQUIRE(b.code == 0);
    CHECK(a.line() != b.line());
    Run ea = run_sdesk(d.dir(), "show " + a.line() + " --json", env);
    Run eb = run_sdesk(other, "show " + b.line() + " --json", env);
    CHECK(ea.json()["events"][0]["id"] != eb.json()["events"][0]["id"]);
    CHECK(read_file(d.dir() / ".git/sdesk/clone") != read_file(other / ".git/sdesk/clone"));
  }
}

TEST_SUITE("command/store") {
  TEST_CASE(
      "a clock behind the ticket's last event: within the skew window it acts, beyond it is "
      "refused") {
    TestDesk d;
    d.at("2026-03-02T10:00:00+08:00");
    std::string id = d.new_ticket();
    REQUIRE(d.sdesk("take " + id, "l1a").code == 0);
    REQUIRE(d.sdesk("start " + id, "l1a").code == 0);
    REQUIRE(d.sdesk("resolve " + id + " --solution 重启", "l1a").code == 0);
    // A laptop five minutes slow: its note and its close are ordered after what it saw.
    d.at("2026-03-02T09:55:00+08:00");
    Run note = d.sdesk("note " + id + " 慢五分钟", "l1a");
    REQUIRE_MESSAGE(note.code == 0, note.err);
    Run close = d.sdesk("close " + id + " --confirmed-by 王先生", "l1a");
    REQUIRE_MESSAGE(close.code == 0, close.err);
    auto j = d.sdesk("show " + id + " --json").json();
    CHECK(j["status"] == "closed");
    auto last = j["events"].back();
    CHECK(last["action"] == "close");
    CHECK(last["clock"] == "2026-03-02T09:55:00+08:00");
    CHECK(last["at"] == "2026-03-02T10:00:00+08:00");
    CHECK(d.sdesk("verify").code == 0);
    // Two days behind is no skew: refused, naming both times, nothing written.
    int before = d.commits();
    d.at("2026-02-28T10:00:00+08:00");
    Run late = d.sdesk("note " + id + " 太早", "l1a");
    CHECK(late.code == 4);
    CHECK(late.err.find("2026-02-28T10:00:00+08:00") != std::string::npos);
    CHECK(late.err.find("2026-03-02T10:00:00+08:00") != std::string::npos);
    CHECK(d.commits() == before);
    CHECK(d.clean());
  }

  TEST_CASE("log tells an entry recorded with a back-dated SDESK_NOW from a live one") {
    TestDesk d("2026-03-02T09:00:00+08:00");
    std::string id = d.new_ticket();
    Run log = d.sdesk("log " + id + " --json");
    REQUIRE(log.code == 0);
    auto entry = log.json()[0];
    CHECK(entry["backdated"] == true);  // SDESK_NOW is months before the system clock
    CHECK(entry["at"] == "2026-03-02T09:00:00+08:00");
    CHECK(entry["recorded_at"] != entry["at"]);
    Run live = sh(d.dir(), q(SDESK_BINARY) + " note " + id + " 实时 --as l1a");
    REQUIRE_MESSAGE(live.code == 0, live.err);
    Run log2 = sh(d.dir(), q(SDESK_BINARY) + " log " + id + " --json");
    CHECK(log2.json()[0]["backdated"] == false);
  }
}

TEST_SUITE("unit/merge") {
  TEST_CASE("two different events under one ID are both kept, the same way in any order") {
    sdesk::Json a = {{"id", "1JQ8Z4K2M00000000000A1"},
                     {"at", "2026-03-02T10:00:00+08:00"},
                     {"by", "l1a"},
                     {"action", "note"},
                     {"text", "甲"}};
    sdesk::Json b = a;
    b["text"] = "乙";
    auto ab = sdesk::union_events({a}, {b}), ba = sdesk::union_events({b}, {a});
    REQUIRE(ab.size() == 2);
    CHECK(ab == ba);
    CHECK(ab[0]["id"] != ab[1]["id"]);
    // Meeting the pair again (one side already merged) keeps exactly two.
    CHECK(sdesk::union_events(ab, {a}).size() == 2);
    CHECK(sdesk::union_events({b}, ab).size() == 2);
    CHECK(sdesk::union_events({a}, {a}).size() == 1);
  }
}
