// The guard of a central desk: the pre-receive hook that `sdesk hook install` writes refuses
// hostile pushes (forged authors, self-promotion, PM-only files changed by others, rewritten
// history, deleted branches, unsigned commits when the desk requires signatures) with the
// reason, and accepts an honest push by each role. Pushes go through the real git to a real
// bare repository; the pusher is named as servers name them (SDESK_PUSHER and its kin).
#include <doctest/doctest.h>

#include "tests/helpers.hpp"

using namespace sdesk::test;
namespace fs = std::filesystem;

namespace {

void append(const fs::path& file, const std::string& text) {
  write_file(file, read_file(file) + text);
}

// A desk whose staff have server logins, its central bare repository with the hook, and the
// desk's clone pushing to it as origin.
struct Central {
  TestDesk d;
  TempDir root;
  Central() {
    for (const auto& [id, login] : std::vector<std::pair<std::string, std::string>>{
             {"pm1", "wang"}, {"l1a", "zhang"}, {"l1b", "li"}, {"l2a", "wangwu"}}) {
      Run r = d.sdesk("staff set " + id + " --login " + login);
      REQUIRE_MESSAGE(r.code == 0, r.err);
    }
    REQUIRE(sh(root.path(), "git clone -q --bare " + q(d.dir().string()) + " desk.git").code == 0);
    Run inst = run_sdesk(root.path(), "-C desk.git hook install");
    REQUIRE_MESSAGE(inst.code == 0, inst.err);
    REQUIRE(d.git("remote add origin " + q(bare().string())).code == 0);
    REQUIRE(d.git("fetch -q origin").code == 0);
  }
  fs::path bare() const { return root.path() / "desk.git"; }
  // The central desk's main branch.
  std::string tip() const { return sh(bare(), "git rev-parse refs/heads/main").line(); }
  // Pushes the clone's HEAD as the server would see `login` push it ("" names nobody).
  Run push(const std::string& login, const std::string& what = "origin HEAD:main") const {
    std::map<std::string, std::string> env;
    if (!login.empty()) env["SDESK_PUSHER"] = login;
    return sh(d.dir(), "git push -q " + what, env);
  }
  // A commit made with plain git, authored as name <email>, with sdesk's trailers.
  Run hand_commit(const std::string& name, const std::string& email,
                  const std::string& extra = "") const {
    std::string who = "-c user.name=" + q(name) + " -c user.email=" + q(email);
    return d.git(who + " commit -q -a " + extra +
                 " -m 'desk: edit — by hand' -m 'Sdesk-Object: desk' -m 'Sdesk-Action: edit'");
  }
  // Expects the push refused with `why` and the central desk unchanged, then drops the commits.
  void refused(const Run& r, const std::string& before, const std::string& why) {
    INFO(r.out << r.err);
    CHECK(r.code != 0);
    CHECK(r.err.find(why) != std::string::npos);
    CHECK(tip() == before);
    REQUIRE(d.git("reset -q --hard origin/main").code == 0);
  }
};

}  // namespace

TEST_SUITE("sync/guard") {
  TEST_CASE("hostile pushes are refused with their reason; nothing reaches the central desk") {
    Central c;
    TestDesk& d = c.d;
    std::string id = d.new_ticket();
    REQUIRE(c.push("zhang").code == 0);  // honest: l1a pushes l1a's ticket
    std::string base = c.tip();

    SUBCASE("an l1 pushing a PM's commit made with --as pm1 (forged email)") {
      REQUIRE(d.sdesk("staff add mallory --name 恶意 --role pm", "pm1").code == 0);
      c.refused(c.push("zhang"), base, "but was pushed by l1a (login zhang)");
    }
    SUBCASE("a commit under the PM's name with another email (forged name)") {
      REQUIRE(c.hand_commit("王经理", "nobody@evil.example", "--allow-empty").code == 0);
      c.refused(c.push("wang"), base, "is not a staff member");
    }
    SUBCASE("an l1 promoting itself to PM in its own staff file") {
      sh(d.dir(), "sed -i 's/^role: l1/role: pm/' staff/l1a.yaml");
      Run local = d.sdesk("commit", "l1a");
      CHECK(local.code == 4);  // sdesk itself refuses it
      CHECK(local.err.find("only a PM changes this file") != std::string::npos);
      REQUIRE(c.hand_commit("张三", "l1a@example.com").code == 0);
      c.refused(c.push("zhang"), base, "only a PM changes staff/l1a.yaml");
    }
    SUBCASE("an l2 changing desk.yaml (SLA targets)") {
      sh(d.dir(), "sed -i 's/^name: .*/name: 改名/' desk.yaml");
      REQUIRE(c.hand_commit("王五", "l2a@sdesk").code == 0);
      c.refused(c.push("wangwu"), base, "only a PM changes desk.yaml");
    }
    SUBCASE("an l2 changing a schema and .gitattributes") {
      append(d.dir() / "schemas/ticket.schema.json", " \n");
      append(d.dir() / ".gitattributes", "*.yaml -merge\n");
      REQUIRE(c.hand_commit("王五", "l2a@sdesk").code == 0);
      Run r = c.push("wangwu");
      CHECK(r.err.find("only a PM changes .gitattributes") != std::string::npos);
      c.refused(r, base, "only a PM changes schemas/ticket.schema.json");
    }
    SUBCASE("a force-push of rewritten history that drops a note") {
      REQUIRE(d.sdesk("note " + id + " 已联系客户", "l1a").code == 0);
      REQUIRE(c.push("zhang").code == 0);
      std::string noted = c.tip();
      REQUIRE(d.git("reset -q --hard HEAD~1").code == 0);
      REQUIRE(d.sdesk("note " + id + " 另一条", "l1a").code == 0);
      Run r = c.push("zhang", "-f origin HEAD:main");
      INFO(r.err);
      CHECK(r.code != 0);
      CHECK(c.tip() == noted);
      CHECK(sh(c.bare(), "git log --format=%B -1 " + noted).out.find("已联系客户") !=
            std::string::npos);
      REQUIRE(d.git("fetch -q origin && git reset -q --hard origin/main").code == 0);
    }
    SUBCASE("deleting the desk's branch") {
      Run r = c.push("wang", "origin :main");
      INFO(r.err);
      CHECK(r.code != 0);
      CHECK(c.tip() == base);
    }
    SUBCASE("a pusher who is nobody's login") {
      REQUIRE(d.sdesk("note " + id + " 记录", "l1a").code == 0);
      c.refused(c.push("mallory"), base, "who is no staff member's login");
    }
  }

  TEST_CASE("an honest push by each role is accepted, named by any server's variable") {
    Central c;
    TestDesk& d = c.d;
    std::string id = d.new_ticket();
    REQUIRE(d.sdesk("take " + id, "l1a").code == 0);
    REQUIRE(d.sdesk("escalate " + id + " --to l2 --assign l2a --reason 硬件 --done 已重启", "l1a")
                .code == 0);
    Run l1 = c.push("zhang");
    CHECK_MESSAGE(l1.code == 0, l1.err);
    REQUIRE(d.sdesk("note " + id + " 已接手", "l2a").code == 0);
    Run l2 = sh(d.dir(), "git push -q origin HEAD:main", {{"GITEA_PUSHER_NAME", "wangwu"}});
    CHECK_MESSAGE(l2.code == 0, l2.err);
    REQUIRE(d.sdesk("staff set l1b --phone 13900000000", "pm1").code == 0);
    Run pm = sh(d.dir(), "git push -q origin HEAD:main", {{"GL_USERNAME", "wang"}});
    CHECK_MESSAGE(pm.code == 0, pm.err);
    REQUIRE(d.sdesk("note " + id + " 处理中", "l2a").code == 0);
    Run nobody = c.push("");  // a server that names no pusher: the other rules still hold
    CHECK_MESSAGE(nobody.code == 0, nobody.err);
    CHECK(c.tip() == d.git("rev-parse HEAD").line());
  }

  TEST_CASE("with guard.require_signed, only commits signed by a key of their author pass") {
    Central c;
    TestDesk& d = c.d;
    TempDir keys;
    for (const char* who : {"l1a", "pm1"})
      REQUIRE(
          sh(keys.path(), std::string("ssh-keygen -q -t ed25519 -N '' -C ") + who + " -f " + who)
              .code == 0);
    std::string l1a_pub = read_file(keys.path() / "l1a.pub");
    std::string pm1_pub = read_file(keys.path() / "pm1.pub");
    REQUIRE(d.sdesk("staff set l1a --ssh-key " + q(l1a_pub.substr(0, l1a_pub.size() - 1))).code ==
            0);
    REQUIRE(d.sdesk("staff set pm1 --ssh-key " + q(pm1_pub.substr(0, pm1_pub.size() - 1))).code ==
            0);
    REQUIRE(d.sdesk("staff show l1a --json").json()["ssh_keys"].size() == 1);
    append(d.dir() / "desk.yaml", "guard:\n  require_signed: true\n");
    Run on = d.sdesk("commit -m 要求签名", "pm1");
    REQUIRE_MESSAGE(on.code == 0, on.err);
    REQUIRE(c.push("wang").code == 0);
    std::string id = d.new_ticket();  // unsigned
    std::string base = c.tip();
    c.refused(c.push("zhang"), base, "the commit is not signed");

    REQUIRE(d.git("config user.signingkey " + q((keys.path() / "l1a").string())).code == 0);
    Run sign = d.sdesk("config sign true", "l1a");
    REQUIRE_MESSAGE(sign.code == 0, sign.err);
    id = d.new_ticket();
    CHECK(d.git("cat-file commit HEAD").out.find("BEGIN SSH SIGNATURE") != std::string::npos);
    Run good = c.push("zhang");
    CHECK_MESSAGE(good.code == 0, good.err);
    base = c.tip();
    CHECK(base == d.git("rev-parse HEAD").line());

    // Signed, but with the PM's key while the commit is l1a's.
    REQUIRE(d.git("config user.signingkey " + q((keys.path() / "pm1").string())).code == 0);
    REQUIRE(d.sdesk("note " + id + " 签错了", "l1a").code == 0);
    c.refused(c.push("zhang"), base, "not by a key of its author l1a");
  }
}
