// Many clones, one bare repository served by real servers on 127.0.0.1 (`git daemon`, sshd
// with keys, lighttpd with `git http-backend` and basic authentication): sync in any order,
// plain `git pull` through the merge driver, the pre-receive hook, and failures that lose
// nothing and print no credential.
#include "lib/sync/sync.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "lib/ticket/ticket.hpp"
#include "lib/util/crash.hpp"
#include "tests/helpers.hpp"
#include "tests/servers.hpp"

using namespace sdesk::test;
namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::string> kGitIdentity = {
    {"GIT_AUTHOR_NAME", "Tester"},
    {"GIT_AUTHOR_EMAIL", "tester@example.com"},
    {"GIT_COMMITTER_NAME", "Tester"},
    {"GIT_COMMITTER_EMAIL", "tester@example.com"}};

// One clone of the shared desk, with its own ID node and clock.
struct Clone {
  fs::path dir;
  std::map<std::string, std::string> env;  // for sdesk and git (GIT_SSH_COMMAND)
  std::string now = "2026-03-02T10:00:00+08:00";
  Run sdesk(const std::string& args, const std::string& as = "pm1") const {
    std::map<std::string, std::string> all = env;
    all["SDESK_NOW"] = now;
    if (!as.empty()) all["SDESK_USER"] = as;
    std::string cmd = SDESK_BINARY;
    cmd += ' ';
    cmd += args;
    return sh(dir, cmd, all);
  }
  Run git(const std::string& args) const {
    std::map<std::string, std::string> all = env;
    all.insert(kGitIdentity.begin(), kGitIdentity.end());
    return sh(dir, "git " + args, all);
  }
  std::string tree() const { return git("rev-parse HEAD^{tree}").line(); }
  bool clean() const {
    Run r = git("status --porcelain");
    return r.code == 0 && r.out.empty();
  }
  std::string new_ticket(const std::string& title, const std::string& as = "l1a") const {
    Run r = sdesk("new --title " + q(title) +
                      " --customer 财务部 --contact 13800000000 --channel hotline --priority P3"
                      " --need 恢复 --required-by 2026-12-31 --env os=Linux",
                  as);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    return r.line();
  }
};

// A seeded desk pushed to root/desk.git, and clones of it.
struct Shared {
  TempDir root;
  TestDesk seed;
  Shared() {
    REQUIRE(sh(root.path(), "git init -q --bare -b main desk.git").code == 0);
    REQUIRE(seed.git("push -q " + q((root.path() / "desk.git").string()) + " main").code == 0);
  }
  fs::path bare() const { return root.path() / "desk.git"; }
  Clone clone(const std::string& url, const std::string& name, const std::string& node,
              const std::map<std::string, std::string>& env = {}) const {
    Run r = sh(root.path(), "git clone -q " + q(url) + " " + name, env);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    Clone c{root.path() / name, env};
    fs::create_directories(c.dir / ".git" / "sdesk");
    std::ofstream(c.dir / ".git" / "sdesk" / "clock")
        << (node.find(' ') == std::string::npos ? node + " 0 0" : node) << "\n";
    force_identity(c.dir, node.substr(0, 2));
    return c;
  }
};

nlohmann::json show(const Clone& c, const std::string& id) {
  Run r = c.sdesk("show " + id + " --json");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return r.json();
}

// What a failed sync must leave as it was: HEAD, every ref, the work tree and index.
std::string snapshot(const Clone& c) {
  return c.git("rev-parse HEAD").out + c.git("for-each-ref").out + c.git("status --porcelain").out;
}

// The note texts of a ticket.
std::multiset<std::string> notes(const Clone& c, const std::string& id) {
  std::multiset<std::string> out;
  nlohmann::json j = show(c, id);  // kept: the loop reads into it
  for (const auto& e : j["events"])
    if (e["action"] == "note") out.insert(e["text"].get<std::string>());
  return out;
}

// Three clones of one server: each works offline (a new ticket and a note on a shared one),
// then all sync in turn, quietly (stderr is no terminal), until they agree with the server.
void three_clones_agree(const Shared& s, Clone& a, Clone& b, Clone& c) {
  std::string t = a.new_ticket("共享打印机故障");
  for (const Clone* k : {&a, &b, &c}) {
    Run r = k->sdesk("sync");
    INFO(k->dir << ": " << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
  }
  a.now = "2026-03-02T11:00:00+08:00";
  b.now = "2026-03-02T11:05:00+08:00";
  c.now = "2026-03-02T11:10:00+08:00";
  std::set<std::string> created{t};
  for (const Clone* k : {&a, &b, &c}) {
    created.insert(k->new_ticket("离线工单"));
    REQUIRE(k->sdesk("note " + t + " " + q(k->dir.filename().string() + " 的备注"), "l1a").code ==
            0);
  }
  for (const Clone* k : {&b, &c, &a, &b, &c}) {
    Run r = k->sdesk("sync --json");
    INFO(k->dir << ": " << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(k->clean());
  }
  CHECK(a.tree() == b.tree());
  CHECK(b.tree() == c.tree());
  CHECK(sh(s.bare(), "git rev-parse main^{tree}").line() == a.tree());
  std::string got;
  for (const auto& n : notes(c, t)) got += n + "|";
  CHECK(got == "a 的备注|b 的备注|c 的备注|");
  Run list = a.sdesk("list --json");
  REQUIRE(list.code == 0);
  CHECK(list.json().size() == created.size());
  CHECK(created.size() == 4);
  for (const Clone* k : {&a, &b, &c}) CHECK(k->git("fsck --strict").code == 0);
}

}  // namespace

TEST_SUITE("sync/daemon") {
  TEST_CASE("three clones change one ticket offline; syncs in any order agree, nothing lost") {
    Shared s;
    GitDaemon daemon(s.root.path());
    std::string url = daemon.url("desk.git");
    Clone a = s.clone(url, "a", "A1"), b = s.clone(url, "b", "B2"), c = s.clone(url, "c", "C3");
    std::string t = a.new_ticket("共享打印机故障");
    REQUIRE(a.sdesk("take " + t, "l1a").code == 0);
    REQUIRE(a.sdesk("start " + t, "l1a").code == 0);
    Run r = a.sdesk("sync --json");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["pushed"] == true);
    REQUIRE(b.sdesk("sync").code == 0);
    REQUIRE(c.sdesk("sync").code == 0);
    CHECK(b.tree() == a.tree());
    size_t base_events = show(b, t)["events"].size();

    // Offline work in each clone: new tickets and one concurrent change each to t.
    a.now = "2026-03-02T11:00:00+08:00";
    b.now = "2026-03-02T11:05:00+08:00";
    c.now = "2026-03-02T11:10:00+08:00";
    std::set<std::string> created;
    for (const Clone* k : {&a, &b, &c})
      for (int i = 0; i < 2; ++i) created.insert(k->new_ticket("离线工单"));
    CHECK(created.size() == 6);
    REQUIRE(a.sdesk("note " + t + " " + q("已远程查看"), "l1a").code == 0);
    REQUIRE(b.sdesk("escalate " + t + " --to l2 --reason 驱动问题 --done 重启无效", "l1a").code ==
            0);
    REQUIRE(c.sdesk("resolve " + t + " --solution 更换硒鼓", "l1a").code == 0);

    for (const Clone* k : {&b, &c, &a, &b, &c}) {
      Run s1 = k->sdesk("sync --json");
      INFO(k->dir << ": " << s1.err);
      REQUIRE(s1.code == 0);
      CHECK(k->clean());
    }
    CHECK(a.tree() == b.tree());
    CHECK(b.tree() == c.tree());
    Run bare_tree = sh(s.bare(), "git rev-parse main^{tree}");
    CHECK(bare_tree.line() == a.tree());

    // Every event is there once, the late resolve is kept and marked, and recorded as a conflict.
    auto j = show(c, t);
    std::set<std::string> ids;
    int notes = 0, escalations = 0, resolves = 0, conflicts = 0;
    for (const auto& e : j["events"]) {
      CHECK(ids.insert(e["id"].get<std::string>()).second);
      std::string act = e["action"];
      notes += act == "note";
      escalations += act == "escalate";
      resolves += act == "resolve";
      conflicts += act == "conflict";
    }
    CHECK(notes == 1);
    CHECK(escalations == 1);
    CHECK(resolves == 1);
    CHECK(conflicts == 1);
    CHECK(j["events"].size() == base_events + 4);
    CHECK(j["status"] == "new");
    CHECK(j["tier"] == "l2");
    Run cf = c.sdesk("conflicts --json");
    REQUIRE(cf.code == 0);
    REQUIRE(cf.json().size() == 1);
    CHECK(cf.json()[0]["id"] == t);
    CHECK(cf.json()[0]["action"] == "resolve");

    // All six offline tickets are everywhere; the merge commit carries the sync trailers.
    Run list = a.sdesk("list --json");
    REQUIRE(list.code == 0);
    std::set<std::string> listed;
    for (const auto& row : list.json()) listed.insert(row["id"].get<std::string>());
    for (const auto& id : created) CHECK(listed.count(id) == 1);
    std::string merge = a.git("log --merges -1 --format=%B").out;
    CHECK(merge.find("desk: sync") == 0);
    CHECK(merge.find("Sdesk-Object: desk") != std::string::npos);
    CHECK(merge.find("Sdesk-Action: sync") != std::string::npos);
    for (const Clone* k : {&a, &b, &c}) CHECK(k->git("fsck --strict").code == 0);
    CHECK(sh(s.bare(), "git fsck --strict").code == 0);
    CHECK(a.sdesk("verify").code == 0);
  }

  TEST_CASE("a kill at every step of a merging sync is repaired, and the next sync completes") {
    Shared s;
    GitDaemon daemon(s.root.path());
    std::string url = daemon.url("desk.git");
    Clone a = s.clone(url, "a", "A1"), b = s.clone(url, "b", "B2");
    int minute = 10;
    for (std::string step : sdesk::kWriteSteps) {
      CAPTURE(step);
      a.now = b.now = "2026-03-02T11:" + std::to_string(minute++) + ":00+08:00";
      std::string theirs = b.new_ticket("乙在" + step);
      REQUIRE(b.sdesk("sync").code == 0);
      std::string mine = a.new_ticket("甲在" + step);
      std::map<std::string, std::string> env{
          {"SDESK_CRASH_AT", step}, {"SDESK_NOW", a.now}, {"SDESK_USER", "pm1"}};
      Run killed = sh(a.dir, std::string(SDESK_BINARY) + " sync", env);
      // Every step but `objects` (a merge commit is written without one) is reached.
      CHECK((killed.code != 0) == (step != "objects"));
      // The next command repairs what the kill left; the next sync finishes the work.
      Run list = a.sdesk("list --json");
      REQUIRE_MESSAGE(list.code == 0, list.err);
      CHECK(a.clean());
      Run again = a.sdesk("sync");
      REQUIRE_MESSAGE(again.code == 0, again.err);
      CHECK(a.clean());
      CHECK(!fs::exists(a.dir / ".git" / "sdesk" / "journal"));
      CHECK(a.git("rev-parse HEAD").line() == sh(s.bare(), "git rev-parse main").line());
      for (const std::string& id : {theirs, mine}) CHECK(a.sdesk("show " + id).code == 0);
    }
    CHECK(a.git("fsck --strict").code == 0);
    CHECK(a.sdesk("verify").code == 0);
  }

  TEST_CASE("the pre-receive hook refuses bad pushes with the reason and accepts good ones") {
    Shared s;
    Run inst = sh(s.root.path(), std::string(SDESK_BINARY) + " -C desk.git hook install");
    REQUIRE_MESSAGE(inst.code == 0, inst.err);
    CHECK(fs::exists(s.bare() / "hooks" / "pre-receive"));
    CHECK(read_file(s.bare() / "hooks" / "pre-receive").find(SDESK_BINARY) != std::string::npos);
    GitDaemon daemon(s.root.path());
    Clone a = s.clone(daemon.url("desk.git"), "a", "A1");

    // A good push: tickets made by sdesk and escalated to l2.
    std::string t = a.new_ticket("核心交换机告警");
    REQUIRE(a.sdesk("take " + t, "l1a").code == 0);
    REQUIRE(a.sdesk("escalate " + t + " --to l2 --assign l2a --reason 硬件 --done 已重启", "l1a")
                .code == 0);
    Run good = a.sdesk("sync");
    REQUIRE_MESSAGE(good.code == 0, good.err);
    CHECK(sh(s.bare(), "git rev-parse main").line() == a.git("rev-parse HEAD").line());

    std::string path = a.git("ls-files tickets").line();
    auto rewrite = [&](const std::function<void(std::vector<nlohmann::ordered_json>&)>& edit) {
      sdesk::Ticket tk = sdesk::parse_ticket_fast(read_file(a.dir / path), path);
      std::vector<nlohmann::ordered_json> events = tk.events;
      edit(events);
      std::ofstream(a.dir / path) << sdesk::ticket_yaml(sdesk::fold_ticket(t, events));
    };
    auto commit_as = [&](const std::string& name, const std::string& email,
                         const std::string& action) {
      std::map<std::string, std::string> id{{"GIT_AUTHOR_NAME", name},
                                            {"GIT_AUTHOR_EMAIL", email},
                                            {"GIT_COMMITTER_NAME", name},
                                            {"GIT_COMMITTER_EMAIL", email}};
      REQUIRE(sh(a.dir,
                 "git commit -q -am " +
                     q(t + ": " + action + "\n\nSdesk-Object: " + t + "\nSdesk-Action: " + action),
                 id)
                  .code == 0);
    };
    auto push_refused = [&](const std::string& reason) {
      Run p = a.git("push origin main");
      INFO(p.err);
      CHECK(p.code != 0);
      CHECK(p.err.find(reason) != std::string::npos);
      CHECK(a.git("reset -q --hard origin/main").code == 0);
    };

    SUBCASE("an l1 escalating to a vendor by hand") {
      rewrite([&](auto& ev) {
        ev.push_back({{"id", "1ZZZZZZZZZA1"},
                      {"at", "2026-03-02T10:30:00+08:00"},
                      {"by", "l1a"},
                      {"action", "escalate"},
                      {"to", "vendor"},
                      {"vendor", "acme"},
                      {"reason", "坏了"},
                      {"done", "无"}});
      });
      commit_as("张三", "l1a@example.com", "escalate");
      push_refused("only l2 or the PM escalates to a vendor");
    }
    SUBCASE("a commit that deletes an event") {
      rewrite([](auto& ev) { ev.pop_back(); });
      commit_as("王经理", "pm1@example.com", "edit");
      push_refused("was removed");
    }
    SUBCASE("a file that fails its schema") {
      std::string text = read_file(a.dir / path);
      auto at = text.find("priority: P3");
      REQUIRE(at != std::string::npos);
      text.replace(at, 12, "priority: P9");
      std::ofstream(a.dir / path) << text;
      commit_as("王经理", "pm1@example.com", "edit");
      push_refused("priority");
    }
    CHECK(sh(s.bare(), "git rev-parse main").line() == a.git("rev-parse HEAD").line());
  }
}

TEST_SUITE("sync/transport") {
  TEST_CASE("credentials are removed from every URL sdesk prints or records") {
    using sdesk::redact_credentials;
    CHECK(redact_credentials("https://alice:pw@git.example.com/desk.git") ==
          "https://git.example.com/desk.git");
    CHECK(redact_credentials("https://ghp_token@git.example.com/desk") ==
          "https://git.example.com/desk");
    CHECK(redact_credentials("ssh://ops@10.0.0.1:2222/srv/desk.git") ==
          "ssh://ops@10.0.0.1:2222/srv/desk.git");
    CHECK(redact_credentials("ssh://ops:pw@10.0.0.1/srv/desk.git") ==
          "ssh://10.0.0.1/srv/desk.git");
    CHECK(redact_credentials("fatal: unable to access 'http://u:p@h:8080/x/': 403") ==
          "fatal: unable to access 'http://h:8080/x/': 403");
    CHECK(redact_credentials("origin") == "origin");
    CHECK(redact_credentials("git@host:desk.git") == "git@host:desk.git");
    CHECK(redact_credentials("a http://u:p@h/ b https://v:q@k") == "a http://h/ b https://k");
  }

  TEST_CASE("the line that says why git failed: the server's word, else ssh's or git's first") {
    using sdesk::transport_failure;
    CHECK(transport_failure("root@127.0.0.1: Permission denied (publickey).\r\nfatal: Could not "
                            "read from remote repository.\n\nPlease make sure …\n",
                            128) == "root@127.0.0.1: Permission denied (publickey).");
    CHECK(transport_failure("remote: Enumerating objects: 5, done.\nremote: abc1234 tickets/x: "
                            "bad\nremote: sdesk: error: verify: 1 finding\nTo /srv/desk.git\n ! "
                            "[remote rejected] main -> main (pre-receive hook declined)\n",
                            1) == "abc1234 tickets/x: bad");
    CHECK(transport_failure("To /srv/desk.git\n ! [rejected]        main -> main (fetch first)\n"
                            "error: failed to push some refs\nhint: Updates were rejected\n",
                            1) == "! [rejected]        main -> main (fetch first)");
    CHECK(transport_failure("Writing objects:  50% (1/2)\rWriting objects: 100% (2/2), done.\n"
                            "fatal: Authentication failed for 'http://u:pw@h/x/'\n",
                            128) == "fatal: Authentication failed for 'http://h/x/'");
    CHECK(transport_failure("", 9) == "git exited with status 9");
  }
}

TEST_SUITE("sync/ssh") {
  TEST_CASE("three clones sync through sshd by an ssh config's host alias and by ssh:// URLs") {
    Shared s;
    TempDir conf;
    SshServer ssh(conf.path() / "ssh");
    // The operator's ssh configuration, as git is given it: the alias exists only there.
    std::map<std::string, std::string> env{{"GIT_SSH_COMMAND", ssh.ssh_command()}};
    Clone a = s.clone(ssh.alias_url(s.bare()), "a", "A1", env);
    Clone b = s.clone(ssh.url(s.bare()), "b", "B2", env);
    Clone c = s.clone(ssh.alias_url(s.bare()), "c", "C3", env);
    three_clones_agree(s, a, b, c);

    // A URL given on the command line (with its user) is used as it is and named as it is.
    c.now = "2026-03-02T12:00:00+08:00";
    c.new_ticket("按地址同步");
    Run r = c.sdesk("sync " + q(ssh.url(s.bare())) + " --json");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["remote"] == ssh.url(s.bare()));
    CHECK(r.json()["pushed"] == true);
    CHECK(sh(s.bare(), "git rev-parse main").line() == c.git("rev-parse HEAD").line());
  }

  TEST_CASE("a key the server does not know: exit 5, one line naming the remote, nothing changed") {
    Shared s;
    TempDir conf;
    SshServer ssh(conf.path() / "ssh");
    Clone a = s.clone(ssh.alias_url(s.bare()), "a", "A1", {{"GIT_SSH_COMMAND", ssh.ssh_command()}});
    a.new_ticket("离线记录");
    std::string before = snapshot(a);
    std::string bare_before = sh(s.bare(), "git for-each-ref").out;
    a.env["GIT_SSH_COMMAND"] = ssh.ssh_command(false);
    for (const std::string& remote : {std::string(), ssh.url(s.bare())}) {
      CAPTURE(remote);
      Run r = a.sdesk("sync " + (remote.empty() ? std::string() : q(remote)));
      INFO(r.err);
      CHECK(r.code == 5);
      std::string name = remote.empty() ? std::string("origin") : remote;
      CHECK(r.err.rfind("sdesk: error: cannot fetch from " + name + ": ", 0) == 0);
      CHECK(r.err.find("Permission denied (publickey)") != std::string::npos);
      CHECK(r.out.empty());
      CHECK(snapshot(a) == before);
      CHECK(sh(s.bare(), "git for-each-ref").out == bare_before);
    }
  }
}

TEST_SUITE("sync/http") {
  const std::string kPassword = "Gq7-desk-S3cret";

  TEST_CASE("three clones sync through smart HTTP with basic authentication, no password shown") {
    Shared s;
    TempDir conf;
    HttpServer http(conf.path() / "http", s.root.path(), "alice", kPassword);
    // a and b get the password from a credential helper, as git does; c from its remote's URL.
    fs::path store = conf.path() / "credentials";
    write_file(store, http.credential_line(kPassword));
    std::map<std::string, std::string> helper{
        {"GIT_CONFIG_COUNT", "1"},
        {"GIT_CONFIG_KEY_0", "credential.helper"},
        {"GIT_CONFIG_VALUE_0", "store --file=" + store.string()}};
    Clone a = s.clone(http.url("desk.git"), "a", "A1", helper);
    Clone b = s.clone(http.url("desk.git"), "b", "B2", helper);
    Clone c = s.clone(http.url("desk.git", true), "c", "C3");
    three_clones_agree(s, a, b, c);

    // Changes on both sides, synced by a URL holding the password: merged, and the password is
    // neither printed nor written into the merge commit.
    a.now = "2026-03-02T12:00:00+08:00";
    c.now = "2026-03-02T12:05:00+08:00";
    a.new_ticket("甲的新工单");
    REQUIRE(a.sdesk("sync").code == 0);
    c.new_ticket("丙的新工单");
    for (const std::string& format : {std::string(" --json"), std::string()}) {
      Run r = c.sdesk("sync " + q(http.url("desk.git", true)) + format);
      INFO(r.out << r.err);
      REQUIRE(r.code == 0);
      CHECK(r.out.find(kPassword) == std::string::npos);
      CHECK(r.err.find(kPassword) == std::string::npos);
      CHECK(r.out.find(http.url("desk.git")) != std::string::npos);
      if (!format.empty()) CHECK(r.json()["outcome"] == "merged");
    }
    CHECK(c.git("log --merges -1 --format=%B").out.find("from " + http.url("desk.git")) !=
          std::string::npos);
    for (const Clone* k : {&a, &b, &c})
      CHECK(k->git("log --all --format=%B").out.find(kPassword) == std::string::npos);
    CHECK(read_file(a.dir / ".git" / "config").find(kPassword) == std::string::npos);
    REQUIRE(a.sdesk("sync").code == 0);
    CHECK(a.tree() == c.tree());
  }

  TEST_CASE("a wrong password or none: exit 5, one line naming the remote, nothing changed") {
    Shared s;
    TempDir conf;
    HttpServer http(conf.path() / "http", s.root.path(), "alice", kPassword);
    fs::path store = conf.path() / "credentials";
    write_file(store, http.credential_line(kPassword));
    Clone a = s.clone(http.url("desk.git"), "a", "A1",
                      {{"GIT_CONFIG_COUNT", "1"},
                       {"GIT_CONFIG_KEY_0", "credential.helper"},
                       {"GIT_CONFIG_VALUE_0", "store --file=" + store.string()}});
    a.new_ticket("离线记录");
    std::string before = snapshot(a);
    std::string bare_before = sh(s.bare(), "git for-each-ref").out;
    const std::string wrong = "Wr0ng-Passw0rd";
    auto refused = [&](const Run& r, const std::string& name, const std::string& why) {
      INFO(r.err);
      CHECK(r.code == 5);
      CHECK(r.err.rfind("sdesk: error: cannot fetch from " + name + ": ", 0) == 0);
      CHECK(r.err.find(why) != std::string::npos);
      CHECK(r.err.find(wrong) == std::string::npos);
      CHECK(r.err.find(kPassword) == std::string::npos);
      CHECK(r.out.empty());
      CHECK(snapshot(a) == before);
      CHECK(sh(s.bare(), "git for-each-ref").out == bare_before);
    };
    SUBCASE("a credential helper's wrong password") {
      write_file(store, http.credential_line(wrong));
      refused(a.sdesk("sync"), "origin", "Authentication failed");
    }
    SUBCASE("a wrong password in the URL") {
      std::string url = http.url("desk.git", true);
      url.replace(url.find(kPassword), kPassword.size(), wrong);
      refused(a.sdesk("sync " + q(url)), http.url("desk.git"), "Authentication failed");
    }
    SUBCASE("no credential at all: git is not let ask for one") {
      a.env.clear();
      refused(a.sdesk("sync"), "origin", "terminal prompts disabled");
    }
  }

  TEST_CASE("on a terminal sync shows its steps and git's progress; elsewhere it is quiet") {
    REQUIRE_MESSAGE(sh(fs::current_path(), "sh -c 'command -v script'").code == 0,
                    "script(1) is not installed: no pseudo-terminal to test with");
    Shared s;
    TempDir conf;
    HttpServer http(conf.path() / "http", s.root.path(), "alice", kPassword);
    Clone a = s.clone(http.url("desk.git", true), "a", "A1");
    a.new_ticket("终端进度");
    std::string inner = "script -qec " + q(std::string(SDESK_BINARY) + " sync") + " /dev/null";
    Run r = sh(a.dir, "sh -c " + q(inner), {{"SDESK_NOW", a.now}, {"SDESK_USER", "pm1"}});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("sdesk: fetching refs/heads/main from origin") != std::string::npos);
    CHECK(r.out.find("Writing objects: 100%") != std::string::npos);
    CHECK(r.out.find("pushed main to origin") != std::string::npos);
    CHECK(r.out.find(kPassword) == std::string::npos);
    a.now = "2026-03-02T10:30:00+08:00";
    a.new_ticket("非终端");
    Run quiet = a.sdesk("sync");
    REQUIRE(quiet.code == 0);
    CHECK(quiet.err.empty());
    CHECK(quiet.out == "pushed main to origin\n");
  }
}

TEST_SUITE("sync/git") {
  TEST_CASE("a plain git pull merges one ticket's concurrent changes with no conflict markers") {
    Shared s;
    std::string url = s.bare().string();
    Clone a = s.clone(url, "a", "A1"), b = s.clone(url, "b", "B2");
    std::string t = a.new_ticket("VPN 无法连接");
    REQUIRE(a.sdesk("take " + t, "l1a").code == 0);
    REQUIRE(a.git("push -q origin main").code == 0);
    REQUIRE(b.git("pull -q --no-rebase origin main").code == 0);
    // The first sdesk command in the clone registered the driver by this binary's path.
    REQUIRE(b.sdesk("show " + t).code == 0);
    CHECK(b.git("config merge.sdesk.driver").out.find(SDESK_BINARY) != std::string::npos);
    a.now = "2026-03-02T10:10:00+08:00";
    b.now = "2026-03-02T10:20:00+08:00";
    REQUIRE(a.sdesk("note " + t + " " + q("甲的备注"), "l1a").code == 0);
    REQUIRE(b.sdesk("start " + t, "l1a").code == 0);
    REQUIRE(b.sdesk("note " + t + " " + q("乙的备注"), "l1a").code == 0);
    REQUIRE(a.git("push -q origin main").code == 0);
    Run pull = b.git("pull --no-rebase --no-edit origin main");
    INFO(pull.out << pull.err);
    REQUIRE(pull.code == 0);
    std::string text = read_file(b.dir / b.git("ls-files tickets").line());
    CHECK(text.find("<<<<<<<") == std::string::npos);
    CHECK(text.find("甲的备注") != std::string::npos);
    CHECK(text.find("乙的备注") != std::string::npos);
    auto j = show(b, t);
    CHECK(j["status"] == "in_progress");
    CHECK(b.clean());
  }

  TEST_CASE("an unreachable remote or a real text conflict stops the sync with nothing lost") {
    Shared s;
    std::string url = s.bare().string();
    Clone a = s.clone(url, "a", "A1"), b = s.clone(url, "b", "B2");
    std::string before = a.git("rev-parse HEAD").line();
    a.new_ticket("离线记录");
    std::string mine = a.git("rev-parse HEAD").line();
    Run r = a.sdesk("sync git://127.0.0.1:1/nothing.git");
    CHECK(r.code == 5);
    CHECK(r.err.find("cannot fetch") != std::string::npos);
    CHECK(a.git("rev-parse HEAD").line() == mine);
    CHECK(a.clean());

    // The same line of a file that is not an sdesk object, changed in both clones.
    for (const Clone* k : {&a, &b}) {
      std::ofstream(k->dir / "README.txt") << "desk notes: " << k->dir.filename().string() << "\n";
      REQUIRE(k->git("add README.txt").code == 0);
      REQUIRE(k->git("commit -q -m readme").code == 0);
    }
    REQUIRE(b.sdesk("sync").code == 0);
    mine = a.git("rev-parse HEAD").line();
    Run c = a.sdesk("sync");
    CHECK(c.code == 5);
    CHECK(c.err.find("README.txt") != std::string::npos);
    CHECK(a.git("rev-parse HEAD").line() == mine);
    CHECK(a.clean());
    CHECK(before != mine);
  }

  TEST_CASE("sync to a guarded bare repository by path or file:// URL runs its pre-receive hook") {
    Shared s;
    Run inst = sh(s.root.path(), std::string(SDESK_BINARY) + " -C desk.git hook install");
    REQUIRE_MESSAGE(inst.code == 0, inst.err);
    Clone a = s.clone(s.bare().string(), "a", "A1");
    auto bare_main = [&] { return sh(s.bare(), "git rev-parse main").line(); };

    // A good change syncs through the hook.
    std::string t = a.new_ticket("磁盘告警");
    Run good = a.sdesk("sync");
    REQUIRE_MESSAGE(good.code == 0, good.err);
    CHECK(bare_main() == a.git("rev-parse HEAD").line());
    std::string guarded = bare_main();

    // A hand edit committed with plain git: the state block no longer agrees with the events.
    std::string path = a.git("ls-files tickets").line();
    REQUIRE(a.git("ls-files tickets").out.find(t) != std::string::npos);
    REQUIRE(sh(a.dir, "sed -i 's/^status: .*/status: cancelled/' " + q(path)).code == 0);
    REQUIRE(a.git("commit -q -am bad").code == 0);
    std::string bad = a.git("rev-parse HEAD").line();
    // A surrounding hook's repository variables must not reach the push.
    std::map<std::string, std::string> hook_env{
        {"SDESK_NOW", a.now},
        {"SDESK_USER", "pm1"},
        {"GIT_DIR", (s.seed.dir() / ".git").string()},
        {"GIT_WORK_TREE", s.seed.dir().string()},
        {"GIT_OBJECT_DIRECTORY", (s.root.path() / "nowhere").string()}};
    for (const std::string& remote : {std::string(), "file://" + s.bare().string()}) {
      INFO("remote: " << (remote.empty() ? "origin" : remote));
      Run r = sh(a.dir, std::string(SDESK_BINARY) + " sync " + (remote.empty() ? "" : q(remote)),
                 hook_env);
      INFO(r.err);
      CHECK(r.code == 5);
      CHECK(r.err.find("refused the push") != std::string::npos);
      // The hook's first finding: "<commit> <path>: <why>".
      CHECK(r.err.find("refused the push: " + bad.substr(0, 10) + " ") != std::string::npos);
      CHECK(bare_main() == guarded);
      CHECK(a.git("rev-parse HEAD").line() == bad);
      CHECK(a.clean());
    }

    // Undo the bad commit; a good change still syncs by path and by file:// URL.
    REQUIRE(a.git("reset -q --hard " + guarded).code == 0);
    a.now = "2026-03-02T10:30:00+08:00";
    REQUIRE(a.sdesk("take " + t, "l1a").code == 0);
    hook_env["SDESK_NOW"] = a.now;
    Run ok = sh(a.dir, std::string(SDESK_BINARY) + " sync", hook_env);
    REQUIRE_MESSAGE(ok.code == 0, ok.err);
    CHECK(bare_main() == a.git("rev-parse HEAD").line());
    CHECK(bare_main() != guarded);
    a.now = "2026-03-02T10:40:00+08:00";
    REQUIRE(a.sdesk("start " + t, "l1a").code == 0);
    Run by_url = a.sdesk("sync " + q("file://" + s.bare().string()));
    REQUIRE_MESSAGE(by_url.code == 0, by_url.err);
    CHECK(bare_main() == a.git("rev-parse HEAD").line());
    CHECK(sh(s.bare(), std::string(SDESK_BINARY) + " verify --range main").code == 0);
  }

  TEST_CASE("the same ID made in two clones: the later ticket is renamed, the old ID kept") {
    Shared s;
    std::string url = s.bare().string();
    // The same node in both clones, and b's clock one second ahead of its SDESK_NOW (March's
    // last object second: 10:00 on the 2nd, less one): the same ticket ID for two different
    // tickets (b's made a second earlier).
    Clone a = s.clone(url, "a", "A1"), b = s.clone(url, "b", "A1 0 0 2603 122399");
    std::string ta = a.new_ticket("甲的工单");
    b.now = "2026-03-02T09:59:59+08:00";
    std::string tb = b.new_ticket("乙的工单", "l1b");
    REQUIRE(ta == tb);
    REQUIRE(a.sdesk("sync").code == 0);
    b.now = "2026-03-02T10:30:00+08:00";
    Run r = b.sdesk("sync --json");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    REQUIRE(r.json()["renamed"].size() == 1);
    std::string renamed = r.json()["renamed"][0]["new"];
    CHECK(r.json()["renamed"][0]["old"] == ta);
    CHECK(renamed != ta);
    auto first = show(b, ta), second = show(b, renamed);
    CHECK(first["title"] == "乙的工单");
    CHECK(second["title"] == "甲的工单");
    CHECK(second["aliases"] == nlohmann::json::array({ta}));
    CHECK(second["events"].back()["action"] == "alias");
    CHECK(b.clean());
    CHECK(b.sdesk("verify").code == 0);
    REQUIRE(a.sdesk("sync").code == 0);
    CHECK(a.tree() == b.tree());
  }
}

TEST_SUITE("sync/objects") {
  TEST_CASE("a clone five minutes slow notes and closes a ticket made in another clone") {
    Shared s;
    std::string url = s.bare().string();
    Clone a = s.clone(url, "a", "A1"), b = s.clone(url, "b", "B2");
    a.now = "2026-03-02T10:00:00+08:00";
    std::string t = a.new_ticket("慢时钟");
    REQUIRE(a.sdesk("sync").code == 0);
    REQUIRE(b.sdesk("sync").code == 0);
    b.now = "2026-03-02T09:55:00+08:00";
    Run r = b.sdesk("note " + t + " 慢五分钟的备注", "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto j = show(b, t);
    CHECK(j["events"].back()["action"] == "note");
    CHECK(j["events"].back()["clock"] == "2026-03-02T09:55:00+08:00");
    CHECK(j["illegal"].is_null());
    CHECK(b.sdesk("verify").code == 0);
  }

  TEST_CASE("two clones on one identity: same event IDs and a same complaint ID, nothing lost") {
    Shared s;
    std::string url = s.bare().string();
    Clone a = s.clone(url, "a", "A1"), b = s.clone(url, "b", "A1");
    std::string t = a.new_ticket("共用节点");
    REQUIRE(a.sdesk("sync").code == 0);
    REQUIRE(b.sdesk("sync").code == 0);
    // The same second, the same identity and the same clock: the same event IDs.
    a.now = b.now = "2026-03-02T11:00:00+08:00";
    REQUIRE(a.sdesk("note " + t + " 甲的备注", "l1a").code == 0);
    REQUIRE(b.sdesk("note " + t + " 乙的备注", "l1a").code == 0);
    Run ca = a.sdesk("complaint new --customer 财务部 --text 甲的投诉", "l1a");
    Run cb = b.sdesk("complaint new --customer 人事部 --text 乙的投诉", "l1b");
    REQUIRE(ca.code == 0);
    REQUIRE(cb.code == 0);
    REQUIRE(ca.line() == cb.line());
    REQUIRE(a.sdesk("sync").code == 0);
    b.now = "2026-03-02T11:30:00+08:00";
    Run r = b.sdesk("sync --json");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    REQUIRE(a.sdesk("sync").code == 0);
    CHECK(a.tree() == b.tree());
    std::multiset<std::string> texts;
    auto shown = show(a, t);
    for (const auto& e : shown["events"])
      if (e["action"] == "note") texts.insert(e["text"].get<std::string>());
    CHECK(texts == std::multiset<std::string>{"甲的备注", "乙的备注"});
    Run list = a.sdesk("complaint list --json");
    REQUIRE(list.code == 0);
    std::set<std::string> customers;
    auto complaints = list.json();
    for (const auto& c : complaints) customers.insert(c["customer"].get<std::string>());
    CHECK(customers == std::set<std::string>{"财务部", "人事部"});
    Run v = a.sdesk("verify");
    CHECK_MESSAGE(v.code == 0, std::string(v.out + v.err));
  }

  TEST_CASE("concurrent changes to one complaint and one article merge through their folds") {
    Shared s;
    std::string url = s.bare().string();
    Clone a = s.clone(url, "a", "A1"), b = s.clone(url, "b", "B2");
    Run c = a.sdesk("complaint new --customer 财务部 --text " + q("回复太慢"), "l1a");
    REQUIRE_MESSAGE(c.code == 0, c.err);
    std::string cid = c.line();
    Run k = a.sdesk("kb new --title 打印机脱机 --symptom 脱机 --solution 重启", "l1a");
    REQUIRE_MESSAGE(k.code == 0, k.err);
    std::string kid = k.line();
    REQUIRE(a.sdesk("sync").code == 0);
    REQUIRE(b.sdesk("sync").code == 0);
    a.now = "2026-03-02T11:00:00+08:00";
    b.now = "2026-03-02T11:30:00+08:00";
    REQUIRE(a.sdesk("complaint investigate " + cid + " --text " + q("甲查明原因"), "l1a").code ==
            0);
    REQUIRE(b.sdesk("complaint investigate " + cid + " --text " + q("乙补充调查"), "l1b").code ==
            0);
    REQUIRE(a.sdesk("kb review " + kid, "l1a").code == 0);
    REQUIRE(b.sdesk("kb edit " + kid + " --cause " + q("驱动过旧"), "l1a").code == 0);
    REQUIRE(a.sdesk("sync").code == 0);
    Run r = b.sdesk("sync --json");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["merged"].size() == 2);
    Run cs = b.sdesk("complaint show " + cid + " --json");
    REQUIRE_MESSAGE(cs.code == 0, cs.err);
    std::string file = b.git("ls-files complaints").line();
    std::string text = read_file(b.dir / file);
    CHECK(text.find("甲查明原因") != std::string::npos);
    CHECK(text.find("乙补充调查") != std::string::npos);
    CHECK(text.find("<<<<<<<") == std::string::npos);
    Run ks = b.sdesk("kb show " + kid + " --json");
    REQUIRE_MESSAGE(ks.code == 0, ks.err);
    CHECK(ks.json()["status"] == "review");
    CHECK(ks.json()["cause"] == "驱动过旧");
    CHECK(b.clean());
  }
}
