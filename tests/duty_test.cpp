// Duty roster, `sdesk info` and shift handover through the real binary.
#include <doctest/doctest.h>

#include "tests/helpers.hpp"

using namespace sdesk::test;

TEST_SUITE("command/duty") {
  TEST_CASE("duty set writes the month's roster in one commit; who and list read it") {
    TestDesk d;
    int base = d.commits();
    Run r = d.sdesk("duty set 2026-03-02 l1a l1b");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(d.commits() == base + 1);
    CHECK(d.clean());
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.find("Sdesk-Action: duty-set") != std::string::npos);
    CHECK(msg.find("2026-03-02 day l1a, l1b") != std::string::npos);
    Run file = d.git("show HEAD:duty/2026/03.yaml");
    REQUIRE(file.code == 0);
    CHECK(file.out.find("hours: \"09:00-18:00\"") != std::string::npos);

    // A named shift with its own hours, and a night shift that runs past midnight.
    REQUIRE(d.sdesk("duty set 2026-03-02 l2a --shift evening=18:00-22:00").code == 0);
    REQUIRE(d.sdesk("duty set 2026-03-02 l2b --shift night").code == 0);
    CHECK(d.commits() == base + 3);

    auto who = [&](const std::string& at) {
      Run w = d.sdesk("duty who --json --at " + at);
      REQUIRE(w.code == 0);
      std::vector<std::string> ids;
      for (const auto& e : w.json()) ids.push_back(e["id"]);
      return ids;
    };
    CHECK(who("2026-03-02T10:00") == std::vector<std::string>{"l1a", "l1b"});
    CHECK(who("2026-03-02T19:00") == std::vector<std::string>{"l2a", "l2b"});
    CHECK(who("2026-03-03T02:00") == std::vector<std::string>{"l2b"});
    CHECK(who("2026-03-03T10:00").empty());

    // Setting the same shift again replaces its staff.
    REQUIRE(d.sdesk("duty set 2026-03-02 l1b").code == 0);
    CHECK(who("2026-03-02T10:00") == std::vector<std::string>{"l1b"});

    Run list = d.sdesk("duty list --month 2026-03 --json");
    REQUIRE(list.code == 0);
    auto lj = list.json();
    REQUIRE(lj.size() == 3);
    CHECK(lj[0]["shift"] == "day");
    CHECK(lj[1]["shift"] == "evening");
    CHECK(lj[1]["hours"] == "18:00-22:00");
    CHECK(lj[2]["shift"] == "night");
    Run table = d.sdesk("duty list");
    CHECK(table.out.find("evening") != std::string::npos);
  }

  TEST_CASE("duty set refuses what it must, writing nothing") {
    TestDesk d;
    int base = d.commits();
    Run l1 = d.sdesk("duty set 2026-03-02 l1a", "l1a");
    CHECK(l1.code == 4);
    CHECK(l1.err.find("PM") != std::string::npos);
    CHECK(d.sdesk("duty set 2026-03-02 nobody").code == 3);
    CHECK(d.sdesk("duty set 2026-3-2 l1a").code == 2);
    CHECK(d.sdesk("duty set 2026-03-02 l1a --shift lunch").code == 2);
    CHECK(d.sdesk("duty set 2026-03-02 l1a --shift x=25:00-26:00").code == 2);
    CHECK(d.sdesk("duty set 2026-03-02").code == 2);
    CHECK(d.commits() == base);
    CHECK(d.clean());
  }

  TEST_CASE("info shows the desk and who is on duty now") {
    TestDesk d;
    REQUIRE(d.sdesk("duty set 2026-03-02 l1a").code == 0);
    Run r = d.sdesk("info --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto j = r.json();
    CHECK(j["name"] == "测试服务台");
    CHECK(j["hotline"] == "400-000-0000");
    CHECK(j["complaint_channel"] == "投诉电话 400-000-0001");
    CHECK(j["hours"]["mon"][0] == "09:00-12:00");
    CHECK(j["hours"]["sat"].empty());
    REQUIRE(j["on_duty"].size() == 1);
    CHECK(j["on_duty"][0]["id"] == "l1a");
    CHECK(j["on_duty"][0]["name"] == "张三");
    Run t = d.sdesk("info");
    CHECK(t.out.find("张三") != std::string::npos);
    CHECK(t.out.find("投诉电话") != std::string::npos);
    d.at("2026-03-02T20:00:00+08:00");
    CHECK(d.sdesk("info --json").json()["on_duty"].empty());
  }

  TEST_CASE("handover records open tickets, risks and escalations in one commit") {
    TestDesk d;
    std::string a = d.new_ticket("P1", "核心交换机故障");
    std::string b = d.new_ticket("P3", "打印机脱机");
    REQUIRE(d.sdesk("take " + b, "l1a").code == 0);
    REQUIRE(d.sdesk("start " + b, "l1a").code == 0);
    REQUIRE(d.sdesk("escalate " + b + " --to l2 --reason 驱动 --done 重装", "l1a").code == 0);
    Run complaint = d.sdesk("complaint new --customer 财务部 --text 打印机三天没修好", "l1a");
    REQUIRE(complaint.code == 0);
    d.at("2026-03-02T11:00:00+08:00");  // A's 15-minute response is long past
    int base = d.commits();
    Run r = d.sdesk("handover --to l1b --note 交换机厂商下午到场 --json", "l1a");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(d.commits() == base + 1);
    CHECK(d.clean());
    auto j = r.json();
    CHECK(j["from"] == "l1a");
    CHECK(j["to"] == "l1b");
    CHECK(j["note"] == "交换机厂商下午到场");
    REQUIRE(j["open"]["l1"].size() == 1);
    CHECK(j["open"]["l1"][0]["id"] == a);
    REQUIRE(j["open"]["l2"].size() == 1);
    CHECK(j["open"]["l2"][0]["id"] == b);
    REQUIRE(j["breached"].size() >= 1);
    CHECK(j["breached"][0]["id"] == a);
    REQUIRE(j["escalations"].size() == 1);
    CHECK(j["escalations"][0]["id"] == b);
    CHECK(j["escalations"][0]["waiting_on"] == "l2 queue");
    REQUIRE(j["complaints_due"].size() == 1);
    CHECK(j["complaints_due"][0]["id"] == complaint.line());
    CHECK(j["complaints_due"][0]["overdue"] == false);
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.find("Sdesk-Action: handover") != std::string::npos);
    CHECK(msg.find("Sdesk-Object: " + j["id"].get<std::string>()) != std::string::npos);
    Run files = d.git("ls-tree -r --name-only HEAD handovers");
    CHECK(files.line() == "handovers/2026/03/20260302T110000.yaml");

    Run md = d.sdesk("handover --to l1a --format md", "l1b");
    REQUIRE(md.code == 0);
    CHECK(md.out.find("# 交接班") != std::string::npos);
    CHECK(md.out.find(a) != std::string::npos);
    CHECK(d.git("ls-tree -r --name-only HEAD handovers").out.find("20260302T110000-2.yaml") !=
          std::string::npos);

    CHECK(d.sdesk("handover --to nobody", "l1a").code == 3);
    CHECK(d.sdesk("handover --to l1a", "l1a").code == 4);
    CHECK(d.sdesk("handover", "l1a").code == 2);
  }
}

TEST_SUITE("command/duty") {
  TEST_CASE("sdesk new with no flags on a terminal shows the phone script, then asks in order") {
    // script(1) (util-linux, in every Debian) gives the command a pseudo-terminal.
    REQUIRE_MESSAGE(sh(std::filesystem::current_path(), "sh -c 'command -v script'").code == 0,
                    "script(1) is not installed: no pseudo-terminal to test with");
    TestDesk d;
    int base = d.commits();
    // Answers in the norm's order; an empty channel takes the default (hotline).
    std::string answers =
        "打印机脱机\n财务部\n13800000000\n恢复打印\n2026-03-05 18:00\nos=Windows11, "
        "model=HP\n\nP5\nP2\nprinter\n";
    std::string inner = "printf '%s' " + q(answers) + " | script -qec " +
                        q(std::string(SDESK_BINARY) + " new") + " /dev/null";
    Run r = sh(d.dir(), "sh -c " + q(inner),
               {{"SDESK_NOW", "2026-03-02T09:00:00+08:00"}, {"SDESK_USER", "l1a"}});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    size_t last = r.out.find("您好，运维服务台");
    REQUIRE(last != std::string::npos);
    for (const char* label : {"title (", "customer (", "contact (", "need (", "required_by (",
                              "environment (", "channel (", "priority (", "category ("}) {
      size_t at = r.out.find(label);
      CHECK_MESSAGE(at != std::string::npos, label);
      CHECK_MESSAGE(at > last, label << " asked out of order");
      last = at;
    }
    CHECK(r.out.find("one of: P1, P2, P3, P4") != std::string::npos);  // P5 was refused
    CHECK(d.commits() == base + 1);
    CHECK(d.clean());
    Run list = d.sdesk("list --json");
    REQUIRE(list.code == 0);
    auto j = list.json();
    REQUIRE(j.size() == 1);
    CHECK(j[0]["title"] == "打印机脱机");
    CHECK(j[0]["customer"] == "财务部");
    CHECK(j[0]["contact"] == "13800000000");
    CHECK(j[0]["need"] == "恢复打印");
    CHECK(j[0]["required_by"] == "2026-03-05T18:00:00+08:00");
    CHECK(j[0]["environment"]["os"] == "Windows11");
    CHECK(j[0]["environment"]["model"] == "HP");
    CHECK(j[0]["channel"] == "hotline");
    CHECK(j[0]["priority"] == "P2");
    CHECK(j[0]["category"] == "printer");
    CHECK(r.out.find(j[0]["id"].get<std::string>()) != std::string::npos);

    // Not on a terminal, no flags: no prompt, the usual refusal naming the missing field.
    Run plain = d.sdesk("new", "l1a");
    CHECK(plain.code == 4);
    CHECK(plain.err.find("title") != std::string::npos);
    CHECK(plain.out.empty());
  }
}
