// `sdesk verify` through the real binary: a desk made by sdesk is clean; hand commits that
// break a rule are found, each with its commit, file and reason; it also runs on a bare clone.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

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
    CHECK(r.out.empty());
    TempDir bare;
    REQUIRE(sh(bare.path(), "git clone -q --bare " + q(d.dir().string()) + " b.git").code == 0);
    std::string cmd = SDESK_BINARY;
    cmd += " -C b.git verify --json";
    Run rb = sh(bare.path(), cmd);
    INFO(rb.err);
    CHECK(rb.code == 0);
    CHECK(rb.json()["ok"] == true);
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
      CHECK(r.err.find("verify: 3 findings") != std::string::npos);
    }
  }
}
