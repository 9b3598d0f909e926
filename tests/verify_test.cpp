// `sdesk verify` through the real binary: a desk made by sdesk is clean; hand commits that
// break a rule are found, each with its commit, file and reason; it also runs on a bare clone.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "lib/kb/kb.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/util/time.hpp"
#include "lib/util/yaml.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Run commit_by(const TestDesk& d, const std::string& name, const std::string& email,
              const std::string& message) {
  return sh(d.dir(), "git commit -q -am " + q(message),
            {{"GIT_AUTHOR_NAME", name},
             {"GIT_AUTHOR_EMAIL", email},
             {"GIT_COMMITTER_NAME", name},
             {"GIT_COMMITTER_EMAIL", email}});
}

}  // namespace

TEST_SUITE("sync/verify") {
  TEST_CASE("a desk made by sdesk verifies clean, also from a bare clone") {
    TestDesk d;
    std::string id = d.new_ticket();
    REQUIRE(d.sdesk("take " + id, "l1a").code == 0);
    REQUIRE(d.sdesk("start " + id, "l1a").code == 0);
    Run r = d.sdesk("verify");
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("no findings") != std::string::npos);  // one summary line when clean
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    TempDir bare;
    REQUIRE(sh(bare.path(), "git clone -q --bare " + q(d.dir().string()) + " b.git").code == 0);
    std::string cmd = SDESK_BINARY;
    cmd += " -C b.git verify --json";
    Run rb = sh(bare.path(), cmd);
    INFO(rb.err);
    CHECK(rb.code == 0);
    CHECK(rb.json()["ok"] == true);
  }

  TEST_CASE("verify tells commits made with a back-dated clock from live ones") {
    TestDesk d;  // every command at SDESK_NOW in March, while the system clock runs on
    std::string id = d.new_ticket();
    Run live = run_sdesk(d.dir(), "note " + id + " 实时记录 --as l1a");  // no SDESK_NOW
    REQUIRE_MESSAGE(live.code == 0, live.err);
    std::string head = d.git("rev-parse HEAD").out.substr(0, 40);
    Run r = d.sdesk("verify --json");
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    auto j = r.json();
    REQUIRE(j["commits"].get<int>() == d.commits());
    CHECK(j["backdated"].size() == static_cast<size_t>(d.commits() - 1));
    for (const auto& b : j["backdated"]) {
      CHECK(b["commit"] != head);
      CHECK(b["at"].get<std::string>().rfind("2026-03-02", 0) == 0);
    }
    Run text = d.sdesk("verify");
    CHECK(text.out.find(std::to_string(d.commits() - 1) + " back-dated") != std::string::npos);
  }

  TEST_CASE("hand-made complaint and article events are checked against their roles") {
    TestDesk d;
    auto now = sdesk::parse_time("2026-03-02T10:00:00+08:00", date::locate_zone("UTC"), "t");
    sdesk::Json e = {{"id", "ZZZZZZZZZZZZZ"}, {"at", "2026-03-02T10:00:00+08:00"}, {"by", "l1a"}};
    std::string before;
    std::string want;
    SUBCASE("a consultant closes a complaint") {
      std::string c = d.sdesk("complaint new --customer 财务处 --text 响应慢", "l1a").line();
      REQUIRE(d.sdesk("complaint investigate " + c + " --text 查明原因", "l1a").code == 0);
      REQUIRE(d.sdesk("complaint reply " + c + " --text 已答复客户", "l1a").code == 0);
      before = d.git("rev-parse HEAD").line();
      std::string path = d.git("ls-files complaints").line();
      auto cur = sdesk::parse_complaint(slurp(d.dir() / path), path, now);
      auto events = cur.events;
      e["action"] = "close";
      events.push_back(e);
      std::ofstream(d.dir() / path)
          << sdesk::emit_yaml(sdesk::complaint_file_json(sdesk::fold_complaint(c, events, now)));
      REQUIRE(commit_by(d, "张三", "l1a@example.com",
                        c + ": close\n\nSdesk-Object: " + c + "\nSdesk-Action: close")
                  .code == 0);
      want = "only the PM closes a complaint";
    }
    SUBCASE("the author publishes an article") {
      std::string kb =
          d.sdesk("kb new --title 打印机脱机 --symptom 脱机 --solution 重启", "l1a").line();
      REQUIRE(d.sdesk("kb review " + kb, "l1a").code == 0);
      before = d.git("rev-parse HEAD").line();
      std::string path = sdesk::article_path(kb);
      auto cur = sdesk::parse_article(slurp(d.dir() / path), path);
      auto events = cur.events;
      e["action"] = "publish";
      e["review_due"] = "2027-03-02T10:00:00+08:00";
      events.push_back(e);
      std::ofstream(d.dir() / path) << sdesk::article_yaml(sdesk::fold_article(kb, events));
      REQUIRE(commit_by(d, "张三", "l1a@example.com",
                        kb + ": publish\n\nSdesk-Object: " + kb + "\nSdesk-Action: publish")
                  .code == 0);
      want = "wrote the article and may not publish it";
    }
    Run r = d.sdesk("verify --range " + before + "..HEAD");
    INFO(r.out << r.err);
    CHECK(r.code == 4);
    CHECK(r.out.find(want) != std::string::npos);
  }

  TEST_CASE("hand commits that break the rules are found, one line each") {
    TestDesk d;
    std::string id = d.new_ticket();
    REQUIRE(d.sdesk("take " + id, "l1a").code == 0);
    std::string path = d.git("ls-files tickets").line();
    std::string before = d.git("rev-parse HEAD").line();

    SUBCASE("an event removed") {
      std::string text = slurp(d.dir() / path);
      auto cut = text.rfind("\n- id:");
      REQUIRE(cut != std::string::npos);
      std::ofstream(d.dir() / path) << text.substr(0, cut + 1);
      REQUIRE(commit_by(d, "王经理", "pm1@example.com",
                        id + ": edit\n\nSdesk-Object: " + id + "\nSdesk-Action: edit")
                  .code == 0);
      Run r = d.sdesk("verify --range " + before + "..HEAD");
      CHECK(r.code == 4);
      CHECK(r.out.find(path) != std::string::npos);
      CHECK(r.out.find("was removed") != std::string::npos);
    }
    SUBCASE("a commit by someone who is not staff, naming nothing") {
      std::ofstream(d.dir() / "vendors" / "acme.yaml", std::ios::app) << "";
      std::string text = slurp(d.dir() / "vendors/acme.yaml");
      auto at = text.find("某厂商");
      REQUIRE(at != std::string::npos);
      text.replace(at, std::string("某厂商").size(), "另一厂商");
      std::ofstream(d.dir() / "vendors/acme.yaml") << text;
      REQUIRE(commit_by(d, "Mallory", "mallory@example.com", "rename vendor").code == 0);
      Run r = d.sdesk("verify");
      CHECK(r.code == 4);
      CHECK(r.out.find("not a staff member") != std::string::npos);
      CHECK(r.out.find("Sdesk-Action") != std::string::npos);
      CHECK(r.out.find("does not name it") != std::string::npos);
      CHECK(r.out.find("only a PM changes vendors/acme.yaml") != std::string::npos);
      CHECK(r.err.find("verify: 4 findings") != std::string::npos);
    }
  }
}
