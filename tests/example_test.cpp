// The example desk script: it builds a sound desk with work orders in every state.
#include <doctest/doctest.h>

#include <set>

#include "tests/helpers.hpp"

using namespace sdesk::test;

TEST_SUITE("command/example") {
  TEST_CASE("make-example-desk.sh builds a clean desk with every status, and remakes it") {
    TempDir tmp;
    const std::filesystem::path script =
        std::filesystem::path(SDESK_SOURCE_DIR) / "examples" / "make-example-desk.sh";
    const std::string cmd = q(script.string()) + " " + q(SDESK_BINARY) + " desk";
    Run r = sh(tmp.path(), cmd);
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto desk = tmp.path() / "desk";
    Run fsck = sh(desk, "git fsck --no-progress --strict");
    CHECK(fsck.code == 0);
    Run status = sh(desk, "git status --porcelain");
    CHECK(status.code == 0);
    CHECK(status.out.empty());

    Run list = run_sdesk(desk, "list --json", {{"SDESK_NOW", "2026-03-06T12:00:00+08:00"}});
    REQUIRE(list.code == 0);
    auto j = list.json();
    CHECK(j.size() >= 12);
    std::set<std::string> statuses, tiers;
    bool major = false, child = false, reopened = false, vendor = false, back_down = false;
    for (const auto& t : j) {
      statuses.insert(t["status"].get<std::string>());
      tiers.insert(t["tier"].get<std::string>());
      major = major || t["major"] == true;
      child = child || !t["parent"].is_null();
      reopened = reopened || t["reopen_count"].get<int>() > 0;
      for (const auto& e : t["escalations"])
        vendor = vendor || e["to"].get<std::string>().rfind("vendor:", 0) == 0;
      back_down = back_down || (t["tier"] == "l1" && !t["escalations"].empty());
      // Chinese text is stored as text.
      CHECK(t["title"].get<std::string>().size() > 0);
    }
    for (const char* s :
         {"new", "assigned", "in_progress", "pending", "resolved", "closed", "cancelled"})
      CHECK_MESSAGE(statuses.count(s), "no ticket is " << s);
    CHECK(tiers.count("l2"));
    CHECK(major);
    CHECK(child);
    CHECK(reopened);
    CHECK(vendor);
    CHECK(back_down);
    // The files are UTF-8 text, not escapes.
    Run grep = sh(desk, "git grep -l '政务服务平台数据库响应缓慢' -- tickets");
    CHECK(grep.code == 0);
    CHECK(grep.out.find("tickets/2026/03/") != std::string::npos);
    // Every commit carries the contract's trailers.
    Run log = sh(desk, "git log --format=%B");
    CHECK(log.out.find("Sdesk-Action: escalate") != std::string::npos);
    CHECK(log.out.find("Sdesk-Action: de-escalate") != std::string::npos);

    // Running it again remakes the example desk; a foreign directory is refused.
    Run again = sh(tmp.path(), cmd);
    CHECK(again.code == 0);
    CHECK(sh(desk, "git status --porcelain").out.empty());
    sh(tmp.path(), "mkdir other && touch other/keep");
    Run refused = sh(tmp.path(), q(script.string()) + " " + q(SDESK_BINARY) + " other");
    CHECK(refused.code != 0);
    CHECK(refused.err.find("other") != std::string::npos);
  }
}
