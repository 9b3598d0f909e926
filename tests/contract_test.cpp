// Contract details a script relies on across command groups: every commit names one object,
// `verify` accepts everything sdesk itself writes, any ID prefix works, a backdated clock files
// objects under their own month, and a refused write changes nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "lib/store/ids.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;
namespace fs = std::filesystem;

namespace {

// The Sdesk-Object trailers of HEAD, one per line.
std::string head_objects(const TestDesk& d) {
  return d.git("log -1 " + q("--format=%(trailers:key=Sdesk-Object,valueonly,separator=%x2C)"))
      .line();
}

}  // namespace

TEST_SUITE("command/contract") {
  TEST_CASE("each commit names exactly its one object, and verify accepts all of them") {
    TestDesk d;
    std::string t = d.new_ticket();
    CHECK(head_objects(d) == t);
    d.sdesk("take " + t, "l1a");
    d.sdesk("start " + t, "l1a");
    d.sdesk("resolve " + t + " --solution 重启打印服务", "l1a");
    std::string kb = d.sdesk("kb new --from " + t, "l1a").line();
    CHECK(head_objects(d) == kb);  // the ticket it links is Sdesk-Related
    CHECK(d.git("log -1 " + q("--format=%(trailers:key=Sdesk-Related,valueonly)")).line() == t);
    CHECK(d.sdesk("log " + t + " --json").json().back()["action"] == "new");
    CHECK(
        d.sdesk("log " + t + " --json").json().front()["subject"].get<std::string>().rfind(kb, 0) ==
        0);  // kb new, too
    REQUIRE(d.sdesk("survey new 2026Q1 --period 2026-Q1").code == 0);
    CHECK(head_objects(d) == "2026Q1");
    REQUIRE(d.sdesk("survey record 2026Q1 --tech 5 --response 4 --resolution 4 --attitude 5 "
                    "--communication 5 --customer 财务处")
                .code == 0);
    REQUIRE(d.sdesk("duty set 2026-03-02 l1a l1b --shift day").code == 0);
    CHECK(head_objects(d) == "duty-2026-03");
    d.at("2026-03-02T18:00:00+08:00");
    REQUIRE(d.sdesk("handover --to l1b --note 交班", "l1a").code == 0);
    Run v = d.sdesk("verify");
    INFO(v.out << v.err);
    CHECK(v.code == 0);
    CHECK(d.clean());
  }

  TEST_CASE("resolve --kb links ticket and article both ways in one commit") {
    TestDesk d;
    std::string kb =
        d.sdesk("kb new --title 打印机脱机 --symptom 脱机 --solution 重启", "l1a").line();
    std::string t = d.new_ticket();
    d.sdesk("take " + t, "l1a");
    d.sdesk("start " + t, "l1a");
    std::string head = d.git("rev-parse HEAD").line();
    CHECK(d.sdesk("resolve " + t + " --solution 按知识库重启 --kb KB-NOSUCH", "l1a").code == 3);
    CHECK(d.git("rev-parse HEAD").line() == head);
    int before = d.commits();
    REQUIRE(
        d.sdesk("resolve " + t + " --solution 按知识库重启 --kb " + kb.substr(0, 10), "l1a").code ==
        0);
    CHECK(d.commits() == before + 1);
    CHECK(d.sdesk("show " + t + " --json").json()["kb"] == nlohmann::json::array({kb}));
    CHECK(d.sdesk("kb show " + kb + " --json").json()["tickets"] == nlohmann::json::array({t}));
    CHECK(head_objects(d) == t);
    CHECK(d.sdesk("verify").code == 0);
    CHECK(d.clean());
  }

  TEST_CASE("any unique prefix names an object; an ambiguous one lists the candidates") {
    TestDesk d;
    std::string t = d.new_ticket();
    std::string c = d.sdesk("complaint new --customer 财务处 --text 响应太慢", "l1a").line();
    std::string kb =
        d.sdesk("kb new --title 打印机脱机 --symptom 脱机 --solution 重启", "l1a").line();
    CHECK(d.sdesk("log " + c.substr(0, c.size() - 3) + " --json").json().at(0)["action"] == "new");
    CHECK(d.sdesk("log " + kb.substr(0, kb.size() - 3) + " --json").json().at(0)["action"] ==
          "new");
    CHECK(d.sdesk("staff show pm --json").json()["id"] == "pm1");
    Run amb = d.sdesk("staff show l1");
    CHECK(amb.code == 2);
    CHECK(amb.err.find("l1a, l1b") != std::string::npos);
    CHECK(d.sdesk("vendor show ac --json").json()["id"] == "acme");
    CHECK(d.sdesk("vendor show zz").code == 3);
  }

  TEST_CASE("every show takes --format csv: one FIELD,VALUE row per field") {
    TestDesk d;
    std::string t = d.new_ticket();
    std::string c = d.sdesk("complaint new --customer 财务处 --text 响应太慢", "l1a").line();
    std::string kb =
        d.sdesk("kb new --title 打印机脱机 --symptom 脱机 --solution 重启", "l1a").line();
    for (const auto& [cmd, want] : std::vector<std::pair<std::string, std::string>>{
             {"show " + t, "id," + t + "\r\n"},
             {"complaint show " + c, "customer,财务处\r\n"},
             {"kb show " + kb, "solution,重启\r\n"},
             {"info", "desk,"},
             {"staff show l1a", "l1a,"},
             {"vendor show acme", "acme,"}}) {
      Run r = d.sdesk(cmd + " --format csv");
      INFO(cmd << ": " << r.err);
      CHECK(r.code == 0);
      CHECK(r.out.find(want) != std::string::npos);
      CHECK(r.out.find("events:") == std::string::npos);
    }
  }

  TEST_CASE("list refuses a filter value outside its domain (exit 2), and names the flag") {
    TestDesk d;
    d.new_ticket();
    for (const char* bad : {"--status bogus", "--status new,opne", "--tier l3", "--priority P9"}) {
      Run r = d.sdesk(std::string("list ") + bad);
      INFO(bad);
      CHECK(r.code == 2);
      CHECK(r.err.find(std::string(bad).substr(0, std::string(bad).find(' '))) !=
            std::string::npos);
    }
    CHECK(d.sdesk("list --status new,assigned --tier l1 --priority P3 --json").json().size() == 1);
  }

  TEST_CASE("a date-only --required-by means the end of that day") {
    TestDesk d;
    Run r = d.sdesk(
        "new --title 打印机脱机 --customer 财务部 --contact 13800000000 --channel hotline "
        "--priority P4 --need 恢复打印 --required-by 2026-03-02 --env os=Windows11 --json",
        "l1a");
    REQUIRE(r.code == 0);
    auto j = r.json();
    CHECK(j["required_by"] == "2026-03-02T23:59:59+08:00");
    CHECK(j["sla"]["resolve_due"] == "2026-03-02T23:59:59+08:00");
    CHECK(j["sla"]["resolve_breached"] == false);
  }

  TEST_CASE("an ID clock of an earlier release never gives an ID it gave") {
    TempDir dir;
    fs::create_directories(dir.path() / "sdesk");
    auto at = sdesk::parse_time("2026-03-01T02:00:00Z", date::locate_zone("UTC"), "t");
    // The earlier release's clock after an ID at that second: "node last_ms last_s".
    std::ofstream(dir.path() / "sdesk" / "clock")
        << "A1 0 " << at.time_since_epoch().count() << "\n";
    std::string old_id = "H-2603-" + sdesk::base32(7200, 5) + "A1";
    sdesk::IdClock clock(dir.path());
    std::string again = clock.object_id("H", at, date::locate_zone("UTC"));
    CHECK(again != old_id);
    CHECK(again > old_id);
    // In New York it is still February 28th: February's old IDs are not repeated either.
    std::string west = clock.object_id("H", at, date::locate_zone("America/New_York"));
    CHECK(west.rfind("H-2602-", 0) == 0);
    CHECK(west.substr(7, 5) > sdesk::base32(28 * 86400 - 1, 5));
  }

  TEST_CASE("hand edits are named as verify names them; an untracked staff file is no operator") {
    TestDesk d;
    REQUIRE(d.sdesk("duty set 2026-03-02 l1a --shift day").code == 0);
    std::ofstream(d.dir() / "duty/2026/03.yaml", std::ios::app) << "# 备注：春节后第一周\n";
    Run c = d.sdesk("commit -m 备注");
    INFO(c.err);
    REQUIRE(c.code == 0);
    CHECK(head_objects(d) == "duty-2026-03");
    CHECK(d.sdesk("verify").code == 0);
    std::ofstream(d.dir() / "staff/eve.yaml")
        << "id: eve\nname: 夏娃\nrole: pm\nemail: ''\nphone: ''\nskills: []\nactive: true\n";
    Run eve = d.sdesk("info", "eve");
    CHECK(eve.code == 0);  // reading needs no operator
    Run w = d.sdesk("duty set 2026-03-03 l1a --shift day", "eve");
    CHECK(w.code == 4);
    CHECK(w.err.find("unknown operator") != std::string::npos);
    fs::remove(d.dir() / "staff/eve.yaml");
  }

  TEST_CASE("a complaint file must carry its own ID; a backdated resolve --kb is refused") {
    TestDesk d;
    std::string c = d.sdesk("complaint new --customer 财务处 --text 响应太慢", "l1a").line();
    std::string path = d.git("ls-files complaints").line();
    std::ifstream in(d.dir() / path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    auto at = text.find("id: " + c);
    REQUIRE(at != std::string::npos);
    std::string other = c.substr(0, c.size() - 1) + (c.back() == 'Z' ? "Y" : "Z");
    text.replace(at, 4 + c.size(), "id: " + other);
    std::ofstream(d.dir() / path) << text;
    Run r = d.sdesk("commit");
    CHECK(r.code == 4);
    CHECK(r.err.find("does not match the file name") != std::string::npos);
    REQUIRE(d.git("checkout -- complaints").code == 0);
    // Beyond the desk's skew window (a day): a clock that far behind is refused.
    d.at("2026-03-05T11:00:00+08:00");
    std::string kb =
        d.sdesk("kb new --title 打印机脱机 --symptom 脱机 --solution 重启", "l1a").line();
    d.at("2026-03-02T09:00:00+08:00");
    std::string t = d.new_ticket();
    d.sdesk("take " + t, "l1a");
    d.sdesk("start " + t, "l1a");
    std::string head = d.git("rev-parse HEAD").line();
    Run res = d.sdesk("resolve " + t + " --solution 重启 --kb " + kb, "l1a");
    CHECK(res.code == 4);
    CHECK(d.git("rev-parse HEAD").line() == head);
    CHECK(d.clean());
  }

  TEST_CASE("a backdated clock files a new object under the month it was created in") {
    TestDesk d;
    std::string march = d.new_ticket();
    d.at("2026-02-10T10:00:00+08:00");
    std::string feb = d.new_ticket();
    std::string feb2 = d.new_ticket();
    CHECK(march.rfind("T-2603-", 0) == 0);
    CHECK(feb.rfind("T-2602-", 0) == 0);
    CHECK(feb2.rfind("T-2602-", 0) == 0);
    CHECK(feb2 > feb);  // same second, same clone: still distinct and in order
    CHECK(fs::exists(d.dir() / "tickets/2026/02" / (feb + ".yaml")));
    // Local month, not UTC: 07:00 on March 1st in Shanghai is still February in UTC.
    d.at("2026-03-01T07:00:00+08:00");
    CHECK(d.new_ticket().rfind("T-2603-", 0) == 0);
    d.at("2026-03-02T09:00:00+08:00");
    std::string again = d.new_ticket();
    CHECK(again != march);
    CHECK(again > march);
  }

  TEST_CASE("start is the first response; a progress note told to the customer is not") {
    TestDesk d;  // Monday 2026-03-02 09:00, a working morning
    std::string t = d.new_ticket("P3");
    REQUIRE(d.sdesk("take " + t, "l1a").code == 0);
    d.at("2026-03-02T09:05:00+08:00");
    REQUIRE(d.sdesk("note " + t + " 已收到，正在处理 --customer", "l1a").code == 0);
    CHECK(d.sdesk("show " + t + " --json").json()["responded_at"].is_null());
    d.at("2026-03-02T09:20:00+08:00");
    REQUIRE(d.sdesk("start " + t, "l1a").code == 0);
    auto j = d.sdesk("show " + t + " --json").json();
    CHECK(j["responded_at"] == "2026-03-02T09:20:00+08:00");
    CHECK(j["sla"]["minutes_to_response"] == 20);
    CHECK(j["events"][2]["response"] == false);
  }

  TEST_CASE("a customer note of an earlier release (no response: false) still folds as written") {
    TestDesk d;
    std::string t = d.new_ticket("P3");
    REQUIRE(d.sdesk("take " + t, "l1a").code == 0);
    d.at("2026-03-02T09:05:00+08:00");
    REQUIRE(d.sdesk("note " + t + " 已收到 --customer", "l1a").code == 0);
    // Rewrite the file as the earlier release wrote it: no marker, responded at the note.
    std::string path = d.git("ls-files tickets").line();
    std::ifstream in(d.dir() / path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto cut = text.find("  response: false\n");
    REQUIRE(cut != std::string::npos);
    text.erase(cut, std::string("  response: false\n").size());
    auto rs = text.find("responded_at: null");
    REQUIRE(rs != std::string::npos);
    text.replace(rs, std::string("responded_at: null").size(),
                 "responded_at: \"2026-03-02T09:05:00+08:00\"");
    std::ofstream(d.dir() / path) << text;
    REQUIRE(d.git("-c user.name=x -c user.email=x@y commit -qam earlier").code == 0);
    d.at("2026-03-02T09:20:00+08:00");
    REQUIRE(d.sdesk("start " + t, "l1a").code == 0);
    CHECK(d.sdesk("show " + t + " --json").json()["responded_at"] == "2026-03-02T09:05:00+08:00");
  }

  TEST_CASE("a consultant may assign an unassigned ticket of its tier to itself, nobody else") {
    TestDesk d;
    std::string t = d.new_ticket();
    CHECK(d.sdesk("assign " + t + " l1b", "l1a").code == 4);
    CHECK(d.sdesk("assign " + t + " l2a", "l2a").code == 4);  // not its tier
    REQUIRE(d.sdesk("assign " + t + " l1a", "l1a").code == 0);
    CHECK(d.sdesk("show " + t + " --json").json()["assignee"] == "l1a");
    CHECK(d.sdesk("assign " + t + " l1b", "l1b").code == 4);  // taken already
  }

  TEST_CASE("a refused write changes nothing: backdated article action, held index lock") {
    TestDesk d;
    std::string kb =
        d.sdesk("kb new --title 打印机脱机 --symptom 脱机 --solution 重启", "l1a").line();
    std::string head = d.git("rev-parse HEAD").line();
    d.at("2026-02-27T09:00:00+08:00");  // days before the article was written
    Run r = d.sdesk("kb retire " + kb);
    CHECK(r.code == 4);
    CHECK(d.git("rev-parse HEAD").line() == head);
    d.at("2026-03-02T10:00:00+08:00");
    // A git process that holds the index lock open (a lock file nobody holds is stale).
    std::string script = "(exec 3>.git/index.lock; sleep 8) & holder=$!; sleep 0.3; " +
                         q(SDESK_BINARY) +
                         " staff add l1c --name 新人 --role l1 --as pm1; rc=$?; kill $holder; "
                         "wait $holder; exit $rc";
    Run locked = sh(d.dir(), "bash -c " + q(script), {{"SDESK_NOW", "2026-03-02T10:00:00+08:00"}});
    CHECK(locked.code == 5);
    CHECK(locked.err.rfind("sdesk: error:", 0) == 0);
    CHECK(d.git("rev-parse HEAD").line() == head);
    fs::remove(d.dir() / ".git" / "index.lock");
    CHECK(d.clean());
    CHECK(d.sdesk("sweep --as ghost").code == 4);
  }

  TEST_CASE("set-up commands also escalate overdue complaints, without waiting on their lock") {
    TestDesk d;
    std::string c =
        d.sdesk("complaint new --customer 财务处 --text 响应太慢 --due 2026-03-02T12:00", "l1a")
            .line();
    d.at("2026-03-02T13:00:00+08:00");
    Run r = d.sdesk("vendor add globex --name 某网络设备厂商");
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    auto events = d.sdesk("complaint show " + c + " --json").json()["events"];
    CHECK(events.back()["action"] == "escalate");
    CHECK(events.back()["to"] == "pm");
  }
}
